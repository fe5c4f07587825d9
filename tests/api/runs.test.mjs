// runs.test.mjs -- runs through the API: live streaming, queueing, cancel on
// disconnect, wall-time limit, 429, history across a restart, clean SIGTERM
import fs from 'node:fs';
import {
  descendants, done, get, inGroup, killAll, note, objectsOf, ok, oneEndLast, procs, sleep,
  startServer, stopServer, stream, tmpdir, tryJson, waitFor,
} from './lib.mjs';

const ndjson = (r) => (r.headers?.get('content-type') || '').startsWith('application/x-ndjson');
const types = (s) => s.lines.map((l) => l.type).join(',');
const noHeartbeats = (lines) => lines.filter((l) => l.type !== 'heartbeat');

// runGroup: the process group of the server's current run (leader is a
// child of the server in a group of its own), or 0
function runGroup(srv) {
  const leader = procs().find((p) => p.ppid === srv.proc.pid && p.pgid === p.pid);
  return leader ? leader.pgid : 0;
}

async function streaming(srv) {
  await get(srv, '/api/health'); // the first fetch of a node process is slow
  const s = await stream(srv, '/api/bench/pipe?duration=1&reps=2');
  ok(s.status === 200 && ndjson(s), 'a bench run is 200 application/x-ndjson', [s.status, s.error]);
  const id = s.headers?.get('x-run-id');
  ok(s.lines[0]?.type === 'start' && s.lines[0].run === id && s.lines[0].mechanism === 'pipe',
    'the first line is the start line of the run named by X-Run-Id', s.lines[0]);
  ok(s.lines.filter((l) => l.type === 'result').length === 2 && s.lines.some((l) => l.type === 'summary'),
    'two result lines and a summary', types(s));
  ok(oneEndLast(s.lines) && s.lines.at(-1).status === 'ok', 'exactly one end line, last, status ok', s.lines.at(-1));
  ok(s.lines.every((l) => l.run === id || l.type === 'heartbeat'), 'every line names the run');
  const first = s.times[0];
  const last = s.times.at(-1);
  note(`request to start line: ${first.toFixed(1)} ms; to end line: ${last.toFixed(0)} ms`);
  ok(last - first > 1000, 'the first line arrives long before the last (streamed, not buffered)', [first, last]);
  const firstResult = s.times[s.lines.findIndex((l) => l.type === 'result')];
  ok(firstResult < last - 500, 'the first result arrives while the second rep still runs', [firstResult, last]);

  const again = await get(srv, `/api/runs/${id}`);
  const lines = again.body.trim().split('\n').map(tryJson);
  ok(again.status === 200 && JSON.stringify(lines) === JSON.stringify(noHeartbeats(s.lines)),
    '/api/runs/{id} gives the same lines again', again.body.slice(0, 200));
  const list = tryJson((await get(srv, '/api/runs')).body);
  const entry = list?.find((r) => r.id === id);
  ok(entry && entry.status === 'ok' && entry.target === 'pipe' && entry.kind === 'bench',
    '/api/runs lists the run with its status', entry);
  const quick = [];
  for (let i = 0; i < 3; i++) quick.push((await stream(srv, '/api/bench/pipe?count=200&reps=1')).times[0]);
  note(`request to start line, small runs: ${quick.map((t) => t.toFixed(1)).join(', ')} ms`);
  return id;
}

