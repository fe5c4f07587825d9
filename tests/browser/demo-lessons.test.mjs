// demo-lessons.test.mjs -- every demo's chart carries its lesson: each demo
// runs once on a real `ipcscope serve` with small params, is reopened on the
// page at 1024×768 in projector mode, and the figure its lesson's headline
// quotes must be one the chart draws (the same number in the same unit as
// the axis), the headline large enough for the back of a room, and the
// rest of the lesson at most two sentences with the notes folded below.
// Prints TAP.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, CHROMIUM, CHROMIUM_ARGS, OUT, top, tap, load, runSuite, ndjson } from './lib.mjs';

const pageModule = (name) => import(pathToFileURL(path.join(top, 'web', name)).href);
const { RunModel } = await pageModule('model.js');
const { ratioSpec } = await pageModule('demo-ratios.js');
const { theme } = await pageModule('chart-kit.js');
const { lessonBlocks } = await pageModule('demos-view.js');

const t = tap();
const { ok } = t;
const LIMIT_MS = 150000;
const HEADLINE_MIN_PX = 28;
// the smallest params each demo allows that still measure something
const SMALL = {
  'sync-tax': 'duration=0.02&reps=2',
  'false-sharing': 'duration=0.02&reps=2',
  race: 'procs=2&adds=20K',
  serialization: 'count=200',
  framing: 'count=500',
  contention: 'duration=0.02&reps=2',
  'threads-vs-processes': 'duration=0.02&reps=2',
  'zero-copy': 'frame=64K&frames=20&reps=2',
  placement: 'duration=0.02&reps=2',
  crossover: 'duration=0.02&reps=2',
  cleanup: '',
  peercred: '',
  decide: 'duration=0.02&reps=2',
  layers: 'duration=0.02&reps=1',
  'cross-host': 'duration=0.05&reps=1',
  copies: 'duration=0.02&reps=2',
};

// further runs of a demo whose chart depends on its params
const VARIANTS = [{ name: 'decide', label: 'decide with a latency bound', params: 'duration=0.02&reps=2&latency_us=5' }];

const SI = { k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
const TIME = { ns: 1, 'µs': 1e3, us: 1e3, ms: 1e6, s: 1e9 };
const BYTES = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KiB: 1024, MiB: 1048576 };

// quoted: the numbers of a sentence with their unit class and value in
// the chart's base unit (ns for times, B/s, counts/s, plain counts, ×)
export function quoted(text) {
  const out = [];
  const re = /(\d[\d,]*(?:\.\d+)?)\s?(?:([kMGT])\b\s?)?(×|%|ns\b|µs\b|us\b|ms\b|s\b|[KMG]?B\/s|(?:messages|msgs|records|increments|round trips|adds)\/s|updates|writes|reads|messages|objects)?/g;
  for (const m of text.matchAll(re)) {
    const mult = m[2] ? SI[m[2]] : 1;
    const n = Number(m[1].replace(/,/g, '')) * mult;
    // half a unit of the last printed digit: "23×" is 22.5..23.5, "4.51×" 4.505..4.515
    const tol = 0.5 * 10 ** -((m[1].split('.')[1] || '').length) * mult;
    const u = m[3] || '';
    const f = u in TIME ? TIME[u] : /B\/s$/.test(u) ? BYTES[u.slice(0, -2)] : 1;
    const cls = u === '×' ? 'ratio' : u in TIME ? 'time' : /B\/s$/.test(u) ? 'bytes/s' : /\/s$/.test(u) ? 'rate' : u === '%' ? 'pct' : 'count';
    out.push({ cls, v: n * f, tol: tol * f, text: m[0] });
  }
  return out;
}

// axisClass: the unit class an axis title names
function axisClass(title) {
  if (/×/.test(title)) return 'ratio';
  if (/B\/s|bytes per second|bytes\/s/.test(title)) return 'bytes/s';
  if (/per second|\/s\b/.test(title)) return 'rate';
  if (/latency|round trip|time|seconds|µs|\bns\b/.test(title)) return 'time';
  return 'count';
}

// close: a drawn value equals a quoted one ({v, tol}) to its printed precision
function close(drawn, q) {
  return typeof drawn === 'number' && q && Math.abs(drawn - q.v) <= q.tol * (1 + 1e-9);
}

