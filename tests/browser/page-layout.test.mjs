// page-layout.test.mjs -- the page for a projector, a desk and a phone, in
// headless Chromium against a real `ipcscope serve`: projector mode fits at
// 1024×768, 1280×800 and 1920×1080 (checked by bounding boxes), a fresh
// page's Run starts a run, no chart label or lesson shows an unformatted
// number, the PNG export carries a title, the phone scrolls to results, and
// axe-core finds nothing serious or critical. Prints TAP.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, top, OUT, CHROMIUM, CHROMIUM_ARGS, tap, sleep, load, waitRunDone, runSuite } from './lib.mjs';

const TOTAL_LIMIT_MS = 400000;
const SIZES = [[1024, 768], [1280, 800], [1920, 1080]];
const PHONE = [390, 844];
const CLASSIC = ['shm', 'pipe', 'unix', 'tcp'];
const AXE = fs.readFileSync(path.join(top, 'web/node_modules/axe-core/axe.min.js'), 'utf8');
// "756655 messages/s", "7.85e+03 ms", "0.123456": what people should never read
const UNFORMATTED = /\d{5,}|\d(\.\d+)?e[+-]?\d|\.\d{4,}/i;
const SETTLE_MS = 200;
const DEMO_WAIT_MS = 100000;      // a demo's defaults on a 2-core machine other suites also load
// round trips per rep: few, since under load each one waits for the scheduler twice
const RT = 200;
const RUN_WAIT_MS = 120000;

const t = tap();
const { ok, step } = t;

const inside = (b, vw, vh) => b && b.top >= -0.5 && b.left >= -0.5 && b.bottom <= vh + 0.5 && b.right <= vw + 0.5;

// layoutReport: boxes (viewport pixels) of the shown charts of the current
// view, their axes and legends, the lesson, and the controls a teacher needs
function layoutReport(page) {
  return page.evaluate(() => {
    const box = (r) => r && { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
    const rect = (sel) => { const e = document.querySelector(sel); return e && e.offsetParent ? box(e.getBoundingClientRect()) : null; };
    const view = document.querySelector(`#view-${window.ipcscope.state.view}`);
    const charts = [];
    for (const fig of view.querySelectorAll('.chart')) {
      if (fig.hidden || !fig.offsetParent) continue;
      const canvas = fig.querySelector('canvas');
      const ch = window.Chart.getChart(canvas);
      const r = canvas.getBoundingClientRect();
      const sc = (s) => s && { top: r.top + s.top, bottom: r.top + s.bottom, left: r.left + s.left, right: r.left + s.right };
      const lg = ch.legend;
      const legendOn = ch.options.plugins.legend.display;
      charts.push({
        id: canvas.id, figure: box(fig.getBoundingClientRect()), x: sc(ch.scales.x), y: sc(ch.scales.y),
        xTitle: ch.scales.x.options.title.display, yTitle: ch.scales.y.options.title.display,
        legend: legendOn ? sc(lg) : null,
        legendCut: legendOn ? lg.legendHitBoxes.filter((h) => h.left < -0.5 || h.left + h.width > ch.width + 0.5).length : 0,
        legendItems: legendOn ? `${lg.legendHitBoxes.length}/${lg.legendItems.length}` : '',
      });
    }
    return {
      vw: window.innerWidth, vh: window.innerHeight, sw: document.documentElement.scrollWidth, charts,
      lesson: window.ipcscope.state.view === 'demos' ? rect('#demo-lesson') : null,
      controls: Object.fromEntries(['#run', '#metric', '#logscale', '#settings > summary', '#projector', '#next-chart']
        .map((s) => [s, rect(s)])),
      projector: document.body.classList.contains('projector'),
    };
  });
}

// checkFits: every shown chart with its axes and legend, and the lesson, in view
function checkFits(rep, what) {
  const bad = [];
  for (const c of rep.charts) {
    for (const k of ['figure', 'x', 'y', 'legend']) if (c[k] && !inside(c[k], rep.vw, rep.vh)) bad.push(`${c.id} ${k} ${JSON.stringify(c[k])}`);
    if (c.legendCut) bad.push(`${c.id}: ${c.legendCut} legend items cut (${c.legendItems})`);
    if (!c.xTitle && c.id !== 'c-demo') bad.push(`${c.id}: no x-axis name`);
    if (!c.yTitle) bad.push(`${c.id}: no y-axis name`);
  }
  if (rep.lesson && !inside(rep.lesson, rep.vw, rep.vh)) bad.push(`lesson ${JSON.stringify(rep.lesson)}`);
  if (rep.sw > rep.vw) bad.push(`scrolls sideways: ${rep.sw} > ${rep.vw}`);
  ok(rep.charts.length > 0 && bad.length === 0, `${what}: chart, axis names, legend${rep.lesson ? ', lesson' : ''} inside the ${rep.vw}×${rep.vh} viewport`,
    `${bad.join('\n')} charts=${rep.charts.length}`);
}

// chartTexts: every label a chart draws (titles, ticks, legend, categories)
function chartTexts(page) {
  return page.evaluate(() => {
    const out = [];
    for (const canvas of document.querySelectorAll('canvas')) {
      const ch = window.Chart.getChart(canvas);
      if (!ch) continue;
      const p = ch.options.plugins;
      out.push(p.title.text, p.subtitle.text, ...(ch.data.labels || []).map(String));
      for (const s of Object.values(ch.scales)) {
        out.push(s.options.title.text || '', ...s.ticks.map((k) => [k.label].flat().join(' ')));
      }
      if (ch.legend && ch.legend.legendItems) out.push(...ch.legend.legendItems.map((i) => i.text));
    }
    for (const e of document.querySelectorAll('#status, #sweep-status, #demo-status, .plabel, td, th, caption, .comparison h2')) out.push(e.textContent);
    return out.filter(Boolean);
  });
}

async function checkNumbers(page, what) {
  const texts = await chartTexts(page);
  const bad = texts.filter((s) => UNFORMATTED.test(s));
  ok(texts.length > 10 && bad.length === 0, `${what}: no chart label, table or lesson shows an unformatted number (${texts.length} texts)`, bad.join('\n').slice(0, 600));
}

async function axeCheck(page, what) {
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((x) => x.target.join(' ')) }));
  });
  const bad = found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  ok(bad.length === 0, `axe-core: no serious or critical finding (${what})`, JSON.stringify(bad, null, 1).slice(0, 1500));
}

