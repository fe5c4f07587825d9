// class-view.test.mjs -- the Class view in headless Chromium at 1024×768 in
// projector mode, on a server with a class board: the join code and its QR
// code on screen, three students' rows appearing live as they post, on the
// first screen, a hostile pseudonym shown as text, the class's figures, and
// no console error. Prints TAP.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, chromium, CHROMIUM, CHROMIUM_ARGS, tap, load, stopServer } from './lib.mjs';

const LIMIT_MS = 60000;
const ROW_WAIT_MS = 5000;        // a post shows within this (the page polls every second)
const HOSTILE = '<img src=x onerror=pwned=1>';

const t = tap();
const { ok } = t;

function startBoard(dir) {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, ['serve', '--port', '0', '--results-dir', dir, '--board', '--board-task', 'sync-tax'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
      const m = /serving on (http:\/\/127\.0\.0\.1:\d+)\//.exec(text);
      if (m) resolve({ child, base: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
}

const post = (as, spin) => ({
  demo: 'sync-tax', as, metric: 'msgs_per_s', higher_is_better: true, lesson: 'a lesson',
  summaries: [{ label: 'shm sync=spin', mechanism: 'shm', size: 4096, reps: 3, median: spin, min: spin, max: spin },
    { label: 'shm sync=mutex', mechanism: 'shm', size: 4096, reps: 3, median: spin / 20, min: spin / 20, max: spin / 20 }],
});

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ipcscope-class-view-'));
  let server = null;
  let browser = null;
  const watchdog = setTimeout(() => { console.log(`not ok ${t.n + 1} - the class view tests took longer than ${LIMIT_MS / 1000} s`); process.exit(1); }, LIMIT_MS);
  try {
    server = await startBoard(tmp);
    const ses = await (await fetch(`${server.base}/api/board/session`)).json();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await load(page, server.base);
    await page.click('#projector');
    await page.click('#tab-class');
    await page.waitForFunction(() => document.querySelector('#class-code').textContent.length === 6, null, { timeout: 5000 });
    ok(await page.textContent('#class-code') === ses.code, 'the Class view shows the join code', await page.textContent('#class-code'));
    ok(await page.isVisible('#class-qr'), 'and the join URL\'s QR code');
    const rows = () => page.$$eval('#class-rows tbody tr', (trs) => trs.length);
    const seen = [];
    for (const [as, spin] of [['ana', 400000], ['ben', 300000], [HOSTILE, 3000000]]) {
      const res = await fetch(`${server.base}/api/board/results`, {
        method: 'POST', headers: { 'X-Board-Code': ses.code }, body: JSON.stringify(post(as, spin)),
      });
      ok(res.status === 200, `${as.slice(0, 12)} posts`, res.status);
      const want = seen.length + 1;
      const t0 = Date.now();
      await page.waitForFunction((n) => document.querySelectorAll('#class-rows tbody tr').length === n, want, { timeout: ROW_WAIT_MS })
        .catch(() => {});
      seen.push(await rows());
      ok(seen.at(-1) === want, `row ${want} appears live (${Date.now() - t0} ms)`, seen);
    }
    const third = await page.$eval('#class-rows tbody tr:nth-child(3)', (tr) => {
      const r = tr.getBoundingClientRect();
      return { bottom: r.bottom, right: r.right, text: tr.textContent, imgs: tr.querySelectorAll('img').length };
    });
    ok(third.bottom <= 768 && third.right <= 1024, 'the three rows are on the first screen at 1024×768', third);
    ok(third.text.includes(HOSTILE) && third.imgs === 0 && !(await page.evaluate(() => window.pwned)),
      'a hostile pseudonym is shown as text, never markup', third);
    const summary = await page.$$eval('#class-summary tbody tr', (trs) => trs.map((tr) => tr.textContent));
    ok(summary.length === 2 && summary[0].includes('400'), 'the class\'s figures: a row per label with its median', summary);
    ok(await page.$eval('body', (b) => b.classList.contains('projector')), 'in projector mode');

    // a student's side: a finished run of this server sent from the page
    const run = await fetch(`${server.base}/api/demos/sync-tax?reps=2&duration=0.01`).then((r) => r.text());
    const id = JSON.parse(run.split('\n')[0]).run;
    await page.click('#projector');
    await page.click('#tab-runs');
    await page.click('#tab-class');
    await page.waitForFunction((want) => [...document.querySelectorAll('#send-run option')].some((o) => o.value === want), id, { timeout: 5000 });
    await page.fill('#send-board', server.base);
    await page.fill('#send-code', ses.code);
    await page.fill('#send-as', 'dee');
    await page.selectOption('#send-run', id);
    await page.click('#send-form button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('#send-status').textContent !== '', null, { timeout: 10000 });
    ok(/^Sent to /.test(await page.textContent('#send-status')), 'Send to class board sends a finished run', await page.textContent('#send-status'));
    await page.waitForFunction(() => document.querySelectorAll('#class-rows tbody tr').length === 4, null, { timeout: ROW_WAIT_MS }).catch(() => {});
    ok(await rows() === 4, 'and its row appears on the board', await rows());
    await page.fill('#send-code', 'AAAAAA');
    await page.click('#send-form button[type="submit"]');
    await page.waitForFunction(() => /^Not sent/.test(document.querySelector('#send-status').textContent), null, { timeout: 10000 }).catch(() => {});
    ok(/^Not sent: the board refused the post \(403\)/.test(await page.textContent('#send-status')), 'a refusal is shown with the board\'s reason', await page.textContent('#send-status'));
    // the browser logs the refusal's 502 itself; nothing else may be logged
    errors.splice(0, errors.length, ...errors.filter((e) => !/status of 502/.test(e)));
    ok(errors.length === 0, 'no console error', errors.join('\n'));
  } catch (e) {
    ok(false, 'the class view tests ran to the end', e.stack || e);
  } finally {
    clearTimeout(watchdog);
    if (browser) await browser.close().catch(() => {});
    if (server) await stopServer(server.child);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`1..${t.n}`);
  process.exit(t.failures ? 1 : 0);
}

main();