// onPage: the drawn chart, the lesson as shown, the headline's type size
async function onPage(page) {
  return page.evaluate(() => {
    const ch = window.Chart.getChart(document.querySelector('#c-demo'));
    const fig = document.querySelector('#f-demo');
    const head = document.querySelector('#demo-lesson .lesson-headline');
    const more = document.querySelector('#demo-lesson-more');
    const y = ch && ch.scales.y;
    const x = ch && ch.scales.x;
    return {
      chart: ch && !fig.hidden ? {
        type: ch.config.type,
        labels: (ch.data.labels || []).map(String),
        sets: ch.data.datasets.map((d) => ({
          label: d.label, type: d.type || ch.config.type, colour: String(d.backgroundColor), stack: d.stack,
          data: d.data.map((p) => (p && typeof p === 'object' ? { x: p.x, y: p.y } : { y: p })),
        })),
        stacked: Boolean(y.options.stacked),
        yTitle: y.options.title.text, yType: y.type, xType: x.type, xTitle: x.options.title.text || '',
      } : null,
      headline: head ? head.textContent : '',
      headlinePx: head ? parseFloat(getComputedStyle(head).fontSize) : 0,
      headlineShown: head ? head.getBoundingClientRect().bottom <= window.innerHeight : false,
      headlineBottom: head ? Math.round(head.getBoundingClientRect().bottom) : null,
      caution: document.querySelector('#demo-caution').textContent,
      support: [...document.querySelectorAll('#demo-lesson .lesson-support')].map((e) => e.textContent).join(' '),
      notesFolded: !more || more.hidden || !more.open,
      table: {
        head: [...document.querySelectorAll('#demo-comparison thead tr > *')].map((e) => e.textContent),
        rows: [...document.querySelectorAll('#demo-comparison tbody tr')].map((tr) => [...tr.children].map((e) => e.textContent)),
      },
    };
  });
}

// drawnValues: every value the chart draws (stacked bars: each part and the
// bar's total)
function drawnValues(c) {
  const vals = c.sets.filter((s) => !/^1×/.test(s.label || '')).flatMap((s) => s.data.map((p) => p.y)).filter((v) => typeof v === 'number');
  if (c.stacked) c.labels.forEach((_, i) => vals.push(c.sets.reduce((a, s) => a + (s.data[i] ? s.data[i].y || 0 : 0), 0)));
  return vals;
}

const sentences = (s) => (s.match(/[^]*?[.!?](?= |$)|[^]+$/g) || []).map((x) => x.trim()).filter(Boolean);

// valueAt: the value a dataset named name draws at a bar label or an x
function valueAt(c, name, at) {
  const s = c.sets.find((d) => d.label === name);
  if (!s) return null;
  const i = typeof at === 'number' ? s.data.findIndex((p) => p.x === at) : c.labels.indexOf(at);
  return i >= 0 && s.data[i] ? s.data[i].y : null;
}
const firstRatio = (text) => quoted(text).find((n) => n.cls === 'ratio');
const hasOneLine = (c) => c.sets.some((s) => /^1×/.test(s.label) && s.data.every((p) => p.y === 1));
const MIB = 1048576;

// column: the cells of the column headed name, by row
const column = (tb, name) => tb.rows.map((r) => r[tb.head.indexOf(name)]);

// TABLES: the figure of a table demo its headline quotes
const TABLES = {
  // objects the killed worker left: its rows in the first phase saying yes
  cleanup: (tb) => tb.rows.filter((r, i) => r.includes('left after SIGKILL') && column(tb, 'left')[i] === 'yes').length,
  // the pid the kernel gave through SO_PEERCRED
  peercred: (tb) => {
    const i = tb.rows.findIndex((r) => r[0] === 'SO_PEERCRED (kernel)');
    return i < 0 ? null : Number(column(tb, 'pid')[i]);
  },
};

