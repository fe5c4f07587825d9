// faults.test.mjs -- the server against its own failures: SIGKILL mid-run then a
// restart (runs die within a second, leftovers removed, ids never reused), a
// SIGKILL under the runs that once outlived it (mutex, contention, sync-tax,
// an experiment, mpirun and its ranks), a client that leaves an mpi run or
// an experiment (tree gone within a second, no partial lesson), a
// client that half-closes, and a results directory holding links, FIFOs,
// corrupt, empty, oversized and unfinished history
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  BIN, descendants, done, get, killAll, note, objectsOf, ok, oneEndLast, procs, sleep,
  startServer, stopServer, stream, tmpdir, tryJson, waitFor,
} from './lib.mjs';

const DIE_MS = 1000;                 // a run outlives a killed server at most this long
const alive = (pids) => pids.filter((p) => procs().some((q) => q.pid === p && q.state !== 'Z'));
const comm = (pid) => { try { return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim(); } catch { return ''; } };
const runNum = (id) => Number(String(id).slice(1));

// killedMidRun: SIGKILL of the server while a shm run measures
async function killedMidRun(results) {
  const srv = await startServer(['--results-dir', results]);
  let seen;
  const measuring = new Promise((r) => { seen = r; });
  const s = stream(srv, '/api/bench/shm?duration=2&reps=5', {
    onLine: (l) => { if (l.type === 'progress') seen(); },
  });
  await Promise.race([measuring, sleep(15000)]);
  await waitFor(() => descendants(srv.proc.pid).length >= 3, 3000);
  const pids = descendants(srv.proc.pid);
  const names = [...new Set(pids.map(comm))];
  ok(pids.length >= 3, 'a measuring run has a run process and two workers', pids);
  ok(names.length > 0 && names.every((n) => /^ipcscope/.test(n)), 'they show as ipcscope in ps, not exe', names);
  const exited = new Promise((r) => srv.proc.once('exit', r));
  srv.proc.kill('SIGKILL');
  await exited;
  const t0 = performance.now();
  const gone = await waitFor(() => alive(pids).length === 0, 3000);
  const ms = performance.now() - t0;
  note(`run process and workers gone ${ms.toFixed(0)} ms after the server's SIGKILL`);
  ok(gone && ms <= DIE_MS, `the run and its workers die within ${DIE_MS} ms of the server`, alive(pids));
  const left = await waitFor(() => objectsOf(pids).length === 0, 1000);
  ok(left, 'they leave no kernel object behind', objectsOf(pids));
  const r = await s;
  const id = r.headers?.get('x-run-id');
  ok(!!id, 'the killed run had an id', id);
  return id;
}

// mpiReady: bin/ipcscope-mpi beside the binary and mpirun on PATH
const mpiReady = () => fs.existsSync(path.join(path.dirname(BIN), 'ipcscope-mpi')) &&
  spawnSync('sh', ['-c', 'command -v mpirun']).status === 0;
const hasComm = (pids, name) => pids.some((p) => alive([p]).length && comm(p) === name);

// measuring: streams url from srv until the run reports progress (and, with
// comm, a process of that name runs below the server); { s: the stream's
// promise } (wrapped, or awaiting this would wait for the stream's end)
async function measuring(srv, url, { comm: name, onLine } = {}) {
  let seen;
  const started = new Promise((r) => { seen = r; });
  const s = stream(srv, url, { onLine: (l, o) => { if (l.type === 'progress') seen(); return onLine?.(l, o); } });
  await Promise.race([started, sleep(15000)]);
  await waitFor(() => descendants(srv.proc.pid).length >= 2 &&
    (!name || hasComm(descendants(srv.proc.pid), name)), 8000);
  await sleep(200);
  return { s };
}

