// trust-page.test.mjs -- a run that does not hold, as the page shows it in
// headless Chromium: the lines of a busy machine's layers-like demo and
// compare (every job unreliable, the platform moved since the last run)
// are fed to the page's own modules, then checked by what is on screen: the
// caution on the first screen in projector mode and large enough to read,
// each warning and note once, every group of bars named, the note under the lesson in
// view, no finished job's progress row, no unreliable row "within the
// noise", and no console error; before a run, the status names what Run
// will measure, and the demo list has no empty "defaults:". Prints TAP.
import { chromium, CHROMIUM, CHROMIUM_ARGS, tap, load, runSuite } from './lib.mjs';

const TOTAL_LIMIT_MS = 120000;
const SIZES = [[1280, 720], [1920, 1080]];
const READABLE_PX = 18;          // the caution at projector distance
const PNG_HEIGHT_AT = 20;        // byte offset of the height in a PNG's IHDR chunk
const JOBS = ['unix', 'zmq', 'grpc', 'dbus', 'node'].flatMap((m) => [64, 4096].flatMap((size) =>
  ['latency', 'throughput'].map((mode) => ({ mechanism: m, size, label: `${m} ${size === 64 ? '64 B' : '4 KiB'} ${mode}` }))));
const MOVED = 'the platform moved since the last run 21 min ago: a cache-line round trip between CPUs 0 and 1 took 571 ns then and 69.2 ns now (8.25× faster); figures from the two runs are not comparable';
const WHY = 'unix 64 B latency: its 95% interval is ±36.6%, not ±5%';

const t = tap();
const { ok, step } = t;

// busyRun: the NDJSON lines of a run on a busy machine: every job's reps
// disturbed and spread, one comparison per size, the platform moved
function busyRun(run, jobs, extra) {
  const lines = [{ type: 'start', run, jobs, ...extra.start }];
  jobs.forEach((j, i) => {
    for (let rep = 1; rep <= 7; rep++) {
      lines.push({ type: 'progress', run, mechanism: j.mechanism, label: j.label, rep, reps: 7, size: j.size, rep_done: 1, done: (i * 7 + rep) / (jobs.length * 7) });
      lines.push({ type: 'result', run, mechanism: j.mechanism, label: j.label, rep, reps: 7, size: j.size, elapsed_s: 0.1, msgs_per_s: (1 + i) * 1e4 * (1 + rep / 10) });
    }
    lines.push({ type: 'summary', run, mechanism: j.mechanism, label: j.label, size: j.size, reps: 7, reps_used: 7, ci_reached: false,
      msgs_per_s: { median: (1 + i) * 1.4e4, min: (1 + i) * 1.1e4, max: (1 + i) * 1.7e4 }, disturbed_reps: [1, 2, 3, 4, 5, 6, 7], platform_moved: true,
      notes: [`rep 3 ran 1.4× slower than the others`, `after 7 reps the median is only within ±${20 + i}% (95% interval), not the ±5% asked`],
      unreliable: 'rep 3 ran 1.4× slower than the others' });
  });
  for (const size of [...new Set(jobs.map((j) => j.size))]) {
    const rows = jobs.filter((j) => j.size === size).map((j, k) => ({ mechanism: j.mechanism, label: j.label, size, median: (1 + k) * 1.4e4,
      ratio: k === 0 ? 1 : 1 + k, ci_low: k === 0 ? 0.8 : k + 0.5, ci_high: k === 0 ? 1.25 : k + 1.5, significant: false, unreliable: `${j.label}: rep 3 ran 1.4× slower than the others` }));
    lines.push({ type: 'comparison', run, baseline: rows[0].mechanism, baseline_label: rows[0].label, metric: 'msgs_per_s', higher_is_better: true, rows, platform_moved_since_last_run: true });
  }
  if (extra.lesson) lines.push({ type: 'lesson', run, ...extra.lesson });
  lines.push({ type: 'end', run, status: 'ok', elapsed_s: 58.7, platform: { cpus: [0, 1], line_rtt_ns: 69.2, last_line_rtt_ns: 571, moved_since_last_run: true, note: MOVED } });
  return lines;
}