// SPECIFIC: what each demo's chart must show beyond the shared check
const SPECIFIC = {
  'sync-tax': (c, l) => [
    [c.yType === 'linear' && /×/.test(c.yTitle) && hasOneLine(c), 'ratios to the spinning handoff on a linear axis with a 1× line', c.yTitle],
    [/mutex/.test(l.headline) && close(valueAt(c, c.sets[0].label, 'shm sync=mutex'), firstRatio(l.headline)),
      'the headline\'s factor is the mutex bar', `${l.headline} / ${valueAt(c, c.sets[0].label, 'shm sync=mutex')}`],
  ],
  layers: (c, l, lines) => {
    const m = /was (\w+) in (64 B|4 KiB) (round trips|streams)/.exec(l.headline);
    const bar = m && valueAt(c, `${m[2]} ${m[3]}`, m[1]);
    const bases = lines.filter((x) => x.type === 'comparison').map((x) => (x.rows.find((r) => r.ratio === 1) || {}).mechanism);
    return [
      [c.labels.join() === 'zmq,grpc,dbus,node' && c.sets.filter((s) => !/^1×/.test(s.label)).map((s) => s.label).join() === '64 B round trips,64 B streams,4 KiB round trips,4 KiB streams',
        'one group of bars per layer: round trips and streams at 64 B and 4 KiB', JSON.stringify(c.sets.map((s) => s.label))],
      [c.yType === 'linear' && /unix socket/.test(c.yTitle) && hasOneLine(c), 'a multiple of the unix socket on a linear axis, with the 1× line', c.yTitle],
      [bar !== null && close(bar, firstRatio(l.headline)), 'the headline\'s dearest layer is that bar\'s height', `${l.headline} / ${bar}`],
      [bases.length === 4 && bases.every((b) => b === 'unix'), 'every comparison table takes the unix socket as its baseline, as the lesson does', bases.join()],
    ];
  },
  crossover: (c, l) => [
    [c.xType === 'logarithmic' && c.yType === 'linear' && /×/.test(c.yTitle) && hasOneLine(c), 'the ratio against size on a log x axis, with the 1× line', `${c.xType} ${c.yType} ${c.yTitle}`],
    [close(valueAt(c, 'shm-ring ÷ pipe', MIB), firstRatio(l.headline)), 'the headline\'s 1 MiB ratio is the pipe line at 1 MiB', `${l.headline} / ${valueAt(c, 'shm-ring ÷ pipe', MIB)}`],
  ],
  copies: (c, l) => {
    const m = /the pipe's two copies moved ([\d.]+ \w?B\/s)/.exec(l.headline);
    const q = m && quoted(m[1])[0];
    return [
      [c.labels.length === 6 && c.sets.map((s) => s.label).join() === '64 KiB,1 MiB', 'one group per mechanism, a bar per size', JSON.stringify({ l: c.labels, s: c.sets.map((s) => s.label) })],
      [q && close(valueAt(c, '1 MiB', 'pipe, 2 copies'), q), 'the headline\'s pipe figure is the pipe\'s 1 MiB bar', `${l.headline} / ${valueAt(c, '1 MiB', 'pipe, 2 copies')}`],
    ];
  },
  'threads-vs-processes': (c) => [
    [c.yType === 'linear' && /a million messages/.test(c.yTitle), 'the time a million messages take, on a linear axis', `${c.yType} ${c.yTitle}`],
  ],
  'decide with a latency bound': (c) => [
    [/latency/.test(c.yTitle), 'with a latency bound the chart draws the one-way latency the headline weighs', c.yTitle],
  ],
  'false-sharing': (c, l) => [
    [/both processes together/.test(c.yTitle) && /together/.test(l.headline), 'the axis names the one quantity the headline quotes: both processes together', `${c.yTitle} / ${l.headline}`],
  ],
  serialization: (c, l, lines) => {
    const rgb = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
    const cols = c.sets.map((s) => rgb(s.colour));
    const apart = cols.every((a, i) => cols.every((b, j) => i === j || Math.hypot(...a.map((v, k) => v - b[k])) > 120));
    const all = lines.find((x) => x.type === 'lesson').text;
    const sizes = all.match(/\d[\d.]*\s?(?:B|KiB|MiB)\b/g) || [];
    return [
      [c.sets.length === 3 && apart, 'encode, decode and transport have colours far apart', c.sets.map((s) => s.colour).join()],
      [sizes.length <= 1, 'the lesson states the records\' size once', sizes.join(', ')],
    ];
  },
};

// a lesson stored before the lesson line carried its parts: the page cuts
// its text as the server does, the caution left out
{
  const m = new RunModel('demo');
  m.add({ type: 'lesson', run: 'r1', unreliable: 'a reason', text: 'Unreliable here (a reason), so take this with care: It took 1.5× as long. B. C! D? E.' });
  const b = lessonBlocks(m);
  ok(b.headline === 'It took 1.5× as long.' && b.support.join('|') === 'B.|C!' && b.notes.join('|') === 'D?|E.',
    'an older lesson without headline, support and notes is cut the same way on the page', JSON.stringify(b));
}

