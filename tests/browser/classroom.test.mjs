// classroom.test.mjs -- the page shows exactly what ran, in headless Chromium
// against a real `ipcscope serve`: a reopened run sets the form, Run and the
// copied commands to its settings; fields that are off look off and show no
// value; a fixed size clears the "not sent" banner; focus never falls to
// <body> around a run; projector mode rings focus visibly on yellow buttons
// and is one column on a phone; the per-rep table names the latency unit;
// axe-core finds nothing serious or critical (and no empty table header or
// unfocusable scrolling table) at 1024×768, 1280×800, 1920×1080 and
// 390×844; a demo's PNG carries its lesson and a compare's its comparison,
// with sizes in bytes and no other mechanism's option in the header, and a
// demo's CSV names each variant; projector mode's first screen offers the
// demos with their expected time and says what IPC is, and its progress
// labels are large. Prints TAP.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, top, OUT, CHROMIUM, CHROMIUM_ARGS, tap, sleep, load, waitRunDone, runSuite } from './lib.mjs';

const TOTAL_LIMIT_MS = 240000;
const SIZES = [[1024, 768], [1280, 800], [1920, 1080], [390, 844]];
const AXE = fs.readFileSync(path.join(top, 'web/node_modules/axe-core/axe.min.js'), 'utf8');
const RUN_WAIT_MS = 90000;
const DEMO_WAIT_MS = 90000;
const SETTLE_MS = 200;
// a short latency compare: few round trips, since under load each waits for the scheduler
const RUN_HASH = '#view=run&mechanisms=shm,pipe&mode=latency&size=4K&count=200&reps=2';

const t = tap();
const { ok, step } = t;

// axeFindings: every violation, with its impact
async function axeFindings(page) {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((x) => x.target.join(' ')) }));
  });
}

async function axeCheck(page, what) {
  const found = await axeFindings(page);
  const bad = found.filter((v) => v.impact === 'serious' || v.impact === 'critical' ||
    v.id === 'scrollable-region-focusable' || v.id === 'empty-table-header');
  ok(bad.length === 0, `axe-core: nothing serious or critical, no unfocusable scrolling region, no empty table header (${what})`,
    JSON.stringify(bad, null, 1).slice(0, 1500));
}

const focusName = (page) => page.evaluate(() => {
  const a = document.activeElement;
  return a ? `${a.tagName.toLowerCase()}${a.id ? `#${a.id}` : ''}` : 'none';
});

async function runAndReopen(ctx, base) {
  const page = await ctx.newPage();
  await load(page, `${base}/${RUN_HASH}`);
  await page.focus('#run');
  await page.keyboard.press('Enter');
  await waitRunDone(page, 'run', RUN_WAIT_MS);
  await sleep(SETTLE_MS);
  const focus = await focusName(page);
  ok(focus !== 'body' && focus !== 'none', 'after Run ends the focus is on a control, not <body>', focus);
  const head = await page.$$eval('#reptable thead th', (ths) => ths.map((h) => h.textContent));
  ok(head.includes('round trips/s') && !head.includes('msgs/s'), 'the per-rep table of a latency run is headed round trips/s', head.join(' | '));
  const id = await page.evaluate(() => window.ipcscope.state.run.runIds[0]);
  ok(/^r\d+$/.test(id || ''), 'the run has an id', id);

  // a page at its defaults, then the run reopened by its address
  await load(page, `${base}/#run=${id}`);
  await page.waitForFunction(() => window.ipcscope.state.run && window.ipcscope.state.run.status !== 'running', null, { timeout: 10000 });
  await sleep(SETTLE_MS);
  const form = await page.evaluate(() => {
    const f = document.querySelector('#form').elements;
    return {
      mechs: [...document.querySelectorAll('input[name="mech"]:checked')].map((c) => c.value).join(','),
      mode: f.mode.value, size: f.size.value, count: f.count.value, reps: f.reps.value,
      amount: document.querySelector('input[name="amount"]:checked').value,
      command: document.querySelector('#command').textContent,
    };
  });
  ok(form.mechs === 'shm,pipe' && form.mode === 'latency' && form.size === '4K' && form.amount === 'count' &&
    form.count === '200' && form.reps === '2', 'a reopened run (#run=ID) sets the form to its settings', JSON.stringify(form));
  ok(/^ipcscope compare shm,pipe /.test(form.command) && /--mode latency/.test(form.command) && /--size 4K/.test(form.command) &&
    /--count 200/.test(form.command) && /--reps 2/.test(form.command), 'its command line is the run\'s', form.command);
  await page.click('#copy-curl');
  const curl = await page.textContent('#command');
  ok(/\/api\/compare\?mechanisms=shm,pipe&mode=latency&size=4K&count=200&reps=2/.test(curl), 'its curl line is the run\'s', curl);
  for (const [w, h] of SIZES) {
    await page.setViewportSize({ width: w, height: h });
    await sleep(SETTLE_MS);
    await axeCheck(page, `a reopened latency compare at ${w}×${h}`);
  }
  // the runs list opens it the same way
  await load(page, `${base}/#view=runs`);
  await page.waitForSelector(`.open-run[data-id="${id}"]`, { timeout: 10000 });
  await page.click(`.open-run[data-id="${id}"]`);
  await page.waitForFunction(() => window.ipcscope.state.view === 'run' && window.ipcscope.state.run, null, { timeout: 10000 });
  await sleep(SETTLE_MS);
  const listed = await page.textContent('#command');
  ok(/^ipcscope compare shm,pipe .*--mode latency.*--size 4K.*--count 200.*--reps 2/.test(listed), 'a run opened from the runs list sets the command to its settings', listed);
  await page.close();
}

