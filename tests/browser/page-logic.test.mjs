// page-logic.test.mjs -- the page's form checks agree with ipcscope's own parser,
// and its run model reads every kind of NDJSON line (demo lessons included).
// Runs in node, no browser. Prints TAP.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const top = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = process.env.IPCSCOPE || path.join(top, 'bin/ipcscope');

// the page's modules are plain browser ES modules (web/package.json says
// "type": "module"): node loads them as they are
async function pageModule(name) {
  return import(pathToFileURL(path.join(top, 'web', name)).href);
}
const form = await pageModule('form.js');
const { startServer, stopServer } = await import(pathToFileURL(path.join(top, 'tests/browser/lib.mjs')).href);
const model = await pageModule('model.js');
const format = await pageModule('format.js');
const runCharts = await pageModule('run-charts.js');
const runView = await pageModule('run-view.js');
const exporter = await pageModule('export.js');
const trust = await pageModule('trust-view.js');
const runsView = await pageModule('runs-view.js');
const projector = await pageModule('projector.js');

let n = 0;
let failed = 0;
function ok(cond, name, detail) {
  n += 1;
  if (cond) console.log(`ok ${n} - ${name}`);
  else {
    failed += 1;
    console.log(`not ok ${n} - ${name}`);
    if (detail !== undefined) console.log(`# ${String(detail).split('\n').join('\n# ')}`);
  }
}

const catalogue = new Map([
  ['pipe', { name: 'pipe', sizes: { min: 1, max: 67108864 } }],
  ['shm', { name: 'shm', sizes: { min: 1, max: 67108864 }, options: [{ name: 'sync', values: ['spin', 'sem'], default: 'spin', help: 'handover' }] }],
  ['eventfd', { name: 'eventfd', sizes: { min: 8, max: 8, why: 'fixed 8-byte counter' } }],
]);
// the server's table of params (GET /api/params), read from a real
// `ipcscope serve` on port 0 that is stopped at once: the page's checks
// take their ranges from it
const table = await (async () => {
  const srvTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ipcscope-page-logic-'));
  const srv = await startServer(srvTmp);
  try {
    const res = await fetch(`${srv.base}/api/params`, { signal: AbortSignal.timeout(10000) });
    return form.paramTable(await res.json());
  } finally {
    await stopServer(srv.child);
    fs.rmSync(srvTmp, { recursive: true, force: true });
  }
})();
const ncpu = (() => {
  const r = spawnSync('nproc', [], { encoding: 'utf8' });
  return Number(r.stdout.trim()) || 1;
})();

function params(over) {
  return { mechanisms: ['pipe'], mode: 'throughput', size: '', sizes: '', amount: 'auto', count: '', duration: '',
    reps: '5', warmup: '', pin: 'split', ci: '', peer: '', token: '', options: {}, verify: true, ...over };
}

// serverAccepts: does `ipcscope bench` take --name value? A second,
// always-conflicting pair (count with duration) makes every accepted value
// fail later in the cross-checks, so nothing is ever run.
function serverAccepts(name, value) {
  const poison = { count: ['--duration', '1'], duration: ['--count', '5'] }[name] || ['--count', '5', '--duration', '1'];
  const r = spawnSync(BIN, ['bench', 'pipe', `--${name}`, value, ...poison], { encoding: 'utf8', timeout: 10000 });
  const text = `${r.stdout}${r.stderr}`;
  if (r.status !== 2) return { verdict: null, text: `exit ${r.status}: ${text}` };
  return { verdict: /either count or duration/.test(text), text };
}

const CASES = {
  size: ['64', '4K', '4k', '1M', '64M', '1', '0', '65M', '67108865', '1e3', '-1', '4KB', '1.5K', 'K', '0x40', '99999999999999999999'],
  count: ['1', '1000000000', '0', '1000000001', '10.5', 'abc', '-3', '1e6'],
  duration: ['0.01', '60', '2', '0.5', '0.009', '60.1', '1e1', '-1', 'abc', '0'],
  reps: ['1', '100', '0', '101', '2x', '-1'],
  ci: ['5', '0', '0.1', '100', '2.5', '100.1', '0.05', '-1', 'abc', '5%'],
  warmup: ['0', '1000000000', '1000000001', '-5', 'x'],
  pin: ['split', 'same', 'none', '0,0', `0,${ncpu - 1}`, `0,${ncpu}`, '7,9999', '0,', 'a,b', '0,1,2', ',', 'SPLIT'],
};

