// faults.test.mjs -- the server against its own failures: SIGKILL mid-run then a
// restart (runs die within a second, leftovers removed, ids never reused), a
// SIGKILL under a run of every mechanism and demo (mpirun and its ranks
// included: each tree gone within a second), a client that leaves an mpi run or
// an experiment (tree gone within a second, no partial lesson), a
// client that half-closes, and a results directory holding links, FIFOs,
// corrupt, empty, oversized and unfinished history
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  BIN, descendants, done, get, killAll, killMarked, living, mark, note, objectsOf, ok, oneEndLast, procs,
  sleep, startOf, startServer, stopServer, stream, tmpdir, tryJson, waitFor,
} from './lib.mjs';

const DIE_MS = 1000;                 // a run outlives a killed server at most this long
// alive: the pids of the marked processes (lib.mjs mark) still running
const alive = (marks) => living(marks).map((m) => m.pid);
const running = (pid) => procs().some((q) => q.pid === pid && q.state !== 'Z');
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
  const marks = mark(pids);
  const names = [...new Set(pids.map(comm))];
  ok(pids.length >= 3, 'a measuring run has a run process and two workers', pids);
  ok(names.length > 0 && names.every((n) => /^ipcscope/.test(n)), 'they show as ipcscope in ps, not exe', names);
  const exited = new Promise((r) => srv.proc.once('exit', r));
  srv.proc.kill('SIGKILL');
  await exited;
  const t0 = performance.now();
  const gone = await waitFor(() => alive(marks).length === 0, 3000);
  const ms = performance.now() - t0;
  note(`run process and workers gone ${ms.toFixed(0)} ms after the server's SIGKILL`);
  ok(gone && ms <= DIE_MS, `the run and its workers die within ${DIE_MS} ms of the server`, alive(marks));
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
const hasComm = (pids, name) => pids.some((p) => running(p) && comm(p) === name);

// measuring: streams url from srv until the run reports progress (with at,
// a progress line holding that text; with comm, once a process of that
// name runs below the server); { s: the stream's promise } (wrapped, or
// awaiting this would wait for the stream's end)
async function measuring(srv, url, { comm: name, onLine, at = '' } = {}) {
  let seen;
  const started = new Promise((r) => { seen = r; });
  const s = stream(srv, url, {
    onLine: (l, o) => {
      if (l.type === 'progress' && JSON.stringify(l).includes(at)) seen();
      return onLine?.(l, o);
    },
  });
  await Promise.race([started, sleep(15000)]);
  await waitFor(() => descendants(srv.proc.pid).length >= 2 &&
    (!name || hasComm(descendants(srv.proc.pid), name)), 8000);
  await sleep(200);
  return { s };
}

// everyRun: a run of every mechanism (shm under each synchronisation) and
// every demo that runs long enough to be stopped, with params that keep it
// busy for seconds, and where a stop once went wrong, the step to stop in
function everyRun() {
  const q = (o) => new URLSearchParams(o).toString();
  const bench = { duration: 10, reps: 2 };   // no rep ends while a batch gets ready
  const runs = [];
  const mechs = JSON.parse(spawnSync(BIN, ['list', '--format', 'json']).stdout.toString()).map((m) => m.name);
  for (const m of mechs) {
    if (m === 'shm') {
      for (const sync of ['spin', 'sem', 'mutex', 'futex']) runs.push({ what: `shm sync=${sync}`, url: `/api/bench/shm?${q({ sync, ...bench })}` });
    } else if (m === 'mpi') {
      if (mpiReady()) runs.push({ what: 'mpi', url: `/api/bench/mpi?${q(bench)}`, comm: 'ipcscope-mpi' });
      else note('mpi: mpirun or bin/ipcscope-mpi missing, not among the killed runs');
    } else {
      runs.push({ what: m, url: `/api/bench/${m}?${q(bench)}` });
    }
  }
  const jobs = { duration: 2, reps: 3 };
  const params = {
    'sync-tax': { duration: 0.5, reps: 2 }, placement: jobs, 'threads-vs-processes': jobs, crossover: jobs,
    layers: jobs, copies: jobs, race: { adds: '100M' }, 'false-sharing': { duration: 5 }, decide: { duration: 5 },
    'cross-host': { duration: 5 }, contention: { duration: 0.5 }, framing: { count: '1M' },
    serialization: { count: '1M' }, 'zero-copy': { frames: '100K' },
  };
  const at = { 'sync-tax': '"label":"shm sync=mutex"', contention: 'mutex queue: 2 producers' };
  const help = spawnSync(BIN, ['demo', '--help']).stdout.toString();
  for (const [, d] of help.matchAll(/^ {2}([a-z][a-z-]*) {2,}/gm)) {
    if (d === 'cleanup' || d === 'peercred') continue;      // they end within milliseconds
    ok(!!params[d], `demo ${d} has params here that keep it running`);
    if (params[d]) runs.push({ what: `demo ${d}`, url: `/api/demos/${d}?${q(params[d])}`, at: at[d] });
  }
  return runs;
}