async function fields(ctx, base) {
  const page = await ctx.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await load(page, `${base}/`);
  const off = await page.evaluate(() => {
    const f = document.querySelector('#form').elements;
    const st = (e) => getComputedStyle(e).backgroundColor;
    return { count: f.count.value, duration: f.duration.value, dis: f.count.disabled && f.duration.disabled,
      offBg: st(f.count), onBg: st(f.reps) };
  });
  ok(off.dis && off.count === '' && off.duration === '' && off.offBg !== off.onBg,
    'count and duration, off by default, show no value and look off', JSON.stringify(off));
  await page.check('input[name="amount"][value="count"]');
  const on = await page.evaluate(() => ({ v: document.querySelector('#form').elements.count.value, d: document.querySelector('#form').elements.count.disabled }));
  ok(!on.d && on.v === '100000', 'choosing count enables it with its value', JSON.stringify(on));
  await page.check('input[name="amount"][value="auto"]');

  await page.fill('#form [name="size"]', '1.5K');
  await page.click('#run');
  const bad = await page.evaluate(() => ({
    banner: [...document.querySelectorAll('#messages .msg.error')].map((m) => m.textContent).join(' '),
    field: [...document.querySelectorAll('.field-error')].map((m) => m.textContent).join(' '),
  }));
  ok(/not sent/i.test(bad.banner) && /whole number/.test(bad.field), 'size 1.5K is refused as not a whole number of bytes', JSON.stringify(bad));
  await page.fill('#form [name="size"]', '4K');
  await sleep(SETTLE_MS);
  const left = await page.$$eval('#messages .msg.error', (ms) => ms.map((m) => m.textContent));
  ok(left.length === 0, 'fixing the size clears the "not sent" banner', left.join(' | '));

  // projector mode: a keyboard focus ring that shows on a yellow button
  await page.click('#projector');
  await page.keyboard.press('Shift');
  await page.evaluate(() => document.querySelector('#run').focus());
  const ring = await page.evaluate(() => {
    const s = getComputedStyle(document.querySelector('#run'));
    return { outline: s.outlineColor, width: s.outlineWidth, style: s.outlineStyle, bg: s.backgroundColor, shadow: s.boxShadow };
  });
  ok(ring.style !== 'none' && parseFloat(ring.width) >= 2 && ring.outline !== ring.bg && /rgb\(0, 0, 0\)/.test(ring.shadow),
    'projector mode: the focused yellow Run button has a white ring in a black one', JSON.stringify(ring));
  await page.click('#projector');
  await page.close();
}