// show: the page's own modules take the lines, as a stored run reopened
async function show(page, lines, kind) {
  await page.evaluate(async ({ lines, kind }) => {
    const { RunModel } = await import('/model.js');
    const { state, ui } = await import('/state.js');
    const model = new RunModel(kind === 'demo' ? 'demo' : 'replay');
    for (const l of lines) model.add(l);
    if (kind === 'demo') {
      const { showDemo } = await import('/demos-view.js');
      ui.setView('demos');
      showDemo(model, { name: 'layers', title: 'What a layer on top of a socket costs', claim: lines[0].claim });
    } else {
      const { renderRun } = await import('/run-view.js');
      state.run = model;
      ui.setView('run');
      renderRun();
    }
  }, { lines, kind });
  await page.waitForTimeout(300);
}

const count = (text, part) => text.split(part).length - 1;
// viewText: all the text of the view on show, folded notes included
const viewText = (page) => page.evaluate(() => document.querySelector(`#view-${window.ipcscope.state.view}`).textContent);

// onScreen: the box of sel in viewport pixels, its font size, and whether
// it lies inside the first screen
function onScreen(page, sel) {
  return page.evaluate((s) => {
    const e = document.querySelector(s);
    if (!e || !e.offsetParent) return null;
    const r = e.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, px: parseFloat(getComputedStyle(e).fontSize), inside: r.top >= 0 && r.bottom <= window.innerHeight + 0.5, text: e.textContent };
  }, sel);
}

async function demoChecks(page) {
  const lines = busyRun('r13', JOBS, {
    start: { demo: 'layers', claim: 'Messaging layers are convenient but cost several times the raw socket under them.' },
    lesson: { demo: 'layers', unreliable: WHY, text: `Unreliable here (${WHY}), so take this with care: At 64 B a round trip over the unix socket took 85.5 µs.` },
  });
  await show(page, lines, 'demo');
  const all = await viewText(page);
  const lesson = await page.textContent('#demo-lesson');
  ok(lesson === 'At 64 B a round trip over the unix socket took 85.5 µs.', 'the lesson starts with what was measured, not with its caution', lesson);
  ok(count(all, WHY) === 1 && count(all, 'Take the lesson with care') === 1, 'the reason the lesson is unreliable is said once, in the caution', all.slice(0, 900));
  ok(count(all, 'since the last run') === 1, 'the platform moved since the last run is said once, not per comparison table', count(all, 'since the last run'));
  ok(count(all, 'after 7 reps the median is only within ±20%') === 1, 'each note on the reps is said once under the two tables', count(all, 'after 7 reps the median is only within ±20%'));
  ok(!/within the noise/.test(all), 'no unreliable row says "within the noise"', all.match(/.*within the noise.*/));
  const rows = await page.evaluate(() => [...document.querySelectorAll('#demo-progress .pname')].filter((e) => e.offsetParent).map((e) => e.textContent));
  ok(rows.length === 1 && rows[0] === 'whole run', 'a finished demo keeps only its whole-run progress row', rows.join(', '));
  const png = await page.evaluate(async () => {
    const head = window.ipcscope.pngHeader();
    const { onExport } = await import('/export.js');
    const url = await new Promise((resolve) => {
      const keep = HTMLAnchorElement.prototype.click;
      HTMLAnchorElement.prototype.click = function click() { HTMLAnchorElement.prototype.click = keep; resolve(this.href); };
      try {
        onExport('png');
      } catch (e) {
        resolve(`error: ${e.message}`);
      }
    });
    return { cautions: head.cautions, url };
  });
  // the picture's height, from its PNG header (the page's CSP loads no data: image)
  png.height = png.url.startsWith('data:image/png;base64,') ? Buffer.from(png.url.split(',')[1], 'base64').readUInt32BE(PNG_HEIGHT_AT) : 0;
  delete png.url;
  ok(png.cautions.length === 2 && png.cautions[0].includes(WHY) && /since the last run/.test(png.cautions[1]) && png.height > 96 + 460 + 2 * 16 + 2 * 22,
    'the PNG of the demo carries its cautions under the header', JSON.stringify(png));
  await page.click('#projector');
  for (const [w, h] of SIZES) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(400);
    const caution = await onScreen(page, '#demo-caution .caution');
    ok(caution && caution.inside && caution.px >= READABLE_PX, `projector ${w}×${h}: the caution is on the first screen in type of at least ${READABLE_PX} px`, JSON.stringify(caution));
    const note = await onScreen(page, '#demo-note');
    ok(note && note.inside && note.px >= READABLE_PX * 0.8, `projector ${w}×${h}: the note on the reps ends on screen, in type still readable`, JSON.stringify(note));
    const bar = await page.evaluate(() => { const b = document.querySelector('#system'); return { sw: b.scrollWidth, cw: b.clientWidth, text: b.innerText }; });
    ok(bar.sw <= bar.cw + 1 && /CPU/.test(bar.text), `projector ${w}×${h}: the machine line is not cut at the screen's edge`, JSON.stringify(bar));
    const named = await page.evaluate(() => {
      const ch = window.Chart.getChart(document.querySelector('#c-demo'));
      return { ticks: ch.scales.x.ticks.length, bars: ch.data.labels.length };
    });
    // layers draws a group of bars per layer (its round trips and streams
    // at 64 B and 4 KiB, against the unix socket): each group is named
    ok(named.ticks === named.bars && named.bars === 4, `projector ${w}×${h}: every one of the 4 layers is named under its group of bars`, JSON.stringify(named));
  }
}