function pageAccepts(name, value) {
  const over = { [name]: value };
  if (name === 'count') over.amount = 'count';
  if (name === 'duration') over.amount = 'duration';
  const errs = form.validate(params(over), 'run', catalogue, ncpu, table);
  return errs.filter((e) => e.field === name).length === 0;
}

function parity() {
  for (const [name, values] of Object.entries(CASES)) {
    const bad = [];
    for (const v of values) {
      const server = serverAccepts(name, v);
      const page = pageAccepts(name, v);
      if (server.verdict === null || server.verdict !== page) bad.push(`${v}: page ${page}, ipcscope ${server.verdict} (${server.text.trim().slice(0, 160)})`);
    }
    ok(bad.length === 0, `the form accepts exactly the ${name} values ipcscope accepts (${values.length} cases)`, bad.join('\n'));
  }
}

function peerChecks() {
  const bad = (over) => form.validate(params(over), 'run', catalogue, ncpu, table).map((e) => e.field);
  ok(bad({ mechanisms: ['pipe'], peer: '10.0.0.2:7000', token: 'abcdefgh12' }).length === 0 &&
    bad({ peer: '10.0.0.2:7000' }).includes('token') && bad({ token: 'abcdefgh12' }).includes('peer') &&
    bad({ peer: 'host:70000', token: 'abcdefgh12' }).includes('peer') && bad({ peer: 'h:1', token: 'short' }).includes('token'),
  'peer and token go together, HOST:PORT and 8..64 token characters');
  const lib = new Map([...catalogue, ['shm', { ...catalogue.get('shm'), cross_host: false }],
    ['zmq', { name: 'zmq', sizes: { min: 1, max: 67108864 }, cross_host: true,
      options: [{ name: 'transport', values: ['ipc', 'tcp'], default: 'ipc', cross_host: 'tcp' }] }]]);
  const refused = (over) => form.validate(params({ peer: '10.0.0.2:7000', token: 'abcdefgh12', ...over }), 'run', lib, ncpu, table)
    .filter((e) => e.field === 'peer').map((e) => e.message).join('; ');
  ok(/zmq crosses hosts only with transport=tcp/.test(refused({ mechanisms: ['zmq'] })) &&
    refused({ mechanisms: ['zmq'], options: { transport: 'tcp' } }) === '' &&
    /shm cannot cross hosts/.test(refused({ mechanisms: ['shm'] })),
  'with a peer: zmq only with transport=tcp, shm never', refused({ mechanisms: ['zmq'] }));
  const p = params({ peer: '10.0.0.2:7000', token: 'abcdefgh12' });
  ok(form.apiUrls(p, 'run')[0].includes('token=abcdefgh12') && !form.shareHash(p, 'run').includes('token'),
    "the token goes to the server but never into the page's address", form.shareHash(p, 'run'));
}

function crossChecks() {
  const lat = form.validate(params({ mode: 'latency', amount: 'count', count: '10000001' }), 'run', catalogue, ncpu, table);
  ok(lat.some((e) => e.field === 'count'), 'latency mode refuses more than 10000000 round trips', JSON.stringify(lat));
  const ev = form.validate(params({ mechanisms: ['pipe', 'eventfd'], size: '64' }), 'run', catalogue, ncpu, table);
  ok(ev.some((e) => e.field === 'size' && /eventfd/.test(e.message) && /8-byte/.test(e.message)), "a size outside a mechanism's limit names the mechanism and why", JSON.stringify(ev));
  const evDefault = form.validate(params({ mechanisms: ['eventfd'] }), 'run', catalogue, ncpu, table);
  ok(evDefault.length === 0, 'no size given: the server picks the mechanism default', JSON.stringify(evDefault));
  const sync = form.validate(params({ options: { sync: 'sem' } }), 'run', catalogue, ncpu, table);
  ok(sync.some((e) => e.field === 'sync'), 'sync without shm is refused', JSON.stringify(sync));
  const syncShm = form.validate(params({ mechanisms: ['shm'], options: { sync: 'sem' } }), 'run', catalogue, ncpu, table);
  ok(!syncShm.some((e) => e.field === 'sync') && form.mechOptions(catalogue).map((o) => o.name).join() === 'sync',
    'the form knows options from the catalogue: sync with shm is accepted', JSON.stringify(syncShm));
  const none = form.validate(params({ mechanisms: [] }), 'run', catalogue, ncpu, table);
  ok(none.some((e) => e.field === 'mech'), 'no mechanism chosen is refused', JSON.stringify(none));
  const sw = form.validate(params({ sizes: '64,4K,64' }), 'sweep', catalogue, ncpu, table);
  ok(sw.some((e) => e.field === 'sizes'), 'a sweep with a repeated size is refused', JSON.stringify(sw));
}