// exportFile: what the view's export button of that kind downloads
async function exportFile(page, scope, kind, name) {
  const dl = page.waitForEvent('download');
  await page.click(`${scope} [data-export="${kind}"]`);
  const file = path.join(OUT, name);
  await (await dl).saveAs(file);
  return file;
}

// exports: a demo's PNG carries its lesson and a header without unrelated
// params; its CSV names each variant; a compare's PNG carries the comparison
async function exports(ctx, base) {
  const page = await ctx.newPage();
  await page.setViewportSize({ width: 1024, height: 768 });
  // a short sync-tax run through the API, then reopened on the page
  const text = await (await fetch(`${base}/api/demos/sync-tax?reps=2&duration=0.02`, { signal: AbortSignal.timeout(DEMO_WAIT_MS) })).text();
  const id = (/"run":"(r\d+)"/.exec(text) || [])[1];
  await load(page, `${base}/#view=demos&run=${id}`);
  await page.waitForFunction(() => window.ipcscope.state.demo && window.ipcscope.state.demo.lesson, null, { timeout: 10000 });
  await sleep(SETTLE_MS);
  const head = await page.evaluate(() => ({ ...window.ipcscope.pngHeader(), model: window.ipcscope.state.demo.lesson }));
  ok(head.lesson && head.lesson === head.model, 'a demo\'s PNG carries its lesson', JSON.stringify(head).slice(0, 600));
  ok(/size 4 KiB/.test(head.params) && !/4096|transport|serialization/.test(head.params),
    'the sync-tax PNG header says 4 KiB and no param of another mechanism', head.params);
  const png = await pngSize(ctx, await exportFile(page, '#view-demos', 'png', 'classroom-demo.png'));
  ok(png.h >= 96 + 22 + 460, 'the demo PNG has room for the lesson under its header', JSON.stringify(png));
  const csv = fs.readFileSync(await exportFile(page, '#view-demos', 'csv', 'classroom-demo.csv'), 'utf8').trim().split('\n');
  const cols = csv[0].split(',');
  const labels = new Set(csv.slice(1).map((l) => l.split(',')[cols.indexOf('label')]));
  ok(cols[1] === 'label' && [...labels].filter((l) => /sync=/.test(l)).length >= 4,
    'the sync-tax CSV has a label column naming each variant', `${csv[0].slice(0, 60)} ${[...labels].join(' | ')}`);

  await load(page, `${base}/#view=run&mechanisms=shm,pipe&count=2000&reps=2`);
  await page.click('#run');
  await waitRunDone(page, 'run', RUN_WAIT_MS);
  await sleep(SETTLE_MS);
  const run = await page.evaluate(() => window.ipcscope.pngHeader());
  ok(run.comparison.length >= 1 && /^pipe: .*× shm's msgs\/s/.test(run.comparison[0]) && !run.lesson,
    'a compare\'s PNG carries its comparison', JSON.stringify(run.comparison));
  ok(/size 64 B/.test(run.params) && !/transport|serialization|drain/.test(run.params),
    'the compare PNG header names its size in bytes and no other mechanism\'s option', run.params);
  await page.close();
}

// pngSize: a PNG's width and height, decoded in a page without the server's CSP
async function pngSize(ctx, file) {
  const blank = await ctx.newPage();
  try {
    return await blank.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      return { w: img.width, h: img.height };
    }, fs.readFileSync(file).toString('base64'));
  } finally {
    await blank.close();
  }
}