runSuite(t, {
  name: 'demo-lessons', limitMs: LIMIT_MS,
  open: () => chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }),
}, async ({ base, browser }) => {
  const list = await (await fetch(`${base}/api/demos`)).json();
  const ctx = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  await ctx.addInitScript(() => localStorage.setItem('ipcscope.projector', '1'));
  const page = await ctx.newPage();
  const only = process.env.DEMOS ? process.env.DEMOS.split(',') : null;
  const catalogue = (Array.isArray(list) ? list : list.demos).map((d) => ({ name: d.name, label: d.name, params: SMALL[d.name] }));
  const demos = [...catalogue, ...VARIANTS].filter((d) => !only || only.includes(d.name));
  // the server runs one demo after the other while the page checks the
  // one before: each run starts as soon as the previous one has ended
  const runOne = (d) => (d.params === undefined ? null
    : ndjson(base, `/api/demos/${d.name}${d.params ? `?${d.params}` : ''}`).catch((e) => ({ status: 0, lines: [], error: String(e) })));
  let prev = Promise.resolve();
  const runs = demos.map((d) => (prev = prev.then(() => runOne(d))));
  for (const [i, run0] of demos.entries()) {
    const d = { ...run0, name: run0.label };
    const params = run0.params;
    ok(params !== undefined, `${d.name}: the suite knows the small params to run it with`);
    const run = await runs[i];
    if (!run) continue;
    const { status, lines } = run;
    const start = lines.find((l) => l.type === 'start');
    const lesson = lines.find((l) => l.type === 'lesson');
    ok(status === 200 && start && lesson, `${d.name}: ran with small params and wrote its lesson`, JSON.stringify(lines.filter((l) => l.type === 'error')));
    if (!start || !lesson) continue;
    ok(typeof lesson.headline === 'string' && lesson.headline && Array.isArray(lesson.support) && lesson.support.length <= 2 && Array.isArray(lesson.notes),
      `${d.name}: the lesson line carries a headline, at most two supporting sentences and notes`, JSON.stringify(lesson));
    await load(page, `${base}/#view=demos&run=${start.run}`);
    await page.waitForFunction((id) => window.ipcscope.state.demo && window.ipcscope.state.demo.runIds[0] === id, start.run, { timeout: 5000 });
    const p = await onPage(page);
    await page.screenshot({ path: path.join(OUT, `lesson-${run0.name}${run0.label === run0.name ? '' : '-variant'}.png`) });
    ok(p.headline === lesson.headline && p.headlinePx >= HEADLINE_MIN_PX && p.headlineShown,
      `${d.name}: the page shows the headline at ${HEADLINE_MIN_PX} px or more, on the first screen`, JSON.stringify({ px: p.headlinePx, shown: p.headlineShown, bottom: p.headlineBottom, h: p.headline, caution: p.caution }));
    ok(sentences(p.support).length <= 2 && p.notesFolded, `${d.name}: at most two supporting sentences, the notes folded`, p.support);
    const nums = quoted(lesson.headline);
    if (!p.chart) {
      // a demo drawn as a table: the headline's first number is the table's
      const want = TABLES[d.name];
      const got = want ? want(p.table) : null;
      const first = nums[0];
      t.step(d.name);
      ok(want && first && got !== null && close(got, first), `${d.name}: the headline's key figure (${first && first.text}) is the one its table shows (${got})`,
        `${lesson.headline} / ${JSON.stringify(p.table).slice(0, 400)}`);
      continue;
    }
    const cls = axisClass(p.chart.yTitle);
    // a time axis in µs draws µs; the headline's times are taken in ns
    const scale = cls === 'time' && /µs/.test(p.chart.yTitle) ? 1e3 : cls === 'time' && /seconds/.test(p.chart.yTitle) ? 1e9 : 1;
    const mine = nums.filter((n) => n.cls === cls).map((n) => ({ ...n, v: n.v / scale, tol: n.tol / scale }));
    const drawn = drawnValues(p.chart);
    const key = mine.find((n) => drawn.some((v) => close(v, n)));
    ok(mine.length > 0 && key && key === mine[0], `${d.name}: the headline's key figure (${mine[0] ? mine[0].text : 'none'}) is drawn on the chart, in the axis's unit (${p.chart.yTitle})`,
      `${lesson.headline}\n${JSON.stringify(nums)}\n${JSON.stringify(drawn)}`);
    t.step(d.name);
    for (const [cond, name, detail] of (SPECIFIC[d.name] || (() => []))(p.chart, p, lines)) ok(cond, `${d.name}: ${name}`, detail);
    if (d.name === 'sync-tax') {
      // while it runs (results, no summary yet) the chart has the axis it ends with
      const upTo = lines.findIndex((l) => l.type === 'summary');
      const m = new RunModel('demo');
      for (const l of lines.slice(0, upTo)) m.add(l, JSON.stringify(l));
      const live = ratioSpec('sync-tax', m, 'sync tax', theme(true));
      const y = live && live.config.options.scales.y;
      ok(y && upTo > 0 && m.status === 'running' && (y.type || 'linear') === p.chart.yType && y.title.text === p.chart.yTitle,
        'sync-tax: while running the chart has the axis it ends with', JSON.stringify({ upTo, status: m.status, y: y && [y.type, y.title.text] }));
    }
  }
  // a long claim above the lesson gives way to the headline, which keeps
  // its size on the first screen
  if (!only) {
    await page.evaluate(() => { const c = document.querySelector('#demo-claim'); c.textContent = c.textContent.repeat(3); });
    await page.setViewportSize({ width: 1024, height: 767 });
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.waitForTimeout(300);
    const p = await onPage(page);
    ok(p.headlinePx >= HEADLINE_MIN_PX && p.headlineShown, 'a long claim shrinks for the headline, which stays on the first screen at 28 px or more',
      JSON.stringify({ px: p.headlinePx, bottom: p.headlineBottom }));
  }
  await ctx.close();
});