function commands() {
  const p = params({ mechanisms: ['shm', 'pipe'], mode: 'latency', size: '4K', amount: 'count', count: '2000', reps: '2', options: { sync: 'sem' }, verify: false });
  ok(form.cliCommand(p, 'run') === 'ipcscope compare shm,pipe --mode latency --size 4K --count 2000 --reps 2 --sync sem --verify 0',
    'CLI command for a compare', form.cliCommand(p, 'run'));
  ok(form.apiUrls(p, 'run')[0] === '/api/compare?mechanisms=shm,pipe&mode=latency&size=4K&count=2000&reps=2&sync=sem&verify=0',
    'API url for a compare', form.apiUrls(p, 'run')[0]);
  const one = params({ pin: '0,1' });
  ok(form.apiUrls(one, 'run')[0] === '/api/bench/pipe?reps=5&pin=0,1' && form.cliCommand(one, 'run') === 'ipcscope bench pipe --reps 5 --pin 0,1',
    'one mechanism uses bench', `${form.apiUrls(one, 'run')[0]} / ${form.cliCommand(one, 'run')}`);
  const sw = params({ mechanisms: ['shm', 'pipe'], sizes: '64,4K' });
  ok(form.apiUrls(sw, 'sweep').join(' ') === '/api/sweep/shm,pipe?sizes=64,4K&reps=5' && form.cliCommand(sw, 'sweep') === 'ipcscope sweep shm,pipe --sizes 64,4K --reps 5',
    'a sweep of several mechanisms is one request, one run', `${form.apiUrls(sw, 'sweep').join(' ')} / ${form.cliCommand(sw, 'sweep')}`);
  // reps left empty: the command's default (compare's is until its verdicts
  // hold), so the page sends no reps at all
  const dflt = params({ mechanisms: ['shm', 'pipe'], reps: '' });
  ok(form.apiUrls(dflt, 'run')[0] === '/api/compare?mechanisms=shm,pipe' && form.cliCommand(dflt, 'run') === 'ipcscope compare shm,pipe' &&
    form.validate(dflt, 'run', catalogue, ncpu, table).length === 0,
    'empty reps sends no reps: the compare runs with its own default', `${form.apiUrls(dflt, 'run')[0]} / ${form.cliCommand(dflt, 'run')}`);
  const hash = form.shareHash(p, 'run', 'r7');
  const back = form.parseShare({ search: '', hash });
  ok(back.mechanisms === 'shm,pipe' && back.count === '2000' && back.size === '4K' && back.verify === '0' && back.run === 'r7' && back.view === 'run',
    'the share hash round-trips the params', hash);
  const q = form.curlCommand(p, 'run', 'http://127.0.0.1:8080');
  ok(q.startsWith("curl -N 'http://127.0.0.1:8080/api/compare?") && q.endsWith("'"), 'curl command is quoted for the shell', q);
}