async function compareChecks(page) {
  const jobs = ['shm', 'pipe', 'unix', 'tcp'].map((m) => ({ mechanism: m, size: 64, label: m }));
  await show(page, busyRun('r12', jobs, { start: { command: 'compare', mechanisms: jobs.map((j) => j.mechanism) } }), 'run');
  const caution = await onScreen(page, '#run-caution .caution');
  ok(caution && caution.inside && /Unreliable here/.test(caution.text), 'a compare that does not hold says so on the first screen in projector mode', JSON.stringify(caution));
  const cells = await page.evaluate(() => [...document.querySelectorAll('#comparison tbody tr')].map((r) => r.lastElementChild.textContent));
  ok(cells.join('|') === "unreliable here|can't tell: unreliable here|can't tell: unreliable here|can't tell: unreliable here",
    'its unreliable rows cannot tell whether they differ beyond the noise', cells.join('|'));
  const all = await viewText(page);
  ok(count(all, 'since the last run') === 1, 'the platform moved since the last run is said once', count(all, 'since the last run'));
}

runSuite(t, {
  name: 'trust-page', limitMs: TOTAL_LIMIT_MS,
  open: () => chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }),
}, async ({ base, browser }) => {
  const errors = [];
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  ctx.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  ctx.on('weberror', (e) => errors.push(`pageerror: ${e.error().message}`));
  const page = await ctx.newPage();
  await load(page, base);
  await page.click('#pick-none');
  await page.check('#mechlist input[value="pipe"]');
  const idle = await page.textContent('#status');
  ok(idle === 'Press Run: pipe is chosen.', 'before a run the status names what Run will measure, not the four it started with', idle);
  await page.click('#tab-demos');
  await page.waitForSelector('.demo-run');
  const bare = await page.evaluate(() => [...document.querySelectorAll('.demo .hint')].filter((e) => /^defaults:\s*$/.test(e.textContent)).length);
  ok(bare === 0, 'no demo in the list says "defaults:" with nothing after it', bare);
  await demoChecks(page);
  step('demo');
  await compareChecks(page);
  step('compare');
  ok(errors.length === 0, 'no console error', errors.join('\n'));
  await ctx.close();
});