// pngInfo: size and the ink in the title band of a PNG, decoded in a page without the server's CSP
async function pngInfo(ctx, file) {
  const blank = await ctx.newPage();
  try {
    return await blank.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      const band = g.getImageData(0, 8, img.width, 34).data;
      let ink = 0;
      for (let i = 0; i < band.length; i += 4) if (band[i] < 128 && band[i + 1] < 128 && band[i + 2] < 128) ink += 1;
      return { w: img.width, h: img.height, ink };
    }, fs.readFileSync(file).toString('base64'));
  } finally {
    await blank.close();
  }
}

async function exportPng(page, scope, name) {
  const dl = page.waitForEvent('download');
  await page.click(`${scope} [data-export="png"]`);
  const file = path.join(OUT, name);
  await (await dl).saveAs(file);
  return file;
}

// ------------------------------------------------------------------ scenarios

async function freshRun(browser, base) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  await load(page, `${base}/`);
  const cat = await page.evaluate(() => [...window.ipcscope.state.catalogue.keys()]);
  const want = CLASSIC.filter((m) => cat.includes(m));
  const checked = await page.$$eval('input[name="mech"]:checked', (cs) => cs.map((c) => c.value));
  ok(checked.join() === want.join() && want.length === 4, 'a fresh page has shm, pipe, unix and tcp chosen', checked.join());
  await axeCheck(page, 'fresh page');
  const resp = page.waitForResponse((r) => r.url().includes('/api/compare'));
  await page.click('#run');
  const r = await resp;
  await page.waitForFunction(() => window.ipcscope.state.run && window.ipcscope.state.run.lines.some((l) => l.includes('"result"')), null, { timeout: RUN_WAIT_MS });
  ok(r.status() === 200, 'Run on a fresh page starts a compare of the classic four at once', r.url());
  await page.click('#stop');
  await waitRunDone(page, 'run', RUN_WAIT_MS);
  await ctx.close();
}