function runModel() {
  const m = new model.RunModel('run');
  const lines = [
    { type: 'queued', run: 'r1', position: 2 },
    { type: 'start', run: 'r1', mechanisms: ['shm', 'pipe'], params: { mode: 'throughput' } },
    { type: 'progress', run: 'r1', mechanism: 'shm', rep: 1, reps: 2, rep_done: 0.5, done: 0.25 },
    { type: 'heartbeat' },
    { type: 'result', run: 'r1', mechanism: 'shm', rep: 1, reps: 2, size: 64, msgs_per_s: 10, bytes_per_s: 640, elapsed_s: 1, cpu: { sender: { user_s: 0.5, sys_s: 0.25 }, receiver: { user_s: 0.1, sys_s: 0.2 } } },
  ];
  for (const l of lines) m.add(l);
  ok(m.order.join() === 'shm,pipe' && m.queued === null && m.runIds.join() === 'r1', 'start line names the mechanisms in order and ends the queue wait');
  const f = m.figure('shm', 'msgs_per_s');
  ok(f && f.median === 10 && !f.final && m.cpu('shm', 'sender', 'user') === 50, 'before the summary the figure comes from the reps', JSON.stringify(f));
  m.add({ type: 'result', run: 'r1', mechanism: 'shm', rep: 2, reps: 2, size: 64, msgs_per_s: 30, bytes_per_s: 1920, elapsed_s: 1 });
  ok(m.figure('shm', 'msgs_per_s').median === 20, 'median over reps so far');
  m.add({ type: 'summary', run: 'r1', mechanism: 'shm', size: 64, reps: 2, msgs_per_s: { median: 21, min: 10, max: 30 } });
  const s = m.figure('shm', 'msgs_per_s');
  ok(s.median === 21 && s.min === 10 && s.max === 30 && s.final, 'the summary wins once it arrives', JSON.stringify(s));
  ok(m.progressOf('shm').frac === 1 && m.progressOf('pipe').frac === 0, 'progress per mechanism', JSON.stringify([m.progressOf('shm'), m.progressOf('pipe')]));
  m.add({ type: 'error', run: 'r1', code: 'x', message: 'pipe broke' });
  m.add({ type: 'end', run: 'r1', status: 'error', elapsed_s: 2 });
  ok(m.status === 'error' && m.errors[0] === 'pipe broke' && m.lines.length === 9, 'error and end lines are kept', JSON.stringify(m.errors));

  const d = new model.RunModel('demo');
  d.add({ type: 'start', run: 'r2', demo: 'sync-tax' });
  d.add({ type: 'summary', run: 'r2', mechanism: 'shm', label: 'shm sync=mutex', msgs_per_s: { median: 5, min: 4, max: 6 } });
  d.add({ type: 'summary', run: 'r2', mechanism: 'shm', label: 'shm sync=spin', msgs_per_s: { median: 50, min: 40, max: 60 } });
  d.add({ type: 'lesson', run: 'r2', text: 'On this machine the mutex handoff was 10x slower.' });
  ok(d.order.join('|') === 'shm sync=mutex|shm sync=spin' && d.lesson.startsWith('On this machine'), 'demo variants by label, and the lesson line', d.order.join('|'));
  const d3 = new model.RunModel('demo');
  d3.add({ type: 'start', run: 'r4', demo: 'sync-tax', jobs: [{ label: 'shm sync=spin', mechanism: 'shm' }, { label: 'shm sync=sem', mechanism: 'shm' }] });
  for (const label of ['shm sync=spin', 'shm sync=sem']) {
    d3.add({ type: 'progress', run: 'r4', mechanism: 'shm', label, rep: 1, reps: 1, rep_done: 0 });
    d3.add({ type: 'result', run: 'r4', mechanism: 'shm', rep: 1, reps: 1, msgs_per_s: label.length });
    d3.add({ type: 'summary', run: 'r4', mechanism: 'shm', reps: 1, msgs_per_s: { median: label.length, min: 1, max: 99 } });
  }
  ok(d3.order.join('|') === 'shm sync=spin|shm sync=sem' && d3.figure('shm sync=sem', 'msgs_per_s').median === 12 && d3.mechs.get('shm sync=spin').results.length === 1,
    "demo jobs sharing a mechanism: unlabelled results go to the job whose progress came last", d3.order.join('|'));
  const d2 = new model.RunModel('demo');
  d2.add({ type: 'summary', run: 'r3', mechanism: 'pipe', msgs_per_s: { median: 1, min: 1, max: 1 }, lesson: 'a lesson inside the summary' });
  ok(d2.lesson === 'a lesson inside the summary', 'a lesson carried by a summary is shown too');

  const ex = new model.RunModel('demo');
  ex.add({ type: 'progress', run: 'r5', step: 'atomics', label: 'atomics', step_index: 2, steps: 4, step_done: 0.5, rep_done: 0.5, done: 0.375 });
  ok(ex.progressOf('atomics').label === 'step 2/4: 50 %' && ex.progressOf('atomics').frac === 0.5 && ex.runDone === 0.375,
    "a demo's step shows which step runs and how far it is", JSON.stringify(ex.progressOf('atomics')));
  const sw = new model.RunModel('sweep');
  for (const size of [4096, 64]) sw.add({ type: 'summary', mechanism: 'pipe', size, msgs_per_s: { median: size, min: size, max: size } });
  ok(sw.sizes().join() === '64,4096' && sw.figure('pipe', 'msgs_per_s', 4096).median === 4096, 'sweep figures per size');
}

