// demo-points.test.mjs -- the page draws the demos that run their own experiment
// from their NDJSON alone: the start line's chart hint, the progress lines
// naming the step, the point lines and the lesson. The lines come from real
// runs of bin/ipcscope when it offers the demo, else from a recorded shape.
// Runs in node, no browser. Prints TAP.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { top, BIN, tap, startServer, stopServer } from './lib.mjs';

async function pageModule(name) {
  return import(pathToFileURL(path.join(top, 'web', name)).href);
}
const { RunModel } = await pageModule('model.js');
const { pointsSpec, pointsTable } = await pageModule('demo-points.js');
const { theme } = await pageModule('chart-kit.js');

const t = tap();
const { ok } = t;

// modelOf: a RunModel fed with the NDJSON text of one run
function modelOf(text) {
  const m = new RunModel('demo');
  for (const line of text.split('\n').filter(Boolean)) m.add(JSON.parse(line), line);
  return m;
}

// demoLines: `ipcscope demo NAME --format ndjson` with small params
function demoLines(name, args) {
  const r = spawnSync(BIN, ['demo', name, '--format', 'ndjson', ...args], { encoding: 'utf8', timeout: 60000 });
  return { status: r.status, stdout: r.stdout || '', stderr: r.stderr || '' };
}

const SMALL = {
  race: ['--procs', '2', '--adds', '20K'],
  'false-sharing': ['--duration', '0.02', '--reps', '1'],
  framing: ['--count', '500'],
  contention: ['--duration', '0.02'],
  'zero-copy': ['--frame', '64K', '--frames', '20', '--reps', '1'],
  cleanup: [],
  peercred: [],
  serialization: ['--count', '50', '--text', '100'],
  decide: ['--duration', '0.02', '--reps', '1'],
};
// KINDS: each experiment demo's chart kind, from the demo table as the
// server serves it (GET /api/demos), not a list kept here
const catalogue = await (async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ipcscope-demo-points-'));
  const srv = await startServer(tmp);
  try {
    const res = await fetch(`${srv.base}/api/demos`, { signal: AbortSignal.timeout(10000) });
    return await res.json();
  } finally {
    await stopServer(srv.child);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
})();
const experiments = catalogue.filter((d) => d.kind === 'experiment');
const KINDS = Object.fromEntries(experiments.map((d) => [d.name, d.chart && d.chart.kind]));
// every experiment demo runs here with small params, but cross-host (it
// needs a peer on another host: tests/integration/crosshost.sh)
const unrun = experiments.map((d) => d.name).filter((d) => !(d in SMALL) && d !== 'cross-host');
ok(experiments.length > 0 && unrun.length === 0, `every experiment demo of the table is run here (${experiments.length})`, unrun.join(', '));
const RAW_NUMBER = /\d{5,}|\de[+-]\d/;

for (const [name, args] of Object.entries(SMALL)) {
  const run = demoLines(name, args);
  ok(run.status === 0, `${name}: the demo runs with small params`, run.stderr);
  const m = modelOf(run.stdout);
  ok(m.chart && m.chart.kind === KINDS[name], `${name}: the start line carries a ${KINDS[name]} chart hint`, JSON.stringify(m.chart));
  ok(m.points.length > 0, `${name}: point lines arrived`);
  const steps = run.stdout.split('\n').filter((l) => l.includes('"type":"progress"')).map((l) => JSON.parse(l));
  ok(steps.length > 0 && steps.every((p) => typeof p.step === 'string' && p.step && typeof p.done === 'number'),
    `${name}: every progress line names its step and how far the run is`);
  const spec = pointsSpec(m, name, theme(false));
  if (KINDS[name] === 'table') ok(spec === null, `${name}: a table demo draws no chart`);
  else {
    ok(spec && spec.config && spec.config.data.datasets.length > 0, `${name}: the chart has data`, JSON.stringify(spec && spec.label));
    ok(spec && !RAW_NUMBER.test(spec.label), `${name}: the chart's text alternative formats its numbers`, spec && spec.label);
  }
  const html = pointsTable(m, name);
  // tables of ids (pids, paths, queue ids) show them as they are
  ok(html.includes('<table') && (KINDS[name] === 'table' || !RAW_NUMBER.test(html)), `${name}: the table of points reads for people`, html.slice(0, 400));
  ok(m.lesson.length > 40 && m.status === 'ok', `${name}: the lesson came and the run ended ok`, m.lesson);
}

