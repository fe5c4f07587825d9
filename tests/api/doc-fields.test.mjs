// doc-fields.test.mjs -- docs/API.md against the lines real runs write, both
// ways: every field a bench, compare, sweep, demo of jobs, experiment demo
// and failed run writes is named in the documentation of its line type, and
// every field that documentation names is written by one of these runs
// (or is listed below with the reason these runs cannot write it), so the
// reference cannot drift from the code unnoticed; and every flag a
// command's --help lists is one the command takes
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, done, killAll, note, ok, oneEndLast, sleep, startServer, stopServer, stream, tmpdir } from './lib.mjs';

const DOC = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../docs/API.md');
const FAST = 'duration=0.02&reps=2&ci=0';
const RUNS = [
  `/api/bench/shm-ring?${FAST}`,
  `/api/bench/pipe?mode=latency&${FAST}`,
  // 12 reps of 0.1 s: more than a second, so the run pauses (gap) once
  '/api/compare?mechanisms=pipe,unix&duration=0.1&reps=6&ci=0&gap=0.01',
  `/api/sweep/pipe?sizes=64,4K&${FAST}`,
  '/api/demos/sync-tax?duration=0.02&reps=2',
  '/api/demos/false-sharing?duration=0.02&reps=2',
  '/api/demos/contention?duration=0.01&reps=1',
  '/api/demos/decide?duration=0.02&reps=1',
  '/api/bench/tcp?peer=127.0.0.1:1&token=abcdefgh&count=10',
];

// backticked words of a line type's text that are values, not fields
const VALUES = {
  start: ['bench', 'pipe', 'compare', 'library', 'mpi', 'mode', 'size', 'sizes', 'count', 'duration',
    'warmup', 'reps', 'ci', 'pin', 'verify', 'baseline', 'peer', 'experiment', 'sysinfo'],
  result: ['pin', 'none'],
  summary: ['ci'],
  comparison: ['msgs_per_s', 'bytes_per_s', 'elapsed_s', 'latency_p50_ns', 'platform', 'moved_since_last_run',
    'signed', 'rank', 'sum', 'clear', 'probably', 'same', 'unknown', 'faster', 'slower'],
  lesson: [],
  error: ['bad_param', 'size_limit', 'unknown_mechanism', 'setup_failed', 'peer_failed', 'run_failed',
    'cancelled', 'create_failed', 'worker_killed', 'timeout', 'mpi_unavailable', 'mpi_failed'],
  end: ['ok', 'error', 'cancelled', 'timeout'],
};
// documented fields these runs cannot write, or not every time: why
const UNSEEN = {
  start: { skipped: 'an implicit compare (every local mechanism: too slow here)', reason: 'skipped' },
  result: { broker: 'dbus (a daemon per rep)' },
  summary: { regimes: 'reps in two regimes', low_reps: 'reps in two regimes', high_reps: 'reps in two regimes' },
  error: { param: 'a bad param refuses the request before a run (HTTP 400)', label: 'a failed rep of a demo',
    mechanism: 'a failed rep', size: 'a failed rep', rep: 'a failed rep' },
  end: { stored: 'a run whose record cannot be written (faults.test.mjs)',
    store_error: 'a run whose record cannot be written (faults.test.mjs)' },
};
// objects whose keys are documented elsewhere in API.md, not in the line's
// bullet (granted: each mechanism's own, checked against the whole document)
const ELSEWHERE = new Set(['params', 'system', 'granted', 'csv_columns', 'chart', 'peer']);
const TOKEN = 'docfields-token';

// docTypes: {type: Set of backticked words} from the "NDJSON lines" bullets
function docTypes(text) {
  const sec = text.split(/^## NDJSON lines$/m)[1].split(/^### /m)[0];
  const every = sec.match(/Every line has ([^.]*)\./);
  const common = (every ? every[1] : '').match(/(?<=`)\w+(?=`)/g) || [];
  const out = {};
  for (const item of sec.split(/^- \*\*/m).slice(1)) {
    const m = item.match(/^`(\w+)`\*\*/);
    if (!m) continue;
    out[m[1]] = new Set([...common, ...wordsOf(item.slice(m[0].length))]);
  }
  return out;
}

// wordsOf: the backticked words of text
function wordsOf(text) {
  const words = new Set();
  for (const span of text.match(/`[^`]*`/g) || []) {
    for (const w of span.match(/[A-Za-z_][A-Za-z0-9_]*/g) || []) words.add(w);
  }
  return words;
}

// section: the text under a heading, to the next heading of its level
function section(text, heading) {
  const level = heading.match(/^#+/)[0];
  const rest = text.split(heading + '\n')[1] || '';
  return rest.split(new RegExp(`^${level} `, 'm'))[0];
}

// pointFields: the fields the "### point" table gives a demo
function pointFields(text, demo) {
  const sec = text.split(/^### point$/m)[1] || '';
  const row = sec.split('\n').find((l) => l.startsWith(`| \`${demo}\` |`)) || '';
  return new Set((row.split('|')[2] || '').match(/(?<=`)[a-z_][a-z0-9_]*(?=`)/g) || []);
}