// numbers: the one formatter every view uses says figures as people read them
function numbers() {
  const f = format;
  const cases = [
    [f.fmtNum(756655, 'msg/s'), '757 k msg/s'], [f.fmtNum(1.2e9, 'B/s'), '1.2 GB/s'], [f.fmtNs(7.85e9), '7.85 s'],
    [f.fmtNs(80), '80 ns'], [f.fmtNs(1300), '1.3 µs'], [f.fmtNs(1.3e6), '1.3 ms'], [f.ratioWords(1 / 22, true), '22× slower'],
    [f.ratioWords(22, false), '22× slower'], [f.ratioWords(1.5, true), '1.5× faster'], [f.fmtBytes(65536), '64 KiB'],
    [f.fmtBytes(25276514304), '23.5 GiB'], [f.fmtNum(1234e12), '1230 T'], [f.fmtPct(12.345), '12.3 %'], [f.fmtPct(0.0437), '< 0.1 %'], [f.fmtPct(0.4371), '0.44 %'], [f.fmtPct(0), '0 %'], [f.fmtNum(0.5), '0.5'],
  ];
  const bad = cases.filter(([got, want]) => got !== want).map(([got, want]) => `${got} != ${want}`);
  ok(bad.length === 0, `numbers for people: ${cases.length} formats`, bad.join('; '));
  const names = ['msgs_per_s', 'bytes_per_s', 'latency_p50_ns'].map((k) => f.metricInfo(k).name);
  ok(names.join('|') === 'msgs/s|bytes/s|p50 latency', 'plain column names for the metrics', names.join('|'));
}

