#!/usr/bin/env bash
# stop.sh -- Ctrl-C (SIGINT to the process group) and SIGTERM (to the run
# alone) in the middle of a rep of every mechanism and every demo: the whole
# process tree (run, workers, helpers, mpirun and its ranks) is gone within
# a second, the run ends cancelled (exit 1) with no lesson, and nothing
# named after it is left. The cases run a few at once, driven by one node
# process that reads /proc directly, to keep the suite short.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

mpi=0
command -v mpirun >/dev/null && [ -x "$(dirname "$IPCSCOPE")/ipcscope-mpi" ] && mpi=1
exec node --input-type=module - "$IPCSCOPE" "${ASAN:-0}" "$mpi" <<'JS'
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [BIN, ASAN, MPI] = process.argv.slice(2);
const BOUND_MS = 1000;       // the whole tree is gone this long after the signal
const PARALLEL = 3;          // cases at once (each keeps up to two CPUs busy)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let n = 0, failed = 0;
const tap = (cond, desc) => { n++; if (!cond) failed++; console.log(`${cond ? 'ok' : 'not ok'} ${n} - ${desc}`); };
const skip = (desc) => { n++; console.log(`ok ${n} # SKIP ${desc}`); };

// procs: every process as {pid, ppid, pgid, state, comm}
function procs() {
  const out = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const rest = st.slice(st.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: +d, comm: st.slice(st.indexOf('(') + 1, st.lastIndexOf(')')),
        state: rest[0], ppid: +rest[1], pgid: +rest[2] });
    } catch { /* gone */ }
  }
  return out;
}

// tree: pid, everything below it and everything in its process group
function tree(pid, all = procs()) {
  const set = new Set([pid]);
  for (const p of all) if (p.pgid === pid) set.add(p.pid);
  for (let more = true; more;) {
    more = false;
    for (const p of all) if (set.has(p.ppid) && !set.has(p.pid)) { set.add(p.pid); more = true; }
  }
  return set;
}

// alive: those of pids still running (a zombie has ended), as "pid(comm)"
function alive(pids, all = procs()) {
  return all.filter((p) => pids.has(p.pid) && p.state !== 'Z').map((p) => `${p.pid}(${p.comm})`);
}

// runBases: this user's private bases of run directories
// ("$TMPDIR/ipcscope.<uid>", then ".1" ..)
function runBases() {
  const first = `ipcscope.${process.geteuid()}`;
  try {
    return fs.readdirSync(os.tmpdir()).filter((n) => n === first || n.startsWith(`${first}.`))
      .map((n) => path.join(os.tmpdir(), n));
  } catch { return []; }
}

// named: kernel objects and directories named after the run
function named(pid) {
  const out = [];
  for (const dir of ['/dev/shm', '/dev/mqueue', os.tmpdir(), ...runBases()]) {
    try {
      for (const f of fs.readdirSync(dir)) if (f.startsWith(`ipcscope-${pid}-`)) out.push(`${dir}/${f}`);
    } catch { /* no such dir */ }
  }
  return out;
}

