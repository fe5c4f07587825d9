// diff-view.test.mjs -- two past runs compared on the page, in headless
// Chromium: a real compare of pipe and unix (r1) and the same lines with
// unix at half the rate (r2) are in the server's results directory; on
// "Past runs" the user picks r1 as before and r2 as after, and the page
// shows /api/diff's verdict for each row, unix marked slower and named in
// the summary, pipe "no change"; a moved machine is warned of; no console
// error. Prints TAP.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, chromium, CHROMIUM, CHROMIUM_ARGS, load, ndjson, startServer, stopServer, tap } from './lib.mjs';

const LIMIT_MS = 90000;
const t = tap();
const { ok } = t;

// seed: r1 a real compare, r2 the same with unix at half the rate, r3 as
// r1 but on "another kernel"
function seed(dir) {
  const run = spawnSync(BIN, ['compare', 'pipe,unix', '--reps', '30', '--duration', '0.02', '--ci', '0',
    '--format', 'ndjson', '--run-id', 'r1'], { encoding: 'utf8', timeout: 30000 });
  ok(run.status === 0, 'a real compare of pipe and unix ran for the seed', run.stderr);
  const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const write = (id, f) => fs.writeFileSync(path.join(dir, `${id}.ndjson`),
    `${lines.map((l) => JSON.stringify(f({ ...l, run: id }))).join('\n')}\n`);
  write('r1', (l) => l);
  write('r2', (l) => (l.type === 'result' && l.mechanism === 'unix'
    ? { ...l, msgs_per_s: l.msgs_per_s / 2, bytes_per_s: l.bytes_per_s / 2 } : l));
  write('r3', (l) => (l.type === 'start' ? { ...l, system: { ...l.system, kernel: 'Linux 0.0.1-other' } } : l));
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ipcscope-diff-view-'));
  const results = path.join(tmp, 'results');
  let server = null;
  let browser = null;
  const watchdog = setTimeout(() => {
    console.log(`not ok ${t.n + 1} - diff-view tests took longer than ${LIMIT_MS / 1000} s`);
    process.exit(1);
  }, LIMIT_MS);
  try {
    fs.mkdirSync(results);
    seed(results);
    server = await startServer(results);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const errors = [];
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    ctx.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    ctx.on('weberror', (e) => errors.push(`pageerror: ${e.error().message}`));
    const page = await ctx.newPage();
    await load(page, server.base);
    await page.click('#tab-runs');
    await page.waitForSelector('#diff-go', { timeout: 10000 });
    const picked = await page.evaluate(() => [document.querySelector('#diff-a').value, document.querySelector('#diff-b').value]);
    ok(picked.join() === 'r2,r3', 'the picker offers the ended runs, the newest as after and the one before it as before', picked);
    await page.selectOption('#diff-a', 'r1');
    await page.selectOption('#diff-b', 'r2');
    await page.click('#diff-go');
    await page.waitForSelector('.diff-table', { timeout: 10000 });
    const api = await ndjson(server.base, '/api/diff?a=r1&b=r2');
    const rows = await page.evaluate(() => [...document.querySelectorAll('.diff-table tbody tr')].map((tr) => ({
      label: tr.dataset.label, change: tr.dataset.change, verdict: tr.querySelector('.diff-verdict').firstChild.textContent,
    })));
    const want = api.lines.filter((l) => l.type === 'diff_row').map((l) => ({ label: l.label, change: l.change, verdict: l.verdict_text }));
    ok(JSON.stringify(rows) === JSON.stringify(want), 'each row shows the verdict /api/diff gives it', JSON.stringify([rows, want]));
    ok(rows.find((r) => r.label === 'unix')?.change === 'slower' && rows.find((r) => r.label === 'pipe')?.change === 'no change',
      'unix at half the rate is marked slower, pipe no change', JSON.stringify(rows));
    const summary = await page.textContent('.diff-summary');
    ok(/Slower than a by more than 5 %: unix 64 B/.test(summary), 'the summary names the slower row', summary);
    const red = await page.evaluate(() => getComputedStyle(document.querySelector('tr[data-label="unix"] .diff-change')).fontWeight);
    ok(Number(red) >= 600, 'the slower row stands out', red);

    await page.selectOption('#diff-a', 'r1');
    await page.selectOption('#diff-b', 'r3');
    await page.click('#diff-go');
    await page.waitForFunction(() => document.querySelector('.diff-moved'), null, { timeout: 10000 });
    const moved = await page.textContent('.diff-moved');
    ok(/moved between the runs: kernel: .*Linux 0\.0\.1-other/.test(moved), 'a moved machine is warned of, naming the kernel', moved);
    const same = await page.textContent('.diff-summary');
    ok(/^No row slower/.test(same), 'the same reps on another kernel: no row slower', same);
    ok(errors.length === 0, 'no console error', errors.join('\n'));
    await ctx.close();
  } catch (e) {
    ok(false, 'diff-view tests ran to the end', e.stack || e);
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