async function queueing(srv) {
  let started;
  const firstStarted = new Promise((r) => { started = r; });
  const a = stream(srv, '/api/bench/pipe?duration=0.4&reps=2', {
    onLine: (l) => { if (l.type === 'start') started(); },
  });
  await Promise.race([firstStarted, sleep(5000)]);
  let queuedSeen;
  const queued = new Promise((r) => { queuedSeen = r; });
  const b = stream(srv, '/api/bench/unix?count=2000&reps=1', {
    onLine: (l) => { if (l.type === 'queued') queuedSeen(); },
  });
  await Promise.race([queued, sleep(5000)]);
  const list = tryJson((await get(srv, '/api/runs')).body) || [];
  const h = tryJson((await get(srv, '/api/health')).body);
  const [sa, sb] = await Promise.all([a, b]);
  const idb = sb.headers?.get('x-run-id');
  ok(sb.lines[0]?.type === 'queued' && sb.lines[0].position === 1 && sb.lines[0].run === idb,
    'the second run first says it is queued at position 1', sb.lines[0]);
  ok(list.find((r) => r.id === idb)?.status === 'queued' && list.find((r) => r.id === idb)?.position === 1,
    '/api/runs shows the waiting run as queued', list.slice(0, 2));
  ok(h?.busy === 2, '/api/health counts the running and the waiting run', h);
  ok(oneEndLast(sa.lines) && sa.lines.at(-1).status === 'ok', 'the first run ends ok', sa.lines.at(-1));
  ok(oneEndLast(sb.lines) && sb.lines.at(-1).status === 'ok' && sb.lines.some((l) => l.type === 'start'),
    'the queued run starts after it and ends ok', types(sb));
  const aEnd = performance.now() - 0; // arrival order is checked through the run timestamps below
  void aEnd;
  const bStartIdx = sb.lines.findIndex((l) => l.type === 'start');
  ok(bStartIdx > 0, 'the queued run starts only after its queued line', bStartIdx);
}

async function compareAndSweep(srv) {
  const c = await stream(srv, '/api/compare?mechanisms=pipe,unix&count=2000&reps=1');
  const mechs = c.lines.filter((l) => l.type === 'start').map((l) => l.mechanism);
  ok(c.status === 200 && oneEndLast(c.lines) && c.lines.at(-1).status === 'ok', 'compare streams and ends ok', types(c));
  ok(mechs.length >= 1 && c.lines.some((l) => l.type === 'comparison'), 'compare has start and comparison lines', types(c));
  // no mechanisms: the local set; the library family and mpi are skipped with a reason
  const cat = tryJson((await get(srv, '/api/mechanisms')).body) || [];
  const all = await stream(srv, '/api/compare?count=200&reps=1&ci=0');
  const st = all.lines.find((l) => l.type === 'start') || {};
  const ran = st.mechanisms || [], skipped = st.skipped || [];
  const wrong = cat.filter((m) => {
    const named = m.family === 'library' || m.name === 'mpi';
    const s = skipped.find((x) => x.mechanism === m.name);
    return named ? ran.includes(m.name) || !/name it/.test(s?.reason || '') : !ran.includes(m.name) && !s;
  }).map((m) => m.name);
  ok(cat.length > 0 && ran.length > 0 && wrong.length === 0 && all.lines.at(-1)?.status === 'ok',
    'compare without mechanisms runs the local set; library mechanisms and mpi are skipped, named', wrong);
  const w = await stream(srv, '/api/sweep/pipe?sizes=64,4K&count=2000&reps=1');
  ok(w.status === 200 && oneEndLast(w.lines) && w.lines.at(-1).status === 'ok', 'sweep streams and ends ok', types(w));
}