// a label measured in several reps: each row of the table says its rep
{
  const m = new RunModel('demo');
  m.add({ type: 'start', run: 'r7', demo: 'false-sharing', chart: { kind: 'bar', y: ['increments_per_s'] } });
  for (const rep of [1, 2]) {
    for (const label of ['same cache line', '64 B apart']) m.add({ type: 'point', run: 'r7', label, rep, increments_per_s: rep * 1e9 });
  }
  const html = pointsTable(m, 'false sharing');
  const rows = [...html.matchAll(/<tr><th scope="row">([^<]*)<\/th><td>([^<]*)<\/td>/g)].map((r) => `${r[1]} ${r[2]}`);
  const y = pointsSpec(m, 'false sharing', theme(false)).config.options.scales.y;
  ok(y.suggestedMax >= 2e9, 'the bar axis reaches the highest whisker (rep 2 at 2 G), not only the medians', y.suggestedMax);
  const bars = pointsSpec(m, 'false sharing', theme(false)).config;
  const first = bars.data.datasets[0].data[0];
  ok(bars.type === 'barWithErrorBars' && first.y === 1.5e9 && first.yMin === 1e9 && first.yMax === 2e9,
    'a bar measured in several reps is drawn by the error-bar chart with its median and min–max', JSON.stringify({ type: bars.type, first }));
  ok(/<th scope="col">rep<\/th>/.test(html) && rows.join('|') === 'same cache line 1|64 B apart 1|same cache line 2|64 B apart 2',
    'a label measured in several reps: each row of the points table says which rep', rows.join('|'));
}

// several figures: grouped bars, each with its own range; a label measured
// once has no whisker; stacked bars carry none
{
  const m = new RunModel('demo');
  m.add({ type: 'start', run: 'r8', demo: 'framing', chart: { kind: 'bar', y: ['encode_us', 'decode_us'] } });
  for (const rep of [1, 2]) m.add({ type: 'point', run: 'r8', label: 'json', rep, encode_us: rep, decode_us: 10 * rep });
  m.add({ type: 'point', run: 'r8', label: 'proto', rep: 1, encode_us: 3, decode_us: 4 });
  const c = pointsSpec(m, 'framing', theme(false)).config;
  const [enc, dec] = c.data.datasets;
  ok(c.type === 'barWithErrorBars' && enc.data[0].yMin === 1 && enc.data[0].yMax === 2 && dec.data[0].yMin === 10 && dec.data[0].yMax === 20 &&
    enc.data[1].y === 3 && enc.data[1].yMin === undefined && dec.data[1].yMax === undefined,
  'grouped bars: each figure has its own min–max whisker, none where one rep was measured', JSON.stringify(c.data.datasets.map((d) => d.data)));
  const tip = c.options.plugins.tooltip.callbacks.label;
  const tips = [tip({ label: 'json', dataset: dec, datasetIndex: 1, parsed: { y: 15 }, raw: dec.data[0] }),
    tip({ label: 'proto', dataset: enc, datasetIndex: 0, parsed: { y: 3 }, raw: enc.data[1] })];
  ok(/^json, decode: 15\s?µs \(min 10\s?µs, max 20\s?µs\)$/.test(tips[0]) && !/min/.test(tips[1]),
    'a bar\'s tooltip gives its min and max when it has a whisker, and none when it has not', tips.join(' | '));
  const sm = new RunModel('demo');
  sm.add({ type: 'start', run: 'r9', demo: 'serialization', chart: { kind: 'stacked', y: ['encode_us', 'decode_us'] } });
  for (const rep of [1, 2]) sm.add({ type: 'point', run: 'r9', label: 'json', rep, encode_us: rep, decode_us: 10 * rep });
  const st = pointsSpec(sm, 'serialization', theme(false)).config;
  ok(st.type === 'bar' && st.data.datasets.every((d) => d.data.every((v) => typeof v === 'number')), 'stacked bars are plain bars without whiskers', JSON.stringify(st.data.datasets.map((d) => d.data)));
}

console.log(`1..${t.n}`);
process.exit(t.failures ? 1 : 0);