async function projector(ctx, base) {
  const page = await ctx.newPage();
  await page.setViewportSize({ width: 1024, height: 768 });
  await load(page, `${base}/#view=run&mechanisms=${CLASSIC.join(',')}&mode=latency&count=${RT}&reps=2`);
  await page.click('#projector');
  await page.click('#run');
  await waitRunDone(page, 'run', RUN_WAIT_MS);
  await checkNumbers(page, 'latency compare');
  for (const [w, h] of SIZES) {
    await page.setViewportSize({ width: w, height: h });
    await sleep(SETTLE_MS);
    const n = await page.evaluate(() => document.querySelectorAll('#charts .chart:not([hidden])').length);
    for (let i = 0; i < n; i++) {
      const rep = await layoutReport(page);
      checkFits(rep, `projector, run view, chart ${i + 1} of ${n}`);
      const ctl = Object.entries(rep.controls).filter(([, b]) => !inside(b, rep.vw, rep.vh)).map(([k]) => k);
      if (i === 0) ok(ctl.length === 0, `projector ${w}×${h}: Run, settings, metric, log scale and chart switch are on screen`, ctl.join(' '));
      await page.screenshot({ path: path.join(OUT, `projector-${w}-${i + 1}.png`) });
      await page.click('#next-chart');
    }
  }
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.click('#settings > summary');
  const mech = page.locator('input[name="mech"][value="udp"]');
  await mech.scrollIntoViewIfNeeded();
  await mech.check();
  const picked = await page.evaluate(() => document.querySelector('#settings-summary').textContent);
  ok(/udp/.test(picked), 'projector 1024×768: the mechanism list opens from the settings bar and can be changed', picked);
  await page.screenshot({ path: path.join(OUT, 'projector-settings-1024.png') });
  await page.click('#settings > summary');
  await axeCheck(page, 'projector mode after a run');
  await page.reload();
  await page.waitForFunction(() => window.ipcscope && window.ipcscope.ready);
  const kept = await page.evaluate(() => ({ on: document.body.classList.contains('projector'),
    pressed: document.querySelector('#projector').getAttribute('aria-pressed'), text: document.querySelector('#projector').textContent }));
  ok(kept.on && kept.pressed === 'true' && /on/.test(kept.text), 'projector mode is remembered on reload and visibly on', JSON.stringify(kept));
  await page.close();
}

async function demoProjector(ctx, base) {
  const page = await ctx.newPage();
  await page.setViewportSize({ width: 1024, height: 768 });
  await load(page, `${base}/#view=demos`);
  await page.waitForSelector('.demo-run', { timeout: 5000 });
  await page.click('.demo-run');
  await page.waitForFunction(() => window.ipcscope.state.demo && window.ipcscope.state.demo.status !== 'running', null, { timeout: DEMO_WAIT_MS });
  for (const [w, h] of SIZES) {
    await page.setViewportSize({ width: w, height: h });
    await sleep(SETTLE_MS);
    checkFits(await layoutReport(page), `projector ${w}×${h}, demo`);
    await page.screenshot({ path: path.join(OUT, `projector-demo-${w}.png`) });
  }
  await checkNumbers(page, 'demo');
  await axeCheck(page, 'a demo in projector mode');
  // the lesson's text is the server's: said here, checked by the demo suites
  const lesson = await page.textContent('#demo-lesson');
  if (UNFORMATTED.test(lesson)) console.log(`# the server's lesson quotes an unformatted number: ${lesson}`);
  const file = await exportPng(page, '#view-demos', 'demo.png');
  const png = await pngInfo(ctx, file);
  const head = await page.evaluate(() => window.ipcscope.pngHeader());
  ok(png.ink > 300 && /^ipcscope: demo /.test(head.title), 'a demo exports a PNG with its title', JSON.stringify({ png, head }));
  await page.click('#projector');
  await page.close();
}