// cancelling: a queued run and a running one are cancelled by dropping
// their connections; the running one's process group is gone in time
async function cancelling(srv) {
  let pgid = 0;
  let pids = [];
  let hung = 0;
  let queuedLine;
  const gotQueued = new Promise((r) => { queuedLine = r; });
  let running;
  const isRunning = new Promise((r) => { running = r; });
  const a = stream(srv, '/api/bench/shm?duration=2&reps=3', {
    onLine: async (l) => {
      if (l.type !== 'progress' || pgid) return undefined;
      pgid = runGroup(srv);
      pids = inGroup(pgid);
      running();
      await gotQueued;
      await sleep(100);
      pids = [...new Set([...pids, ...inGroup(pgid)])];
      hung = performance.now();
      return 'abort';
    },
  });
  await Promise.race([isRunning, sleep(5000)]);
  const b = stream(srv, '/api/bench/pipe?count=1000&reps=1', {
    onLine: (l) => (l.type === 'queued' ? 'abort' : undefined),
  });
  const sb = await b;
  const idb = sb.headers?.get('x-run-id');
  const qb = await waitFor(async () => {
    const e = (tryJson((await get(srv, '/api/runs')).body) || []).find((r) => r.id === idb);
    return e?.status === 'cancelled' ? e : null;
  }, 2000);
  ok(qb, 'a client that leaves the queue cancels its place', idb);
  queuedLine();
  const sa = await a;
  ok(sa.aborted && pgid > 0 && pids.length >= 2, 'a running shm run with its workers was found and dropped', [pgid, pids]);
  const gone = await waitFor(() => inGroup(pgid).length === 0, 2000);
  note(`run group gone ${(performance.now() - hung).toFixed(0)} ms after the client hung up`);
  ok(gone, 'its process group is gone within 2 s of the disconnect', inGroup(pgid));
  ok(pids.every((p) => !procs().some((q) => q.pid === p)), 'no process of the run is left, zombies included');
  ok(objectsOf(pids).length === 0, 'no shm, mqueue, SysV queue or temp dir of the run is left', objectsOf(pids));
  const ida = sa.headers?.get('x-run-id');
  const stored = (await get(srv, `/api/runs/${ida}`)).body.trim().split('\n').map(tryJson);
  ok(oneEndLast(stored) && stored.at(-1).status === 'cancelled', 'the stored run ends with one end line, cancelled',
    stored.at(-1));
  const next = await stream(srv, '/api/bench/pipe?count=1000&reps=1');
  ok(oneEndLast(next.lines) && next.lines.at(-1).status === 'ok' && next.lines[0].type === 'start',
    'the next run starts at once after a cancel', types(next));
}

// crashed: the run process dies by SIGKILL mid-run; the server ends the
// stream itself and kills the orphaned workers
async function crashed(srv) {
  let pgid = 0;
  let pids = [];
  const s = await stream(srv, '/api/bench/pipe?duration=2&reps=3', {
    onLine: (l) => {
      if (l.type === 'progress' && !pgid) {
        pgid = runGroup(srv);
        pids = inGroup(pgid);
        if (pgid) process.kill(pgid, 'SIGKILL');
      }
    },
  });
  const err = s.lines.find((l) => l.type === 'error');
  ok(pgid > 0 && err?.code === 'run_failed' && /signal 9/.test(err.message),
    'a run process killed by SIGKILL gives an error line naming the signal', err);
  ok(oneEndLast(s.lines) && s.lines.at(-1).status === 'error', 'and one end line, last, status error', s.lines.at(-1));
  const gone = await waitFor(() => pids.every((p) => !procs().some((q) => q.pid === p)), 2000);
  ok(gone, 'its orphaned workers are killed and reaped', pids);
}

async function shutdown(srv) {
  let pgid = 0;
  let pids = [];
  let seen;
  const running = new Promise((r) => { seen = r; });
  const s = stream(srv, '/api/bench/shm?duration=2&reps=3', {
    onLine: (l) => {
      if (l.type === 'progress' && !pgid) {
        pgid = runGroup(srv);
        pids = inGroup(pgid);
        seen();
      }
    },
  });
  await Promise.race([running, sleep(5000)]);
  const below = descendants(srv.proc.pid);
  const st = await stopServer(srv);
  ok(st && st.code === 0, 'SIGTERM during a run: the server exits with status 0', st);
  const res = await s;
  ok(res.lines.at(-1)?.type === 'end' && res.lines.at(-1).status === 'cancelled',
    'the stream of the stopped run ends with end status cancelled', res.lines.at(-1));
  const left = await waitFor(() => [...below, ...pids].filter((p) => procs().some((q) => q.pid === p)).length === 0, 2000);
  ok(pgid > 0 && left, 'no process of the server or its run is left', [pgid, below, pids]);
  ok(objectsOf(pids).length === 0, 'no kernel object of the stopped run is left', objectsOf(pids));
}