// killedManyMidRun: the runs that once outlived a killed server (a mutex
// handoff, the contention and sync-tax demos, an experiment, mpirun and
// its ranks), each under a server of its own, all SIGKILLed at once
async function killedManyMidRun() {
  const runs = [
    ['shm sync=mutex', '/api/bench/shm?sync=mutex&duration=2&reps=5'],
    ['demo contention', '/api/demos/contention?duration=2'],
    ['demo sync-tax', '/api/demos/sync-tax?duration=2&reps=3'],
    ['demo decide', '/api/demos/decide?duration=5'],
  ];
  if (mpiReady()) runs.push(['mpi', '/api/bench/mpi?duration=3&reps=2', 'ipcscope-mpi']);
  else note('mpi: mpirun or bin/ipcscope-mpi missing, not among the killed runs');
  if (process.env.ASAN === '1') {   // the sanitizer build: fewer servers at once
    runs.splice(0, runs.length, ...runs.filter(([what]) => ['shm sync=mutex', 'demo contention', 'mpi'].includes(what)));
  }
  const dirs = runs.map(([what]) => tmpdir(`fault-many-${what.replace(/\W+/g, '-')}`));
  try {
    const srvs = await Promise.all(dirs.map((d) => startServer(['--results-dir', d])));
    const streams = await Promise.all(runs.map(([, url, name], i) => measuring(srvs[i], url, { comm: name })));
    const trees = srvs.map((srv) => descendants(srv.proc.pid));
    runs.forEach(([what, , name], i) => ok(trees[i].length >= 2 && (!name || hasComm(trees[i], name)),
      `${what}: measuring under its server when the server is killed`, trees[i].map(comm)));
    const exits = srvs.map((srv) => new Promise((r) => srv.proc.once('exit', r)));
    for (const srv of srvs) srv.proc.kill('SIGKILL');
    await Promise.all(exits);
    // one look at /proc a round for every tree: when each was first seen gone
    const t0 = performance.now();
    const goneMs = trees.map(() => null);
    while (goneMs.includes(null) && performance.now() - t0 < 3000) {
      const all = procs();
      const now = performance.now() - t0;
      trees.forEach((pids, i) => {
        if (goneMs[i] === null && !all.some((q) => pids.includes(q.pid) && q.state !== 'Z')) goneMs[i] = now;
      });
      await sleep(10);
    }
    runs.forEach(([what], i) => {
      note(`${what}: its processes gone ${goneMs[i]?.toFixed(0)} ms after the server's SIGKILL`);
      ok(goneMs[i] !== null && goneMs[i] <= DIE_MS, `${what}: the run's whole process tree dies within ${DIE_MS} ms of the server`,
        alive(trees[i]).map((p) => `${p}(${comm(p)})`));
    });
    for (const p of alive(trees.flat())) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
    await Promise.all(streams.map((x) => x.s));
    const left = await waitFor(() => objectsOf(trees.flat()).length === 0, 1000);
    ok(left, 'they leave no kernel object or run directory behind', objectsOf(trees.flat()));
  } finally {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
}

// disconnected: a client that drops its stream mid-run: the whole tree of
// an mpi run (mpirun, its ranks in groups of their own) ends within the
// bound, and a stopped experiment is stored cancelled, with no lesson
async function disconnected(results) {
  const srv = await startServer(['--results-dir', results]);
  try {
    if (mpiReady()) {
      let drop;
      const dropped = new Promise((r) => { drop = r; });
      const { s } = await measuring(srv, '/api/bench/mpi?duration=5&reps=2',
        { comm: 'ipcscope-mpi', onLine: (l) => (l.type === 'progress' ? dropped.then(() => 'abort') : undefined) });
      const pids = descendants(srv.proc.pid);
      ok(hasComm(pids, 'mpirun') && hasComm(pids, 'ipcscope-mpi'), 'mpi: mpirun and its ranks run', pids.map(comm));
      drop();                       // the stream reader was held at a line: it aborts now
      await s;
      const t0 = performance.now();
      const gone = await waitFor(() => alive(pids).length === 0, 3000);
      const ms = performance.now() - t0;
      note(`mpi: mpirun and its ranks gone ${ms.toFixed(0)} ms after the client left`);
      ok(gone && ms <= DIE_MS, `mpi: a client that disconnects ends mpirun and its ranks within ${DIE_MS} ms`,
        alive(pids).map((p) => `${p}(${comm(p)})`));
      for (const p of alive(pids)) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
    } else {
      note('mpi: mpirun or bin/ipcscope-mpi missing, no mpi disconnect');
    }
    let id;
    const { s } = await measuring(srv, '/api/demos/decide?duration=5', {
      onLine: (l, o) => {
        id ||= o.headers?.get('x-run-id');
        return l.type === 'point' ? 'abort' : undefined;
      },
    });
    const r = await s;
    id ||= r.headers?.get('x-run-id');
    ok(r.aborted, 'decide: the client left after its first point', r.lines.map((l) => l.type));
    await waitFor(async () => /"type":"end"/.test((await get(srv, `/api/runs/${id}`)).body), 5000);
    const lines = (await get(srv, `/api/runs/${id}`)).body.trim().split('\n').map(tryJson);
    ok(oneEndLast(lines) && lines.at(-1).status === 'cancelled' && !lines.some((l) => l?.type === 'lesson'),
      'decide: a run its client left is stored cancelled, with no lesson from its partial points',
      lines.filter((l) => l?.type !== 'progress').map((l) => [l?.type, l?.status || l?.code]));
  } finally {
    await stopServer(srv);
  }
}

// plantLeftovers: what a dead server's run could leave: a run directory with a
// FIFO, a socket and a System V queue record, a shm object; the pid is dead.
// Each is built under another name and renamed into place, since any ipcscope
// run on this machine sweeps such names.
function plantLeftovers() {
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'ipcscope-apitest-leftover-'));
  const sockChild = spawnSync(process.execPath, ['-e',
    "const p=process.argv[1];require('net').createServer().listen(p,()=>process.kill(process.pid,'SIGKILL'))",
    path.join(staging, 'sock')]);
  const dead = sockChild.pid;
  spawnSync('mkfifo', [path.join(staging, 'fifo')]);
  const mk = spawnSync('ipcmk', ['-Q']).stdout?.toString() || '';
  const msqid = (mk.match(/(\d+)/) || [])[1];
  if (msqid) fs.writeFileSync(path.join(staging, `msqid-${msqid}`), '');
  const dir = path.join(os.tmpdir(), `ipcscope-${dead}-fault`);
  fs.renameSync(staging, dir);
  const shm = `/dev/shm/ipcscope-${dead}-fault`;
  fs.writeFileSync(`/dev/shm/apitest-${dead}`, 'x');
  fs.renameSync(`/dev/shm/apitest-${dead}`, shm);
  return { dir, msqid, shm };
}