async function pngAndSweep(ctx, base) {
  const page = await ctx.newPage();
  await load(page, `${base}/#view=run&mechanisms=shm,pipe&mode=latency&count=${RT}&reps=2`);
  await page.click('#run');
  await waitRunDone(page, 'run', RUN_WAIT_MS);
  const shown = await page.evaluate(() => document.querySelectorAll('#charts .chart:not([hidden])').length);
  const png = await pngInfo(ctx, await exportPng(page, '#view-run', 'run.png'));
  const head = await page.evaluate(() => window.ipcscope.pngHeader());
  const rows = Math.ceil(shown / 2);
  ok(png.ink > 300 && png.w > 1800 && png.h > 96 + rows * 460 && png.h < 96 + (rows + 1) * 460 &&
    /compare shm, pipe/.test(head.title) && /mode latency/.test(head.params) && /cores/.test(head.machine),
  `the run's PNG carries title, params and machine over its ${shown} charts, no blank one`, JSON.stringify({ png, head }));
  await axeCheck(page, 'a latency compare');

  await load(page, `${base}/#view=sweep&mechanisms=pipe,unix&sizes=64,4K&mode=latency&count=${RT}&reps=1`);
  await page.click('#run');
  await waitRunDone(page, 'sweep', RUN_WAIT_MS);
  const live = await page.evaluate(() => ({ metric: document.querySelector('#sweep-metric').value, hash: location.hash,
    sets: window.ipcscope.figs.sweep.chart ? window.ipcscope.figs.sweep.chart.data.datasets.length : 0 }));
  ok(live.metric === 'latency_p50_ns' && live.sets === 2, 'a latency sweep shows latency, one line per mechanism', JSON.stringify(live));
  const runs = await (await fetch(`${base}/api/runs`)).json();
  const sweepRuns = (Array.isArray(runs) ? runs : runs.runs).filter((r) => /sweep/.test(JSON.stringify(r)));
  ok(/run=[^,&]+(&|$)/.test(live.hash) && sweepRuns.length === 1, 'a sweep of two mechanisms is stored as one run', `${live.hash} ${JSON.stringify(sweepRuns)}`);
  await checkNumbers(page, 'latency sweep');
  const ids = /run=([^&]+)/.exec(live.hash);
  await load(page, `${base}/#view=sweep&run=${ids ? ids[1] : ''}`);
  await page.waitForFunction(() => window.ipcscope.state.sweep.length && window.ipcscope.figs.sweep.chart, null, { timeout: 5000 });
  const again = await page.evaluate(() => ({ metric: document.querySelector('#sweep-metric').value,
    sets: window.ipcscope.figs.sweep.chart.data.datasets.map((d) => d.label).join() }));
  ok(again.metric === 'latency_p50_ns' && again.sets === 'pipe,unix', 'the sweep reopens as one chart on its own metric', JSON.stringify(again));
  await page.selectOption('#sweep-metric', 'bytes_per_s');
  await page.selectOption('#sweep-metric', 'latency_p50_ns');
  await axeCheck(page, 'sweep view');
  await page.close();
}

async function phone(ctx, base) {
  const page = await ctx.newPage();
  await page.setViewportSize({ width: PHONE[0], height: PHONE[1] });
  await load(page, `${base}/#view=run&mechanisms=${CLASSIC.join(',')}&mode=latency&count=${RT}&reps=2`);
  await page.click('#run');
  await sleep(SETTLE_MS);
  const topAfter = await page.evaluate(() => document.querySelector('#results').getBoundingClientRect().top);
  ok(topAfter < PHONE[1] / 2, 'phone: Run brings the results into view', topAfter);
  await waitRunDone(page, 'run', RUN_WAIT_MS);
  const tables = await page.evaluate(() => [...document.querySelectorAll('#comparison .table-scroll')].map((b) => ({
    wide: b.scrollWidth > b.clientWidth, cue: Boolean(b.previousElementSibling && b.previousElementSibling.classList.contains('scroll-cue')) })));
  ok(tables.length === 1 && tables.every((x) => x.wide === x.cue), 'phone: a table wider than the screen scrolls with a cue', JSON.stringify(tables));
  await page.screenshot({ path: path.join(OUT, 'phone-run-390.png'), fullPage: true });
  await load(page, `${base}/#view=runs`);
  await page.waitForSelector('.open-run', { timeout: 5000 });
  const btn = await page.evaluate(() => { const r = document.querySelector('.open-run').getBoundingClientRect(); return { right: r.right, w: window.innerWidth }; });
  ok(btn.right <= btn.w, 'phone: past runs show the open button without scrolling', JSON.stringify(btn));
  await axeCheck(page, 'past runs on a phone');
  await page.close();
}

// ------------------------------------------------------------------ main

runSuite(t, {
  name: 'layout', limitMs: TOTAL_LIMIT_MS,
  open: () => chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }),
}, async ({ base, browser }) => {
  const errors = [];
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  ctx.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  ctx.on('weberror', (e) => errors.push(`pageerror: ${e.error().message}`));
  await freshRun(browser, base);
  step('fresh page');
  await projector(ctx, base);
  step('projector');
  await demoProjector(ctx, base);
  step('demo in projector mode');
  await pngAndSweep(ctx, base);
  step('png and sweep');
  await phone(ctx, base);
  step('phone');
  ok(errors.length === 0, 'no console error (the CSP refused nothing)', errors.join('\n'));
});