async function restart(results, ids) {
  const srv = await startServer(['--results-dir', results]);
  try {
    const list = tryJson((await get(srv, '/api/runs')).body) || [];
    ok(ids.every((id) => list.some((r) => r.id === id)), 'after a restart /api/runs still lists the earlier runs',
      list.map((r) => r.id));
    const first = list.find((r) => r.id === ids[0]);
    ok(first?.status === 'ok' && first?.target === 'pipe', 'with their status and target', first);
    const body = (await get(srv, `/api/runs/${ids[0]}`)).body.trim().split('\n').map(tryJson);
    ok(body[0]?.type === 'start' && oneEndLast(body), 'and their NDJSON', body.at(-1));
    const s = await stream(srv, '/api/bench/pipe?count=500&reps=1');
    const n = Number((s.headers?.get('x-run-id') || 'r0').slice(1));
    const max = Math.max(...list.map((r) => Number(r.id.slice(1))));
    ok(n > max, 'new run ids continue after the stored ones', [n, max]);
  } finally {
    await stopServer(srv);
  }
}

async function timeouts(results) {
  const srv = await startServer(['--results-dir', results, '--max-run-seconds', '2', '--queue', '1']);
  try {
    let started;
    const startSeen = new Promise((r) => { started = r; });
    const a = stream(srv, '/api/bench/pipe?duration=5&reps=1', {
      onLine: (l) => { if (l.type === 'start') started(); },
    });
    await Promise.race([startSeen, sleep(5000)]);
    let queued;
    const queuedSeen = new Promise((r) => { queued = r; });
    const b = stream(srv, '/api/bench/pipe?count=1000&reps=1', {
      onLine: (l) => { if (l.type === 'queued') queued(); },
    });
    await Promise.race([queuedSeen, sleep(5000)]);
    const c = await get(srv, '/api/bench/pipe?count=1000&reps=1');
    ok(c.status === 429 && c.headers.get('retry-after') && tryJson(c.body)?.error?.code === 'queue_full',
      'a full queue answers 429 with Retry-After', [c.status, c.body]);
    const [sa, sb] = await Promise.all([a, b]);
    const err = sa.lines.find((l) => l.type === 'error');
    ok(err && err.code === 'timeout', 'a run over --max-run-seconds gets an error line (timeout)', types(sa));
    ok(oneEndLast(sa.lines) && sa.lines.at(-1).status === 'timeout', 'and one end line, last, status timeout', sa.lines.at(-1));
    note(`timed-out run ended after ${sa.times.at(-1)?.toFixed(0)} ms (limit 2 s)`);
    ok(sa.times.at(-1) < 4500, 'the run is stopped at its limit, not at its own end', sa.times.at(-1));
    ok(sb.lines.some((l) => l.type === 'heartbeat'), 'a run waiting over a second gets heartbeat lines', types(sb));
    ok(oneEndLast(sb.lines) && sb.lines.at(-1).status === 'ok', 'the waiting run then runs and ends ok', types(sb));
    const reaped = await waitFor(() => descendants(srv.proc.pid).length === 0, 2000);
    ok(reaped, 'no child of the server is left after the runs (no zombies)',
      descendants(srv.proc.pid));
  } finally {
    const st = await stopServer(srv);
    ok(st && st.code === 0, 'the second server stops cleanly', st);
  }
}

async function main() {
  const results = tmpdir('runs');
  const results2 = tmpdir('timeout');
  let srv;
  try {
    srv = await startServer(['--results-dir', results, '--queue', '2']);
    ok(true, `server started on port ${srv.port}`);
    const id = await streaming(srv);
    await queueing(srv);
    await compareAndSweep(srv);
    await cancelling(srv);
    await crashed(srv);
    await shutdown(srv);
    await restart(results, [id]);
    await timeouts(results2);
  } catch (e) {
    ok(false, 'runs suite ran to the end', String(e.stack || e));
    if (srv) note(srv.stderr);
  } finally {
    killAll();
    fs.rmSync(results, { recursive: true, force: true });
    fs.rmSync(results2, { recursive: true, force: true });
  }
  process.exitCode = done() ? 0 : 1;
}

main();