const sysvQueues = () => {
  try {
    return fs.readFileSync('/proc/sysvipc/msg', 'utf8').trim().split('\n').slice(1)
      .map((r) => r.trim().split(/\s+/)[1]);
  } catch { return []; }
};

async function restartAfterKill(results, killedId) {
  const left = plantLeftovers();
  const srv = await startServer(['--results-dir', results]);
  try {
    ok(!fs.existsSync(left.dir), 'a starting server removes a dead run directory (FIFO, socket inside)', left.dir);
    ok(!fs.existsSync(left.shm), 'and a dead run\'s shared memory', left.shm);
    ok(left.msqid && !sysvQueues().includes(left.msqid), 'and its recorded System V queue', left.msqid);
    const list = tryJson((await get(srv, '/api/runs')).body) || [];
    const killed = list.find((r) => r.id === killedId);
    ok(killed?.status === 'interrupted', 'the killed run is in the history as interrupted', killed);
    const old = await get(srv, `/api/runs/${killedId}`);
    const lines = old.body.trim().split('\n').map(tryJson);
    ok(old.status === 200 && oneEndLast(lines) && lines.at(-1).status === 'interrupted',
      'its stream ends with one end line, status interrupted', old.body.slice(0, 300));
    const s = await stream(srv, '/api/bench/pipe?count=100&reps=1');
    const id = s.headers?.get('x-run-id');
    ok(runNum(id) > runNum(killedId), 'the next run gets a new id, never the killed run\'s', [killedId, id]);
  } finally {
    await stopServer(srv);
    fs.rmSync(left.dir, { recursive: true, force: true });
    fs.rmSync(left.shm, { force: true });
    if (left.msqid) spawnSync('ipcrm', ['-q', left.msqid]);
  }
}