// keysOf: every key name in a line, at any depth, but inside ELSEWHERE
// objects and arrays of numbers; the paths too, for messages
function keysOf(line, into, prefix = '') {
  for (const [k, v] of Object.entries(line)) {
    const p = prefix ? `${prefix}.${k}` : k;
    if (!into.has(k)) into.set(k, p);
    if (ELSEWHERE.has(k) || v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      if (v.length && typeof v[0] === 'object' && v[0]) keysOf(v[0], into, `${p}[]`);
    } else {
      keysOf(v, into, p);
    }
  }
  return into;
}

// badTypes: fields whose names promise a unit but hold something else
function badTypes(line, prefix = '', out = []) {
  for (const [k, v] of Object.entries(line)) {
    const p = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      if (!ELSEWHERE.has(k)) badTypes(v, p, out);
      continue;
    }
    const nums = Array.isArray(v) ? v : [v];
    if (/(_ns|_s|_pct|_per_s|_bytes)$/.test(k) && v !== null && !nums.every((x) => typeof x === 'number')) {
      out.push(`${p}=${v}`);
    }
    if (['rep', 'reps', 'reps_used', 'count', 'size'].includes(k) && !Number.isInteger(v)) out.push(`${p}=${v}`);
    if (['unreliable', 'note'].includes(k) && v !== null && typeof v !== 'string') out.push(`${p}=${v}`);
  }
  return out;
}

function checkType(type, documented, seen, stray) {
  const values = new Set(VALUES[type] || []);
  const unseen = UNSEEN[type] || {};
  const undocumented = [...seen.entries()].filter(([k]) => !documented.has(k)).map(([, p]) => p);
  ok(undocumented.length === 0, `every field of a ${type} line is in its API.md entry`,
    `written but not documented: ${undocumented.join(', ')}`);
  const missing = [...documented].filter((w) => !seen.has(w) && !values.has(w) && !(w in unseen));
  ok(missing.length === 0, `every field API.md gives a ${type} line is written by a run`,
    `documented but never written: ${missing.join(', ')}`);
  const stale = Object.keys(unseen).filter((w) => !documented.has(w));
  ok(stale.length === 0, `the ${type} fields these runs may not write are still documented`,
    `stale exceptions: ${stale.join(', ')}`);
  for (const w of values) {
    if (seen.has(w) && !['size', 'reps', 'count', 'peer', 'msgs_per_s', 'bytes_per_s', 'elapsed_s', 'platform']
      .includes(w)) stray.push(`${type}.${w}`);
  }
}

// grantedKeys: what the kernel gave, per mechanism in start, per rep in result
function grantedKeys(l, into) {
  const g = l.granted && typeof l.granted === 'object' ? l.granted : {};
  const flat = l.type === 'start' ? Object.values(g) : [g];
  for (const o of flat) for (const k of Object.keys(o || {})) into.add(k);
}

// elsewhere: the keys of a line's objects documented outside its bullet,
// each against the section that documents them
function elsewhere(lines, text) {
  const all = wordsOf(text);
  const params = wordsOf(section(text, '## Params'));
  const chart = wordsOf(section(text, '### start'));
  const hosts = wordsOf(section(text, '## Between two hosts'));
  const csv = wordsOf(section(text, '## CSV columns'));
  const granted = new Set();
  const bad = { granted: [], params: [], chart: [], csv_columns: [], peer: [] };
  for (const l of lines) {
    grantedKeys(l, granted);
    if (l.type !== 'start') continue;
    for (const k of Object.keys(l.params || {})) if (l.kind !== 'experiment' && !params.has(k)) bad.params.push(k);
    for (const k of Object.keys(l.chart || {})) if (!chart.has(k)) bad.chart.push(k);
    for (const c of l.csv_columns || []) if (!csv.has(c.name)) bad.csv_columns.push(c.name);
    for (const [k, v] of Object.entries(l.peer || {})) {
      for (const w of [k, ...Object.keys(typeof v === 'object' ? v : {})]) if (!hosts.has(w)) bad.peer.push(w);
    }
  }
  for (const k of granted) if (!all.has(k)) bad.granted.push(k);
  for (const [what, list] of Object.entries(bad)) {
    ok(list.length === 0, `every key of ${what} is documented in API.md`, [...new Set(list)].join(', '));
  }
  return granted;
}