// intro: projector mode's first screen offers the demos, says what IPC is
// and what the class will see, and its progress labels read from afar
async function intro(ctx, base) {
  const page = await ctx.newPage();
  await page.setViewportSize({ width: 1024, height: 768 });
  await load(page, `${base}/#view=run`);
  await page.click('#projector');
  await page.waitForSelector('#class-intro .intro-run', { timeout: 10000 });
  const first = await page.evaluate(() => {
    const box = document.querySelector('#class-intro');
    const b = box.getBoundingClientRect();
    return {
      shown: !box.hidden && b.height > 0, top: b.top,
      demos: box.querySelectorAll('.intro-run').length,
      times: [...box.querySelectorAll('.intro-time')].map((e) => e.textContent),
      what: (box.querySelector('.intro-what') || {}).textContent || '',
      see: (box.querySelector('.intro-see') || {}).textContent || '',
      whatPx: parseFloat(getComputedStyle(box.querySelector('.intro-what')).fontSize),
      catalogue: null,
    };
  });
  const cat = await (await fetch(`${base}/api/demos`)).json();
  ok(first.shown && first.top < 768 && first.demos === cat.length && first.times.length === cat.filter((d) => d.expect_s > 0).length &&
    first.times.every((x) => /^about \d+ s$/.test(x)), 'projector mode before any run offers every demo with about how long it takes',
  JSON.stringify({ ...first, want: cat.length }));
  ok(/inter-process communication/.test(first.what) && /you will see/.test(first.see) && first.whatPx >= 24,
    'and says in large type what IPC is and what the class will see', JSON.stringify({ what: first.what, px: first.whatPx }));
  ok(cat.every((d) => typeof d.expect_s === 'number' && d.expect_s > 0 && d.expect_s < 10),
    'the catalogue gives every demo an expected time under 10 s', JSON.stringify(cat.map((d) => [d.name, d.expect_s])));
  await axeCheck(page, 'projector mode\'s first screen at 1024×768');
  await page.click('#class-intro .intro-run[data-name="peercred"]');
  await page.waitForFunction(() => window.ipcscope.state.view === 'demos' && window.ipcscope.state.demo, null, { timeout: 10000 });
  const px = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('#demo-progress')).fontSize));
  ok(px >= 20, 'projector mode at 1024×768: progress labels are at least 20 px', px);
  await page.waitForFunction(() => window.ipcscope.state.demo.status !== 'running', null, { timeout: DEMO_WAIT_MS });
  const ran = await page.evaluate(() => ({ name: (window.ipcscope.state.demoInfo || {}).name, status: window.ipcscope.state.demo.status }));
  ok(ran.name === 'peercred' && ran.status === 'ok', 'a demo offered up front runs with one click', JSON.stringify(ran));
  await load(page, `${base}/#view=run`);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForSelector('#class-intro .intro-run', { timeout: 10000 });
  await axeCheck(page, 'projector mode\'s first screen on a phone');
  await page.click('#projector');
  const off = await page.evaluate(() => document.querySelector('#class-intro').hidden);
  ok(off, 'out of projector mode the first screen is the usual one', off);
  await page.close();
}

async function phone(ctx, base) {
  const page = await ctx.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await load(page, `${base}/#view=demos`);
  await page.waitForSelector('.demo-run[data-name="race"]', { timeout: 10000 });
  await page.click('.demo-run[data-name="race"]');
  await page.waitForFunction(() => window.ipcscope.state.demo && window.ipcscope.state.demo.status !== 'running', null, { timeout: DEMO_WAIT_MS });
  await sleep(SETTLE_MS);
  const focus = await focusName(page);
  ok(focus !== 'body' && focus !== 'none', 'after a demo ends the focus is on a control, not <body>', focus);
  await axeCheck(page, 'an experiment demo on a phone');
  await page.click('#projector');
  await sleep(SETTLE_MS);
  const cols = await page.evaluate(() => getComputedStyle(document.querySelector('#demo-stage')).gridTemplateColumns.split(' ').length);
  ok(cols === 1, 'projector mode on a phone lays the demo out in one column', cols);
  await axeCheck(page, 'an experiment demo in projector mode on a phone');
  await page.click('#projector');
  await page.close();
}

runSuite(t, {
  name: 'classroom', limitMs: TOTAL_LIMIT_MS,
  open: () => chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }),
}, async ({ base, browser }) => {
  const errors = [];
  fs.mkdirSync(OUT, { recursive: true });
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  ctx.on('weberror', (e) => errors.push(`pageerror: ${e.error().message}`));
  await runAndReopen(ctx, base);
  step('run and reopen');
  await fields(ctx, base);
  step('fields and focus');
  await phone(ctx, base);
  step('phone');
  await exports(ctx, base);
  step('exports');
  await intro(ctx, base);
  step('intro');
  ok(errors.length === 0, 'no page error', errors.join('\n'));
});