// killedUnderEveryRun: every run above (the sanitizer build: those that
// once outlived a killed server) under a server of its own, a few servers
// at once, all SIGKILLed together mid-run: each run's whole tree ends
// within the bound
async function killedUnderEveryRun() {
  let runs = everyRun();
  if (process.env.ASAN === '1') runs = runs.filter((r) => ['shm sync=mutex', 'demo contention', 'mpi'].includes(r.what));
  const BATCH = 6;
  const slow = [];
  for (let b = 0; b < runs.length; b += BATCH) {
    const batch = runs.slice(b, b + BATCH);
    const dirs = batch.map(() => tmpdir('fault-every'));
    try {
      const srvs = await Promise.all(dirs.map((d) => startServer(['--results-dir', d])));
      const streams = await Promise.all(batch.map((r, i) => measuring(srvs[i], r.url, r)));
      const trees = srvs.map((srv) => mark(descendants(srv.proc.pid)));
      const pidsOf = (t) => t.map((m) => m.pid);
      batch.forEach((r, i) => ok(trees[i].length >= 2 && (!r.comm || hasComm(pidsOf(trees[i]), r.comm)),
        `${r.what}: measuring under its server when the server is killed`, pidsOf(trees[i]).map(comm)));
      const exits = srvs.map((srv) => new Promise((res) => srv.proc.once('exit', res)));
      for (const srv of srvs) srv.proc.kill('SIGKILL');
      await Promise.all(exits);
      // one look at /proc a round for every tree: when each was first seen gone
      const t0 = performance.now();
      const goneMs = trees.map(() => null);
      while (goneMs.includes(null) && performance.now() - t0 < 3000) {
        const now = performance.now() - t0;
        trees.forEach((marks, i) => {
          if (goneMs[i] === null && living(marks).length === 0) goneMs[i] = now;
        });
        await sleep(10);
      }
      batch.forEach((r, i) => {
        slow.push([goneMs[i] ?? Infinity, r.what]);
        ok(goneMs[i] !== null && goneMs[i] <= DIE_MS, `${r.what}: the run's whole process tree dies within ${DIE_MS} ms of its server (${goneMs[i]?.toFixed(0)} ms)`,
          alive(trees[i]).map((p) => `${p}(${comm(p)})`));
      });
      killMarked(trees.flat());   // only what is still this tree's own
      await Promise.all(streams.map((x) => x.s));
      const all = pidsOf(trees.flat());
      const left = await waitFor(() => objectsOf(all).length === 0, 1000);
      ok(left, `${batch.map((r) => r.what).join(', ')}: no kernel object or run directory left`, objectsOf(all));
    } finally {
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    }
  }
  slow.sort((x, y) => x[0] - y[0]);
  note(`${slow.length} runs gone after their server's SIGKILL: median ${slow[slow.length >> 1]?.[0].toFixed(0)} ms, ` +
    `slowest ${slow.at(-1)?.[0].toFixed(0)} ms (${slow.at(-1)?.[1]})`);
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
      const marks = mark(pids);
      ok(hasComm(pids, 'mpirun') && hasComm(pids, 'ipcscope-mpi'), 'mpi: mpirun and its ranks run', pids.map(comm));
      drop();                       // the stream reader was held at a line: it aborts now
      await s;
      const t0 = performance.now();
      const gone = await waitFor(() => alive(marks).length === 0, 3000);
      const ms = performance.now() - t0;
      note(`mpi: mpirun and its ranks gone ${ms.toFixed(0)} ms after the client left`);
      ok(gone && ms <= DIE_MS, `mpi: a client that disconnects ends mpirun and its ranks within ${DIE_MS} ms`,
        alive(marks).map((p) => `${p}(${comm(p)})`));
      killMarked(marks);
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
  // a queue made as the mechanisms make theirs (IPC_PRIVATE, mode 0600)
  const mk = spawnSync('perl', ['-e', 'my $q = msgget(0, 01000 | 0600); print "$q\n"'])
    .stdout?.toString() || '';
  const msqid = (mk.match(/(\d+)/) || [])[1];
  if (msqid) fs.writeFileSync(path.join(staging, `msqid-${msqid}`), '');
  // run directories live in this user's private base, 0700 like mkdtemp's
  const base = path.join(os.tmpdir(), `ipcscope.${process.geteuid()}`);
  fs.mkdirSync(base, { mode: 0o700, recursive: true });
  const dir = path.join(base, `ipcscope-${dead}-fault`);
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

// sideEffects: files that do not load take no place among the 50 kept, and
// nothing that is not UTF-8 or over the line limit is replayed
async function sideEffects(dir) {
  const w = (name, data) => fs.writeFileSync(path.join(dir, name), data);
  for (let i = 1; i <= 40; i++) w(`r${i}.ndjson`, goodRun(`r${i}`));
  for (let i = 41; i <= 56; i++) w(`r${i}.ndjson`, 'planted, not a run\n');
  w('r57.ndjson', goodRun('r57'));
  w('r57.json', Buffer.concat([Buffer.from('{"id":"r57","kind":"bench","target":"'),
    Buffer.from([0xff, 0xfe]), Buffer.from('","created_at":3}')]));
  w('r58.ndjson', Buffer.concat([Buffer.from('{"type":"start","run":"r58","mechanism":"'),
    Buffer.from([0xff, 0xfe]), Buffer.from(`"}\n${JSON.stringify({ type: 'end', run: 'r58', status: 'ok' })}\n`)]));
  w('r59.ndjson', `{"type":"end","run":"r59","status":"ok","pad":"${'x'.repeat(16 << 20)}"}\n`);
  const srv = await startServer(['--results-dir', dir], 15000);
  try {
    const res = await fetch(`${srv.base}/api/runs`, { signal: AbortSignal.timeout(10000) });
    const bytes = Buffer.from(await res.arrayBuffer());
    let text;
    try { text = new TextDecoder('utf-8', { fatal: true }).decode(bytes); } catch { text = undefined; }
    ok(text !== undefined, '/api/runs is valid UTF-8 with a planted .json holding \\xff\\xfe', bytes.subarray(0, 200).toString('latin1'));
    const list = tryJson(text || '') || [];
    const ids = new Set(list.map((r) => r.id));
    const good = Array.from({ length: 40 }, (_, i) => `r${i + 1}`);
    ok(good.every((id) => ids.has(id)) && good.every((id) => fs.existsSync(path.join(dir, `${id}.ndjson`))),
      '18 planted unloadable entries delete no good run: r1-r40 are all listed and kept', [list.length, good.filter((id) => !ids.has(id))]);
    ok(list.length === 41 && ids.has('r57'), 'every run that loads is listed (41), none that does not', list.length);
    ok(fs.existsSync(path.join(dir, 'r57.json.bad')) && by(list, 'r57')?.kind === 'unknown',
      'a .json that is not UTF-8 is moved aside, its run listed without it', by(list, 'r57'));
    const r58 = await get(srv, '/api/runs/r58');
    ok(r58.status === 404 && fs.existsSync(path.join(dir, 'r58.ndjson.bad')), 'an .ndjson that is not UTF-8 is not replayed, moved aside', r58.status);
    const r59 = await get(srv, '/api/runs/r59');
    ok(r59.status === 404 && fs.existsSync(path.join(dir, 'r59.ndjson.bad')) && /r59\.ndjson.*longer than 1048576 bytes/.test(srv.stderr),
      'a 16 MiB single-line file is not loaded (1 MiB line limit), moved aside with the reason', [r59.status, srv.stderr.slice(-300)]);
  } finally {
    await stopServer(srv);
  }
}

const by = (list, id) => list.find((r) => r.id === id);

const health = async (srv) => tryJson((await get(srv, '/api/health')).body) || {};

// fullDisk: a results directory that takes no file over 2 KiB (RLIMIT_FSIZE:
// writes fail as on a full disk); then a restart with room again
async function fullDisk(dir) {
  let srv = await startServer(['--results-dir', dir], 10000, ['prlimit', '--fsize=2048', '--']);
  let first;
  try {
    const h0 = await health(srv);
    ok(h0.store_failures === 0 && h0.store_error === null, '/api/health reports no history failure at first', h0);
    const s = await stream(srv, '/api/bench/pipe?count=100&reps=3');
    const end = s.lines.at(-1) || {};
    first = s.headers?.get('x-run-id');
    ok(end.type === 'end' && end.status === 'ok' && end.stored === false &&
      new RegExp(`${first}\\.ndjson`).test(end.store_error || ''),
    'a run whose record cannot be written says so in its end line (stored false, why)', end);
    const h = await health(srv);
    ok(h.store_failures >= 1 && /ndjson/.test(h.store_error || ''), 'and /api/health reports it', h);
    const again = await get(srv, `/api/runs/${first}`);
    ok(again.status === 200 && /"stored":false/.test(again.body), 'the run is still served from memory, saying so', again.body.slice(-200));
  } finally {
    await stopServer(srv);
  }
  srv = await startServer(['--results-dir', dir]);
  try {
    const s = await stream(srv, '/api/bench/pipe?count=100&reps=1');
    const id = s.headers?.get('x-run-id');
    ok(runNum(id) > runNum(first), 'after a restart the unstored run\'s id is not given again', [first, id]);
    ok(s.lines.at(-1)?.stored === undefined && fs.existsSync(path.join(dir, `${id}.ndjson`)),
      'with room again, runs are stored and their end line is as the run wrote it', s.lines.at(-1));
  } finally {
    await stopServer(srv);
  }
}

// plantedNumber: a planted r999999999.json neither moves ids nor is reused
async function plantedNumber(dir) {
  let srv = await startServer(['--results-dir', dir]);
  let a;
  try {
    a = (await stream(srv, '/api/bench/pipe?count=100&reps=1')).headers?.get('x-run-id');
  } finally {
    await stopServer(srv);
  }
  fs.writeFileSync(path.join(dir, 'r999999999.json'), JSON.stringify({ id: 'r999999999', kind: 'bench', target: 'pipe', created_at: 1 }));
  fs.writeFileSync(path.join(dir, 'r999999999.ndjson'), goodRun('r999999999'));
  const ids = [a];
  for (let i = 0; i < 2; i++) {
    srv = await startServer(['--results-dir', dir]);
    try {
      const list = tryJson((await get(srv, '/api/runs')).body) || [];
      if (i === 0) {
        ok(!list.some((r) => r.id === 'r999999999') && fs.existsSync(path.join(dir, 'r999999999.json.bad')),
          'a planted r999999999 past the recorded ids is not loaded, moved aside', list.map((r) => r.id));
      }
      ids.push((await stream(srv, '/api/bench/pipe?count=100&reps=1')).headers?.get('x-run-id'));
    } finally {
      await stopServer(srv);
    }
  }
  const nums = ids.map(runNum);
  ok(nums.every((n, i) => i === 0 || n > nums[i - 1]) && nums.every((n) => n < 1000),
    'run ids keep rising across restarts without jumping to the planted number', ids);
}

// marksKnowTheirOwn: a marked process whose pid another process took over
// (here: a mark with another start time) is neither living nor killed
function marksKnowTheirOwn() {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  try {
    const [m] = mark([child.pid]);
    const other = { pid: child.pid, start: String(Number(m?.start) + 1) };
    ok(!!m && living([m]).length === 1 && living([other]).length === 0,
      'a mark is living only while its pid holds the process that started then', [m, other]);
    killMarked([other]);
    ok(startOf(child.pid) === m?.start, 'killMarked leaves alone a process that holds a marked pid since', child.pid);
    killMarked([m]);
    const t0 = Date.now();
    while (startOf(child.pid) !== null && Date.now() - t0 < 2000) spawnSync('sleep', ['0.02']);
    ok(startOf(child.pid) === null, 'killMarked kills a marked process still running', child.pid);
  } finally {
    try { child.kill('SIGKILL'); } catch { /* gone */ }
  }
}

async function main() {
  marksKnowTheirOwn();
  const dirs = [tmpdir('fault-kill'), tmpdir('fault-half'), tmpdir('fault-hostile'), tmpdir('fault-prune'),
    tmpdir('fault-side'), tmpdir('fault-full'), tmpdir('fault-planted')];
  try {
    const killed = await killedMidRun(dirs[0]);
    await restartAfterKill(dirs[0], killed);
    await killedUnderEveryRun();
    await disconnected(dirs[1]);
    await halfClose(dirs[1]);
    await hostileResults(dirs[2]);
    await pruning(dirs[3]);
    await sideEffects(dirs[4]);
    await fullDisk(dirs[5]);
    await plantedNumber(dirs[6]);
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