// helpFlags: every flag a command's --help lists is one it takes: given a
// junk value, the parser may refuse the value, never the name
function helpFlags() {
  for (const cmd of [['bench', 'pipe'], ['compare', 'pipe'], ['sweep', 'pipe'], ['demo', 'race'], ['demo', 'decide']]) {
    const help = spawnSync(BIN, [...cmd, '--help'], { encoding: 'utf8', timeout: 10000 }).stdout || '';
    const flags = [...new Set(help.match(/^ {2}--[a-z_-]+/gm) || [])].map((f) => f.trim());
    const refused = flags.filter((f) => {
      const r = spawnSync(BIN, [...cmd, f, '!x'], { encoding: 'utf8', timeout: 10000 });
      return r.status !== 2 || /unknown (parameter|argument|option)/.test(r.stderr);
    });
    ok(flags.length > 0 && refused.length === 0, `every flag of '${cmd.join(' ')} --help' is taken`,
      `${flags.length} flags; refused as unknown: ${refused.join(' ')}`);
  }
}

// startPeer: `ipcscope peer --once` on loopback; its address once it listens
async function startPeer() {
  const proc = spawn(BIN, ['peer', '--listen', '127.0.0.1:0', '--once', '--token', TOKEN],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => { out += d; });
  for (let i = 0; i < 200 && !/listening on 127\.0\.0\.1:(\d+)/.test(out); i++) await sleep(50);
  const m = out.match(/listening on (127\.0\.0\.1:\d+)/);
  return { proc, address: m ? m[1] : null };
}

let results = null;   // the server's results directory, removed at the end

async function main() {
  helpFlags();
  const text = fs.readFileSync(DOC, 'utf8');
  const doc = docTypes(text);
  ok(['start', 'progress', 'result', 'point', 'summary', 'comparison', 'lesson', 'error', 'end']
    .every((t) => doc[t] && doc[t].size > 0), 'API.md documents every line type', Object.keys(doc).join(' '));
  results = tmpdir('docfields');
  const srv = await startServer(['--results-dir', results]);
  const seen = {};
  const points = {};
  const types = [];
  const all = [];
  const peer = await startPeer();
  ok(peer.address, 'a peer listens on loopback');
  const runs = [...RUNS, `/api/bench/tcp?peer=${peer.address}&token=${TOKEN}&${FAST}`];
  for (const url of runs) {
    const s = await stream(srv, url, { timeout: 60000 });
    ok(s.status === 200 && oneEndLast(s.lines), `${url}: a stream ending in one end line`,
      `${s.status} ${s.error || ''} ${JSON.stringify(s.lines.at(-1))}`);
    for (const l of s.lines) {
      if (l.type === 'queued' || l.type === 'heartbeat') continue;
      if (!doc[l.type]) {
        types.push(l.type);
        continue;
      }
      all.push(l);
      const bad = badTypes(l);
      if (bad.length) ok(false, `${url}: ${l.type} fields hold what their names promise`, bad.join(', '));
      if (l.type === 'point') {
        const demo = url.match(/demos\/([\w-]+)/)[1];
        for (const k of Object.keys(l)) (points[demo] ||= new Set()).add(k);
        continue;
      }
      keysOf(l, (seen[l.type] ||= new Map()));
    }
  }
  await stopServer(srv);
  if (peer.proc.exitCode === null) peer.proc.kill('SIGTERM');
  ok(types.length === 0, 'every line type written is documented', types.join(' '));
  for (const k of elsewhere(all, text)) if (doc.result.has(k)) seen.result?.set(k, `result.granted.${k}`);
  const stray = [];
  for (const type of Object.keys(doc)) {
    if (type === 'point') continue;
    checkType(type, doc[type], seen[type] || new Map(), stray);
  }
  ok(stray.length === 0, 'no word the test takes for a value is a field a run writes', stray.join(' '));
  for (const [demo, keys] of Object.entries(points)) {
    const own = pointFields(text, demo);
    const extra = [...keys].filter((k) => !own.has(k) && !doc.point.has(k));
    ok(own.size > 0 && extra.length === 0, `every field of a ${demo} point is in API.md`,
      `undocumented: ${extra.join(', ')}`);
    // decide writes latency_p50_ns only with a bound, error only for an option
    // that failed; recommended is a value of its role
    const absent = [...own, ...doc.point].filter((k) => !keys.has(k) && !['latency_p50_ns', 'error', 'recommended'].includes(k));
    ok(absent.length === 0, `every field API.md gives a ${demo} point is written`,
      `documented but never written: ${absent.join(', ')}`);
  }
  ok(Object.keys(points).length === 3, 'three experiment demos wrote points', Object.keys(points).join(' '));
}

main()
  .catch((e) => { note(e.stack || String(e)); ok(false, 'the doc-fields test ran to its end'); })
  .finally(() => {
    killAll();
    if (results) fs.rmSync(results, { recursive: true, force: true });
    process.exit(done() ? 0 : 1);
  });