// halfClose: the client sends its request, then shuts its sending side
function halfClosed(srv, target) {
  return new Promise((resolve) => {
    const sock = net.connect({ port: srv.port, host: '127.0.0.1', allowHalfOpen: true });
    let data = '';                   // latin1: one char a byte, as chunk sizes count
    const timer = setTimeout(() => sock.destroy(), 20000);
    sock.on('data', (d) => { data += d.toString('latin1'); });
    sock.on('error', () => {});
    sock.on('close', () => { clearTimeout(timer); resolve(data); });
    sock.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\nConnection: close\r\n\r\n`);
    sock.end();
  });
}

// unchunk: the body of a chunked HTTP/1.1 answer (raw in latin1), as UTF-8 text
function unchunk(raw) {
  return Buffer.from(unchunkBytes(raw), 'latin1').toString('utf8');
}

function unchunkBytes(raw) {
  let body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  let out = '';
  for (;;) {
    const i = body.indexOf('\r\n');
    const n = parseInt(body.slice(0, i), 16);
    if (!(n > 0)) return out;
    out += body.slice(i + 2, i + 2 + n);
    body = body.slice(i + 4 + n);
  }
}

async function halfClose(results) {
  const srv = await startServer(['--results-dir', results]);
  try {
    const raw = await halfClosed(srv, '/api/bench/pipe?duration=0.4&reps=3');
    const lines = unchunk(raw).trim().split('\n').map((l) => tryJson(l) ?? { unparsable: l })
      .filter((l) => l.type !== 'heartbeat');
    ok(/^HTTP\/1\.1 200/.test(raw), 'a half-closed request is answered 200', raw.slice(0, 80));
    ok(lines.filter((l) => l.type === 'result').length === 3, 'its stream carries every rep', lines.map((l) => l.type));
    ok(oneEndLast(lines) && lines.at(-1).status === 'ok', 'and exactly one end line, status ok (not cancelled)', lines.at(-1));
  } finally {
    await stopServer(srv);
  }
}

const goodRun = (id, status = 'ok') => [
  { type: 'start', run: id, mechanism: 'pipe' },
  { type: 'result', run: id, rep: 1 },
  { type: 'end', run: id, status, elapsed_s: 0.5 },
].map((o) => JSON.stringify(o)).join('\n') + '\n';

// plantHistory: a results directory an attacker or a crash could leave
function plantHistory(dir, victim) {
  const w = (name, text) => fs.writeFileSync(path.join(dir, name), text);
  w('r1.ndjson', goodRun('r1'));
  w('r1.json', JSON.stringify({ id: 'r1', kind: 'bench', target: 'pipe', request: '/api/bench/pipe', created_at: 1 }));
  fs.symlinkSync(victim, path.join(dir, 'r2.ndjson'));
  spawnSync('mkfifo', [path.join(dir, 'r3.ndjson')]);
  w('r4.ndjson', 'not json at all\n{"type":"end"}\n');
  w('r5.ndjson', '');
  w('r6.ndjson', goodRun('r6').split('\n').slice(0, 2).join('\n') + '\n');
  w('r7.json', JSON.stringify({ id: 'r7', kind: 'bench', target: 'shm', request: '/api/bench/shm', created_at: 2 }));
  w('r8.ndjson', `${'{"type":"result","pad":"'.padEnd(1 << 20, 'x')}"}\n`.repeat(18));
  w('r9.ndjson', `${goodRun('r9')}{"type":"result"}\n`);
}

async function hostileResults(dir) {
  const victim = path.join(tmpdir('victim'), 'victim.txt');
  fs.writeFileSync(victim, 'secret outside the results dir\n');
  plantHistory(dir, victim);
  const srv = await startServer(['--results-dir', dir], 8000);
  try {
    ok(true, 'serve starts with a FIFO and a link among its history files');
    const list = tryJson((await get(srv, '/api/runs')).body) || [];
    const by = Object.fromEntries(list.map((r) => [r.id, r]));
    ok(by.r1?.status === 'ok' && by.r1.target === 'pipe', 'a good stored run is listed as it was', by.r1);
    const link = await get(srv, '/api/runs/r2');
    ok(link.status === 404 && !/secret/.test(link.body), 'a symlinked history file is not served', link.body.slice(0, 100));
    ok((await get(srv, '/api/runs/r3')).status === 404, 'a FIFO history file is skipped');
    ok(/r2\.ndjson.*symbolic link/.test(srv.stderr) && /r3\.ndjson.*not a regular file/.test(srv.stderr),
      'both are logged with the reason', srv.stderr);
    for (const [id, what] of [['r4', 'a corrupt'], ['r5', 'an empty'], ['r8', 'an oversized'],
      ['r9', 'a line-after-the-end']]) {
      const r = await get(srv, `/api/runs/${id}`);
      ok(r.status === 404 && fs.existsSync(path.join(dir, `${id}.ndjson.bad`)) && !fs.existsSync(path.join(dir, `${id}.ndjson`)),
        `${what} history file is not replayed and is moved aside`, [r.status, fs.readdirSync(dir)]);
    }
    for (const id of ['r6', 'r7']) {
      const r = await get(srv, `/api/runs/${id}`);
      const lines = r.body.trim().split('\n').map(tryJson);
      ok(by[id]?.status === 'interrupted' && oneEndLast(lines) && lines.at(-1).status === 'interrupted',
        `a stored run without an end line (${id}) is shown as interrupted`, [by[id], r.body.slice(0, 200)]);
    }
    // plant links where the next run writes its files
    for (const ext of ['.ndjson.tmp', '.json.tmp']) fs.symlinkSync(victim, path.join(dir, `r10${ext}`));
    const s = await stream(srv, '/api/bench/pipe?count=100&reps=1');
    ok(s.headers?.get('x-run-id') === 'r10', 'the next run is r10, after every number seen', s.headers?.get('x-run-id'));
    await waitFor(() => fs.existsSync(path.join(dir, 'r10.ndjson')), 2000);
    ok(fs.readFileSync(victim, 'utf8') === 'secret outside the results dir\n', 'planted temp-file links are never written through');
    const st = fs.lstatSync(path.join(dir, 'r10.ndjson'));
    ok(st.isFile() && !st.isSymbolicLink(), 'the run is stored as a regular file');
  } finally {
    await stopServer(srv);
    fs.rmSync(path.dirname(victim), { recursive: true, force: true });
  }
}

async function pruning(dir) {
  for (let i = 1; i <= 56; i++) fs.writeFileSync(path.join(dir, `r${i}.ndjson`), goodRun(`r${i}`));
  fs.writeFileSync(path.join(dir, 'r2.ndjson.bad'), 'old\n');
  const srv = await startServer(['--results-dir', dir]);
  try {
    const list = tryJson((await get(srv, '/api/runs')).body) || [];
    ok(list.length === 50 && list[0].id === 'r56', 'the newest 50 stored runs are loaded', list.length);
    const left = fs.readdirSync(dir).filter((f) => /^r[1-6]\.ndjson/.test(f));
    ok(left.length === 0, 'files never loaded (older runs, their moved-aside files) are pruned', left);
  } finally {
    await stopServer(srv);
  }
}

async function main() {
  const dirs = [tmpdir('fault-kill'), tmpdir('fault-half'), tmpdir('fault-hostile'), tmpdir('fault-prune')];
  try {
    const killed = await killedMidRun(dirs[0]);
    await restartAfterKill(dirs[0], killed);
    await killedManyMidRun();
    await disconnected(dirs[1]);
    await halfClose(dirs[1]);
    await hostileResults(dirs[2]);
    await pruning(dirs[3]);
  } catch (e) {
    ok(false, 'faults suite ran to the end', String(e.stack || e));
  } finally {
    killAll();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
  // exit now: a run that outlived its killed server would hold the
  // server's inherited pipes open and keep this process waiting
  process.exit(done() ? 0 : 1);
}

main();
