// diff.test.mjs -- GET /api/diff?a=rN&b=rM: two remembered runs compared as
// `ipcscope diff` prints them (NDJSON), a slower mechanism named, and every
// bad request answered 400/404/405/409 naming its param
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  BIN, done, get, killAll, note, ok, startServer, stopServer, stream, tmpdir, tryJson,
} from './lib.mjs';

const lines = (body) => body.trim().split('\n').map(tryJson);

// seed: a real compare's lines as r1, and the same with unix at half the rate as r2
function seed(dir) {
  const run = spawnSync(BIN, ['compare', 'pipe,unix', '--reps', '30', '--duration', '0.02', '--ci', '0',
    '--format', 'ndjson', '--run-id', 'r1'], { encoding: 'utf8', timeout: 30000 });
  ok(run.status === 0, 'a real compare of pipe and unix ran for the seed', run.stderr);
  const half = run.stdout.trim().split('\n').map((l) => {
    const o = JSON.parse(l);
    o.run = 'r2';
    if (o.type === 'result' && o.mechanism === 'unix') {
      o.msgs_per_s /= 2;
      o.bytes_per_s /= 2;
    }
    return JSON.stringify(o);
  });
  fs.writeFileSync(path.join(dir, 'r1.ndjson'), run.stdout);
  fs.writeFileSync(path.join(dir, 'r2.ndjson'), `${half.join('\n')}\n`);
}

async function diffs(srv) {
  const r = await get(srv, '/api/diff?a=r1&b=r2');
  const ls = lines(r.body);
  ok(r.status === 200 && (r.headers.get('content-type') || '').startsWith('application/x-ndjson'),
    '/api/diff is 200 application/x-ndjson', [r.status, r.body.slice(0, 200)]);
  ok(ls[0]?.type === 'diff_start' && ls[0].a.name === 'r1' && ls[0].b.name === 'r2' &&
    ls[0].a.system?.kernel && ls[0].b.system?.kernel && ls.at(-1)?.type === 'diff_end',
  'diff_start first with both runs and their platform, diff_end last', ls[0]);
  const rows = ls.filter((l) => l.type === 'diff_row');
  const unix = rows.find((l) => l.label === 'unix');
  ok(rows.length === 2 && unix?.change === 'slower' && unix.estimate === 0.5 && unix.method === 'rank-sum',
    'unix at half the rate: slower, estimate 0.5, rank-sum', rows.map((x) => [x.label, x.change, x.verdict_text]));
  ok(ls.at(-1).status === 'slower' && ls.at(-1).exit_status === 1 && ls.at(-1).slower_rows.join() === 'unix 64 B',
    'diff_end names unix, status slower', ls.at(-1));
  const same = lines((await get(srv, '/api/diff?a=r1&b=r1')).body);
  ok(same.at(-1)?.status === 'ok' && same.filter((l) => l.type === 'diff_row').every((l) => l.change === 'no change'),
    'a run against itself: no change, status ok', same.at(-1));
  const lax = lines((await get(srv, '/api/diff?a=r1&b=r2&threshold=150')).body);
  ok(lax[0]?.threshold_pct === 150 && lax.at(-1)?.status === 'ok', 'threshold=150 lets a 2x slowdown pass', lax.at(-1));

  // a run made by this server, against the seed
  const s = await stream(srv, '/api/compare?mechanisms=pipe,unix&reps=6&duration=0.02');
  const id = s.headers?.get('x-run-id');
  ok(s.status === 200 && id, 'a live compare ran', s.status);
  const live = lines((await get(srv, `/api/diff?a=r1&b=${id}`)).body);
  ok(live[0]?.b.run === id && live.filter((l) => l.type === 'diff_row').length === 2 &&
    ['ok', 'slower'].includes(live.at(-1)?.status), 'the live run diffs against the stored one', live.at(-1));
}

async function refusals(srv) {
  const cases = [
    ['/api/diff?b=r1', 400, 'a'],
    ['/api/diff?a=r1', 400, 'b'],
    ['/api/diff?a=x1&b=r1', 400, 'a'],
    ['/api/diff?a=r1&b=r1%2F..', 400, 'b'],
    ['/api/diff?a=r1&b=r99999', 404, 'b'],
    ['/api/diff?a=r77&b=r1', 404, 'a'],
    ['/api/diff?a=r1&b=r1&bogus=1', 400, 'bogus'],
    ['/api/diff?a=r1&a=r2&b=r1', 400, 'a'],
    ['/api/diff?a=r1&b=r2&threshold=-1', 400, 'threshold'],
    ['/api/diff?a=r1&b=r2&threshold=abc', 400, 'threshold'],
  ];
  for (const [url, status, param] of cases) {
    const r = await get(srv, url);
    const e = tryJson(r.body)?.error;
    ok(r.status === status && e?.param === param && e.message.includes(param === 'bogus' ? 'bogus' : param),
      `${url}: ${status} naming ${param}`, [r.status, r.body]);
  }
  const post = await get(srv, '/api/diff?a=r1&b=r2', { method: 'POST' });
  ok(post.status === 405 && /GET/.test(post.headers.get('allow') || ''), 'POST /api/diff is 405 with Allow', post.status);

  // a run that has not ended: 409 naming its side
  let id;
  const running = stream(srv, '/api/bench/pipe?duration=0.5&reps=4', {
    onLine: (l, o) => { id = o.headers?.get('x-run-id'); return l.type === 'result' ? 'abort' : undefined; },
  });
  for (let i = 0; i < 100 && !id; i++) await new Promise((r) => setTimeout(r, 50));
  const busy = await get(srv, `/api/diff?a=r1&b=${id}`);
  const e = tryJson(busy.body)?.error;
  ok(busy.status === 409 && e?.code === 'not_finished' && e.param === 'b', 'a running run: 409 not_finished naming b',
    [busy.status, busy.body]);
  await running;
}

async function main() {
  const results = tmpdir('diff');
  let srv;
  try {
    seed(results);
    srv = await startServer(['--results-dir', results]);
    ok(true, `server started on port ${srv.port}`);
    await diffs(srv);
    await refusals(srv);
    const st = await stopServer(srv);
    ok(st && st.code === 0, 'the server stops cleanly', st);
  } catch (e) {
    ok(false, 'diff suite ran to the end', String(e.stack || e));
    if (srv) note(srv.stderr);
  } finally {
    killAll();
    fs.rmSync(results, { recursive: true, force: true });
  }
  process.exitCode = done() ? 0 : 1;
}

main();