// one: a run stopped by sig in the middle of a rep (with at, of the step
// whose progress line matches it; with waitfor, once a process of that
// name runs in its tree); its findings
async function one({ args, waitfor, at = /"type":"progress"/, freeze }, sig) {
  const child = spawn(BIN, [...args, '--format', 'ndjson'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  let out = '', err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((r) => child.on('exit', (code, signal) => r({ code, signal })));
  const closed = new Promise((r) => child.on('close', r));   // every line read
  let ended = false;
  exited.then(() => { ended = true; });
  const until = performance.now() + 10000;
  while (!ended && !at.test(out) && performance.now() < until) await sleep(10);
  while (waitfor && !ended && performance.now() < until &&
         !alive(tree(pid)).some((p) => p.endsWith(`(${waitfor})`))) await sleep(10);
  await sleep(200);
  if (ended || out.includes('"type":"end"') || !at.test(out)) {
    try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
    await exited;
    return { fail: `no rep running to stop: ${err.slice(0, 200)}` };
  }
  const before = tree(pid);
  // freeze: SIGSTOP the processes of that name first (one that can no
  // longer act on a SIGTERM of its own)
  for (const p of procs()) if (freeze && before.has(p.pid) && p.comm === freeze) process.kill(p.pid, 'SIGSTOP');
  const t0 = performance.now();
  if (sig === 'SIGINT') process.kill(-pid, 'SIGINT'); else child.kill(sig);
  let left, ms;
  for (;;) {
    const all = procs();
    left = alive(new Set([...before, ...tree(pid, all)]), all);
    ms = performance.now() - t0;
    if (!left.length || ms > BOUND_MS) break;
    await sleep(10);
  }
  for (const p of left) try { process.kill(parseInt(p, 10), 'SIGKILL'); } catch { /* gone */ }
  const { code } = await exited;
  await Promise.race([closed, sleep(2000)]);
  let objs = named(pid);
  for (let i = 0; i < 25 && objs.length; i++) { await sleep(20); objs = named(pid); }
  const lines = out.split('\n').filter(Boolean).map((l) => { try { return JSON.parse(l); } catch { return { bad: l }; } });
  // a SIGKILLed run cannot remove its directory, and the start-up sweep
  // takes run directories that hold files only: what it left (Open MPI's
  // session tree) is this suite's to remove
  if (sig === 'SIGKILL') for (const o of objs) fs.rmSync(o, { recursive: true, force: true });
  return { ms, left, code, objs, lines, killed: sig === 'SIGKILL' };
}

function judge(desc, r) {
  if (r.fail) { tap(false, `${desc}: ${r.fail}`); return; }
  tap(!r.left.length, `${desc}: the whole process tree is gone within ${BOUND_MS} ms (${r.ms.toFixed(0)} ms${r.left.length ? `; left: ${r.left.join(' ')}` : ''})`);
  if (r.killed) return;   // a SIGKILLed run writes no end line
  const ends = r.lines.filter((l) => l.type === 'end');
  const good = r.code === 1 && ends.length === 1 && r.lines.at(-1) === ends[0] && ends[0].status === 'cancelled' &&
    !r.lines.some((l) => l.type === 'lesson' || l.bad) && r.lines.some((l) => l.type === 'error' && l.code === 'cancelled');
  tap(good, `${desc}: exit 1, an error line and one end line, cancelled, no lesson` +
    (good ? '' : ` (exit ${r.code}: ${r.lines.map((l) => l.type).join(",")} ${JSON.stringify(r.lines.filter((l) => !["progress", "start"].includes(l.type)).slice(-3)).slice(0, 400)})`));
  tap(!r.objs.length, `${desc}: nothing named after the run is left${r.objs.length ? ` (${r.objs.join(' ')})` : ''}`);
}

// --- the cases: every mechanism (shm under each synchronisation), every demo
const cases = [];
const mechs = JSON.parse(execFileSync(BIN, ['list', '--format', 'json'])).map((m) => m.name);
tap(mechs.length > 0, `the registry lists the mechanisms (${mechs.join(' ')})`);
const bench = ['--duration', '3', '--reps', '2'];
for (const m of mechs) {
  if (m === 'shm') for (const s of ['spin', 'sem', 'mutex', 'futex']) cases.push({ desc: `bench shm --sync ${s}`, args: ['bench', m, '--sync', s, ...bench] });
  else if (m === 'mpi' && MPI !== '1') skip('bench mpi: mpirun or bin/ipcscope-mpi missing');
  else if (m === 'mpi') cases.push({ desc: 'bench mpi', args: ['bench', m, ...bench], waitfor: 'ipcscope-mpi' });
  else cases.push({ desc: `bench ${m}`, args: ['bench', m, ...bench] });
}
const help = execFileSync(BIN, ['demo', '--help']).toString();
const demos = [...help.matchAll(/^ {2}([a-z][a-z-]*) {2,}/gm)].map((x) => x[1]);
const jobs = ['--duration', '2', '--reps', '3'];
const demoArgs = {      // params that keep each demo busy for seconds
  'sync-tax': jobs, placement: jobs, 'threads-vs-processes': jobs, crossover: jobs, layers: jobs, copies: jobs,
  race: ['--adds', '100M'], 'false-sharing': ['--duration', '5'], decide: ['--duration', '5'],
  'cross-host': ['--duration', '5'], contention: ['--duration', '2'], framing: ['--count', '1M'],
  serialization: ['--count', '1M'], 'zero-copy': ['--frames', '100K'],
};
// where a stop once went wrong: a condvar's waiter killed (the mutex queue
// with producers waiting on it, the mutex handoff), a stop in a last step
// that left a lesson from the first
const progressOf = (what) => new RegExp(`"type":"progress"[^\n]*${what}`);
Object.assign(demoArgs, { 'sync-tax': ['--duration', '0.5', '--reps', '2'], contention: ['--duration', '0.5'],
  decide: ['--duration', '0.3', '--reps', '3'] });
const demoAt = { 'sync-tax': progressOf('"label":"shm sync=mutex"'), contention: progressOf('mutex queue: 2 producers'),
  decide: progressOf('runner-up') };
tap(demos.length > 0, `demo --help lists the demos (${demos.join(' ')})`);
for (const d of demos) {
  if (d === 'cleanup' || d === 'peercred') skip(`demo ${d} ends in milliseconds: there is no rep to stop`);
  else if (!demoArgs[d]) tap(false, `demo ${d} has params here that keep it running`);
  else cases.push({ desc: `demo ${d}`, args: ['demo', d, ...demoArgs[d]], at: demoAt[d] });
}
// the sanitizer build: the cases that hung once, mpi, and a plain one
const asanSet = ['bench shm --sync mutex', 'bench pipe', 'bench mpi', 'demo contention', 'demo sync-tax', 'demo decide'];
const todo = cases.filter((c) => ASAN !== '1' || asanSet.includes(c.desc))
  .flatMap((c) => ['SIGINT', 'SIGTERM'].map((sig) => ({ c, sig })));
// mpi: a run SIGKILLed outright (mpirun and its ranks die after it), and a
// SIGTERM while mpirun itself is stopped (SIGSTOP) and cannot pass one on
if (MPI === '1') {
  const mpi = { args: ['bench', 'mpi', ...bench], waitfor: 'ipcscope-mpi' };
  todo.push({ c: { ...mpi, desc: 'bench mpi, the run SIGKILLed' }, sig: 'SIGKILL' });
  todo.push({ c: { ...mpi, desc: 'bench mpi with mpirun stopped (SIGSTOP)', freeze: 'mpirun' }, sig: 'SIGTERM' });
}

// what /dev/shm holds before: a killed MPI rank must leave no shared
// memory file of its own (Open MPI's are kept in a directory of the run's)
const shmBefore = new Set(fs.readdirSync('/dev/shm'));
const results = new Array(todo.length);
let next = 0;
const t0 = performance.now();
await Promise.all(Array.from({ length: PARALLEL }, async () => {
  while (next < todo.length) {
    const i = next++;
    results[i] = await one(todo[i].c, todo[i].sig).catch((e) => ({ fail: String(e) }));
  }
}));
todo.forEach(({ c, sig }, i) => judge(`${c.desc}, ${sig}${sig === 'SIGINT' ? ' to the group' : ''}`, results[i]));
const shmNew = fs.readdirSync('/dev/shm').filter((f) => !shmBefore.has(f));
tap(!shmNew.length, `no shared memory file is left in /dev/shm by any stopped run${shmNew.length ? ` (${shmNew.slice(0, 6).join(' ')})` : ''}`);
console.log(`# ${todo.length} stops in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
JS
