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

// post: a sync-tax result whose mutex took factor times spinning's time per
// message, with that key figure as a student's ipcscope computes it
const post = (as, spin, factor) => {
  const mutex = spin / factor;
  return {
    demo: 'sync-tax', as, metric: 'msgs_per_s', higher_is_better: true, lesson: 'a lesson',
    summaries: [{ label: 'shm sync=spin', mechanism: 'shm', size: 4096, reps: 3, median: spin, min: spin, max: spin },
      { label: 'shm sync=mutex', mechanism: 'shm', size: 4096, reps: 3, median: mutex, min: mutex, max: mutex }],
    key: { a: 'shm sync=mutex', b: 'shm sync=spin', factor: spin / mutex, low: null, high: null, verdict: null },
  };
};

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
    const posted = [];
    for (const [as, spin, factor] of [['ana', 400000, 15], ['ben', 300000, 30], [HOSTILE, 3000000, 21]]) {
      const body = post(as, spin, factor);
      posted.push({ as, factor: body.key.factor });
      const res = await fetch(`${server.base}/api/board/results`, {
        method: 'POST', headers: { 'X-Board-Code': ses.code }, body: JSON.stringify(body),
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
    ok(third.bottom <= 768 && third.right <= 1024, 'the three rows are on the first screen at 1024×768', JSON.stringify(third));
    ok(third.text.includes(HOSTILE) && third.imgs === 0 && !(await page.evaluate(() => window.pwned)),
      'a hostile pseudonym is shown as text, never markup', third);
    const summary = await page.$$eval('#class-summary tbody tr', (trs) => trs.map((tr) => tr.textContent));
    ok(summary.length === 2 && summary[0].includes('400'), 'the class\'s figures: a row per label with its median', summary);
    ok(await page.$eval('body', (b) => b.classList.contains('projector')), 'in projector mode');

    // the lesson's key figure: one point per machine, equal to its post
    await page.waitForFunction(() => {
      const c = globalThis.Chart && globalThis.Chart.getChart(document.querySelector('#class-key-chart'));
      return c && c.data.datasets[0].data.length === 3;
    }, null, { timeout: ROW_WAIT_MS }).catch(() => {});
    const chart = await page.evaluate(() => {
      const c = globalThis.Chart && globalThis.Chart.getChart(document.querySelector('#class-key-chart'));
      if (!c) return null;
      const r = c.canvas.getBoundingClientRect();
      return {
        points: c.data.datasets[0].data.map((p) => ({ as: p.as, factor: p.x })),
        median: c.data.datasets[2].data[0].x, q1: c.data.datasets[1].data[0].x, q3: c.data.datasets[1].data[1].x,
        log: c.scales.x.type, bottom: r.bottom, right: r.right, width: r.width,
      };
    });
    // (the board's JSON writer keeps 15 significant digits: 20.999999999999996 comes back as 21)
    const near = (x, y) => Math.abs(x - y) <= 1e-12 * Math.abs(y);
    ok(chart && chart.points.length === posted.length && chart.points.every((p, i) => p.as === posted[i].as && near(p.factor, posted[i].factor)),
      'the key figure\'s chart: one point per machine, equal to the factors posted', JSON.stringify([chart && chart.points, posted]));
    ok(chart && chart.log === 'logarithmic' && Math.abs(chart.median - 21) < 1e-9 && Math.abs(chart.q1 - 18) < 1e-9 &&
      Math.abs(chart.q3 - 25.5) < 1e-9, 'on a log axis, with the median (21×) and the middle half (18–25.5×)', chart);
    ok(chart && chart.bottom <= 768 && chart.right <= 1024 && chart.width >= 250, 'the chart is on the first screen at 1024×768', chart);
    if (process.env.SHOT) await page.screenshot({ path: process.env.SHOT });
    const headline = await page.textContent('#class-headline');
    const hfont = await page.$eval('#class-headline', (h) => parseFloat(getComputedStyle(h).fontSize));
    ok(headline === 'On all 3 machines shm sync=mutex was 15–30× slower than shm sync=spin; median 21×.',
      'the headline says it in the lesson\'s words', headline);
    ok(hfont >= 24, `and large in projector mode (${hfont} px)`);
    const keyCells = await page.$$eval('#class-rows tbody tr', (trs) => trs.map((tr) => tr.children[3].textContent));
    ok(JSON.stringify(keyCells) === JSON.stringify(['15×', '30×', '21×']), 'each machine\'s row shows its key figure', keyCells);

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