// pageFigures: CSV columns, CPU with a broker, and the trust note from issue-10 fields
function pageFigures() {
  const m = new model.RunModel('run');
  m.add({ type: 'start', run: 'r9', mechanisms: ['dbus'] });
  m.add({ type: 'result', run: 'r9', mechanism: 'dbus', rep: 1, reps: 2, size: 64, count: 10, elapsed_s: 2, msgs_per_s: 5, bytes_per_s: 320,
    latency_ns: { p50: 100 }, cpu: { sender: { user_s: 1, sys_s: 0 }, receiver: { user_s: 0.5, sys_s: 0.5 }, broker: { user_s: 0.2, sys_s: 0.2 } },
    ctx_switches: { sender: { voluntary: 3, involuntary: 4 } }, verified: true });
  m.add({ type: 'summary', run: 'r9', mechanism: 'dbus', size: 64, reps: 2, reps_used: 2, disturbed_reps: [1], platform_moved: true, ci_reached: true });
  const d = runCharts.cpuData(m);
  ok(d.who.join() === 'sender,receiver,broker' && d.broker_user[0] === 10, "a broker's CPU is charted beside sender and receiver", JSON.stringify(d));
  const note = runView.trustNote(m);
  ok(/disturbed.*dbus 1 of 2/.test(note) && /platform moved/.test(note), 'disturbed reps and a moved platform are said in words', note);
  ok(!/since the last run/.test(note), 'no word of the last run before the end line says so', note);
  // across hosts: which side a disturbed rep was disturbed on
  const xm = new model.RunModel('run');
  xm.add({ type: 'start', run: 'r11', mechanisms: ['tcp'] });
  const far = { other_cpu_pct: 38, steal_pct: 0, involuntary_ctx: 12, disturbed: true };
  xm.add({ type: 'result', run: 'r11', mechanism: 'tcp', rep: 1, reps: 2, size: 64, msgs_per_s: 5,
    interference: { other_cpu_pct: 2, steal_pct: 0, disturbed: true, peer: far } });
  xm.add({ type: 'result', run: 'r11', mechanism: 'tcp', rep: 2, reps: 2, size: 64, msgs_per_s: 5,
    interference: { other_cpu_pct: 2, steal_pct: 0, disturbed: false, peer: { ...far, other_cpu_pct: 1, disturbed: false } } });
  xm.add({ type: 'summary', run: 'r11', mechanism: 'tcp', size: 64, reps: 2, reps_used: 2, disturbed_reps: [1] });
  const xnote = runView.trustNote(xm);
  ok(/tcp 1 of 2 \(1 on the peer's host\)/.test(xnote), "a rep disturbed on the peer's host is said so", xnote);
  const words = trust.disturbedWords(xm.mechs.get('tcp').results[0].interference);
  ok(/^disturbed on the peer: on the peer other processes took 38% /.test(words), 'the rep title names the side', words);
  ok(trust.disturbedWords({ other_cpu_pct: 12, steal_pct: 0, disturbed: true, peer: null }).startsWith('disturbed: other processes took 12%'),
    'a local run says no side', trust.disturbedWords({ other_cpu_pct: 12, steal_pct: 0, disturbed: true, peer: null }));
  m.add({ type: 'comparison', run: 'r9', baseline: 'dbus', metric: 'msgs_per_s', rows: [], platform_moved_since_last_run: true });
  m.add({ type: 'end', run: 'r9', status: 'ok', platform: { cpus: [0, 1], line_rtt_ns: 467, last_line_rtt_ns: 131, ratio: 3.56, moved_since_last_run: true,
    note: 'the platform moved since the last run 20 min ago: a cache-line round trip between CPUs 0 and 1 took 131 ns then and 467 ns now (3.56× slower); figures from the two runs are not comparable' } });
  const since = trust.cautionText(m);
  ok(/The platform moved since the last run 20 min ago: .*131 ns then and 467 ns now.*The ratios here hold within this run/.test(since),
    'a platform moved since the last run is said in the caution, with what still holds', since);
  const box = { innerHTML: '', querySelector: () => null };
  runView.renderComparison(m, box);
  ok(!/since the last run/.test(box.innerHTML + runView.trustNote(m)), 'and said there only: not again under the comparison or in the note', box.innerHTML);
  m.platform = { ...m.platform, moved_since_last_run: false, note: null };
  m.comparisons.at(-1).platform_moved_since_last_run = false;
  ok(!/since the last run/.test(trust.cautionText(m)), 'a platform that did not move says nothing', trust.cautionText(m));
  const csv = exporter.toCsv([m], exporter.CLI_CSV_COLUMNS).split('\n');
  const row = Object.fromEntries(csv[0].split(',').map((k, i) => [k, csv[1].split(',')[i]]));
  ok(row.mechanism === 'dbus' && row.lat_p50_ns === '100' && row.sender_invol_cs === '4' && row.verified === '1' && row.msgs_per_s === '5',
    'CSV rows fill the CLI columns from the result line', JSON.stringify(row));
  const own = new model.RunModel('run');
  own.add({ type: 'start', run: 'r10', mechanism: 'pipe', csv_columns: [{ name: 'mechanism', path: 'mechanism' }, { name: 'lat_p50_ns', path: 'latency_ns.p50' }] });
  own.add({ type: 'result', run: 'r10', mechanism: 'pipe', rep: 1, latency_ns: { p50: 42 } });
  const ownCsv = exporter.toCsv([own]);
  ok(ownCsv === 'mechanism,lat_p50_ns\npipe,42\n', "the CSV takes its columns from the start line's csv_columns", ownCsv);
}

// words: the past runs' list and the idle status say runs as people do
function words() {
  const d = runsView.runDescription({ id: 'r12', kind: 'compare', target: 'shm,pipe,unix,tcp', request: '/api/compare?mechanisms=shm,pipe,unix,tcp&reps=5&token=secret12' });
  ok(d === 'compare shm, pipe, unix, tcp · reps=5', 'a past run reads "compare shm, pipe, unix, tcp · reps=5", not its query string (nor its token)', d);
  const demo = runsView.runDescription({ id: 'r13', kind: 'demo', target: 'layers', request: '/api/demos/layers' });
  ok(demo === 'demo layers', 'a past demo reads "demo layers"', demo);
  const idle = [['shm', 'pipe', 'unix', 'tcp'], ['zmq'], [], 'abcdefg'.split('')].map(projector.idleStatus);
  ok(idle.join('|') === 'Press Run: shm, pipe, unix and tcp are chosen.|Press Run: zmq is chosen.|Tick a mechanism, then press Run.|Press Run: 7 mechanisms are chosen.',
    'before a run the status names what Run will measure', idle.join('|'));
}

try {
  words();
  numbers();
  pageFigures();
  parity();
  crossChecks();
  peerChecks();
  commands();
  runModel();
} catch (e) {
  ok(false, 'page logic tests ran to the end', e.stack || e);
}
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
