// form.test.mjs -- the page builds and checks its form from the server's
// table of params (GET /api/params): in headless Chromium, a value past a
// range is refused as the user types with the server's own words and range,
// each field's hint is the table's help, and web/ copies no limit.
// Prints TAP.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, CHROMIUM, CHROMIUM_ARGS, tap, load, runSuite, top } from './lib.mjs';

const TOTAL_LIMIT_MS = 60000;

const t = tap();
const { ok, step } = t;

// noCopiedLimits: no "A..B" range in the page's files, and no number of the
// table's limits (but 0 and 1) written in form.js or the form's HTML
function noCopiedLimits(table) {
  const files = [...fs.readdirSync(path.join(top, 'web')).filter((f) => f.endsWith('.js')).map((f) => path.join(top, 'web', f)),
    path.join(top, 'static/index.html')];
  const ranges = [];
  for (const f of files) {
    for (const [i, line] of fs.readFileSync(f, 'utf8').split('\n').entries()) {
      // a comment's "0..1" fraction is prose, not a limit the page checks
      if (/(^|\s)\d[\d.]*\.\.\d/.test(line.replace(/\/\/.*$/, ''))) ranges.push(`${path.relative(top, f)}:${i + 1}: ${line.trim()}`);
    }
  }
  ok(ranges.length === 0, 'no range written as A..B in web/*.js or static/index.html', ranges.join('\n'));
  const limits = new Set();
  for (const p of table) {
    for (const k of ['min', 'max', 'latency_max', 'max_items']) if (typeof p[k] === 'number' && p[k] > 1) limits.add(p[k]);
  }
  const form = fs.readFileSync(path.join(top, 'web/form.js'), 'utf8').replace(/\/\/.*$/gm, '');
  const found = [...form.matchAll(/(?<![\w.{])(\d+(?:\.\d+)?(?:e\d+)?)(?![\w.])/g)].map((m) => m[1])
    .filter((v) => limits.has(Number(v)));
  ok(found.length === 0, `form.js holds none of the table's limits (${[...limits].join(', ')})`, found.join(', '));
  const html = fs.readFileSync(path.join(top, 'static/index.html'), 'utf8').split('<form')[1].split('</form>')[0];
  const fixed = [...html.matchAll(/<input[^>]*\b(min|max|maxlength|pattern)=|<span class="hint" data-param-help>[^<]+</g)].map((m) => m[0]);
  ok(found.length === 0 && fixed.length === 0, "the form's HTML sets no min, max or pattern and leaves its hints to the table", fixed.join(', '));
}

await runSuite(t, {
  name: 'form', limitMs: TOTAL_LIMIT_MS,
  open: () => chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
}, async ({ base, browser }) => {
  const table = await (await fetch(`${base}/api/params`, { signal: AbortSignal.timeout(10000) })).json();
  const row = (name) => table.find((p) => p.name === name);
  noCopiedLimits(table);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await load(page, `${base}/#view=run&mechanisms=pipe`);
  step('the page');

  const hints = await page.evaluate(() => Object.fromEntries(['size', 'count', 'duration', 'reps', 'warmup', 'ci']
    .map((n) => [n, document.querySelector(`#form label[data-for="${n}"] .hint`)?.textContent])));
  const wrongHints = Object.entries(hints).filter(([n, h]) => h !== row(n).help);
  ok(wrongHints.length === 0, "each field's hint is the table's help, ranges and all", JSON.stringify(wrongHints));

  // past each range, as typed: the field is marked with the server's words
  const cases = [
    ['count', String(row('count').max + 1), 'count'],
    ['duration', String(row('duration').max + 1), 'duration'],
    ['reps', String(row('reps').max + 1), null],
    ['warmup', String(row('warmup').max + 1), null],
    ['ci', String(row('ci').max + 1), null],
  ];
  for (const [name, value, amount] of cases) {
    if (amount) await page.check(`input[name="amount"][value="${amount}"]`);
    await page.fill(`#form input[name="${name}"]`, '');
    await page.type(`#form input[name="${name}"]`, value);
    const shown = await page.evaluate((n) => ({
      error: document.querySelector(`#form label[data-for="${n}"] .field-error`)?.textContent || '',
      invalid: document.querySelector(`#form input[name="${n}"]`).getAttribute('aria-invalid'),
      command: document.querySelector('#command').textContent,
    }), name);
    const server = await (await fetch(`${base}/api/bench/pipe?${name}=${value}`, { signal: AbortSignal.timeout(10000) })).json();
    ok(shown.invalid === 'true' && shown.error === server.error?.message && shown.error.includes(row(name).range) &&
      /fix the marked fields/.test(shown.command),
    `${name}=${value} is refused as typed, with the server's own message and range (${row(name).range})`,
    JSON.stringify({ shown, server }));
    await page.fill(`#form input[name="${name}"]`, String(row(name).max));
    const cleared = await page.evaluate((n) => !document.querySelector(`#form label[data-for="${n}"] .field-error`), name);
    ok(cleared, `${name}=${row(name).max} (the table's max) is accepted`);
    if (amount) await page.check('input[name="amount"][value="auto"]');
  }
  // latency mode: the count's own cap, from the table
  await page.selectOption('#form select[name="mode"]', 'latency');
  await page.check('input[name="amount"][value="count"]');
  await page.fill('#form input[name="count"]', String(row('count').latency_max + 1));
  const lat = await page.evaluate(() => document.querySelector('#form label[data-for="count"] .field-error')?.textContent || '');
  ok(lat.includes(String(row('count').latency_max)), 'latency mode: a count past its own cap is refused with that cap', lat);
  step('the checks');
  await page.close();
});
