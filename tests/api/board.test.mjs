// board.test.mjs -- the class board's routes: the join code (403), strict posts
// (400), the task (409), the machine limit, a bounded flood (429), the
// teacher's loopback routes, and a student's server forwarding a finished run
import fs from 'node:fs';
import net from 'node:net';
import {
  done, get, killAll, note, ok, raw, startServer, stopServer, stream, tmpdir, tryJson,
} from './lib.mjs';

const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const BURST = 20;                    // BOARD_BURST

const summary = (label, median) => ({
  label, mechanism: 'shm', size: 4096, reps: 3, median, min: median / 2, max: median * 2,
});
const post = (as, demo = 'sync-tax', extra = {}) => ({
  demo, as, metric: 'msgs_per_s', higher_is_better: true,
  summaries: [summary('shm sync=spin', 250000), summary('pipe', 90000)], lesson: 'a lesson', ...extra,
});

async function send(srv, url, body, headers = {}) {
  const res = await fetch(srv.base + url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(15000),
  });
  const text = await res.text();
  return { status: res.status, body: text, json: tryJson(text) };
}

const codeOf = (r) => r.json && r.json.error && r.json.error.code;

const dirs = [];
const dir = (tag) => { const d = tmpdir(tag); dirs.push(d); return d; };

async function main() {
  const saved = dir('board');
  const board = await startServer(['--board', '--board-task', 'sync-tax', '--board-save', '--results-dir', saved]);
  const ses = tryJson((await get(board, '/api/board/session')).body);
  const code = ses && ses.code;
  ok(ses.board === true && typeof code === 'string' && code.length === 6 && [...code].every((c) => ALPHABET.includes(c)),
    'the session names a 6-character join code of the unambiguous alphabet', ses);
  ok(ses.qr === null || (ses.qr.width >= 21 && ses.qr.modules.length === ses.qr.width ** 2
    && /^[01]+$/.test(ses.qr.modules)), 'the session carries the join URL\'s QR modules', ses.qr);
  ok(Array.isArray(ses.urls) && ses.urls[0] === `${board.base}/`, 'and the join URL', ses.urls);
  const H = { 'X-Board-Code': code };

  let r = await get(board, '/api/board');
  ok(r.status === 403 && codeOf({ json: tryJson(r.body) }) === 'wrong_code', 'GET /api/board without the code: 403', r);
  r = await get(board, `/api/board?code=${code}`);
  ok(r.status === 200 && tryJson(r.body).task === 'sync-tax', 'with ?code=: the board and its task', r.body);
  r = await send(board, '/api/board/results', post('ana'), { 'X-Board-Code': code === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA' });
  ok(r.status === 403 && codeOf(r) === 'wrong_code', 'a post with a wrong code: 403', r.body);
  r = await send(board, '/api/board/results', '{"demo":', H);
  ok(r.status === 400 && codeOf(r) === 'bad_post', 'malformed JSON: 400', r.body);
  r = await send(board, '/api/board/results', post('ana', 'sync-tax', { hostname: 'x' }), H);
  ok(r.status === 400 && /unknown field 'hostname'/.test(r.body), 'an unknown field: 400 naming it', r.body);
  r = await send(board, '/api/board/results', post('ana', 'sync-tax', { lesson: 'x'.repeat(3000) }), H);
  ok(r.status === 400 && r.json.error.param === 'lesson', 'an over-long lesson: 400 naming lesson', r.body);
  r = await send(board, '/api/board/results', `{"pad":"${'x'.repeat(40000)}"}`, H);
  ok(r.status === 400 && codeOf(r) === 'body_too_large', 'a 40 kB post: 400 before it is read', r.body);
  r = await send(board, '/api/board/results', post('ana', 'placement'), H);
  ok(r.status === 409 && codeOf(r) === 'wrong_task', 'a post for another demo: 409', r.body);
  // garbage and a post cut off mid-body leave the board as it was
  const junk = ['\u0000', '{"a":' + '['.repeat(5000), '\xff\xfe{}', '{"demo":1e999}', '[]', 'null'];
  const junkStatus = [];
  for (const j of junk) junkStatus.push((await send(board, '/api/board/results', j, H)).status);
  ok(junkStatus.every((x) => x === 400), 'garbage posts: 400 each', junkStatus);
  await new Promise((resolve) => {
    const sock = net.connect(board.port, '127.0.0.1', () => {
      sock.write(`POST /api/board/results HTTP/1.1\r\nHost: 127.0.0.1:${board.port}\r\nX-Board-Code: ${code}\r\nContent-Length: 1000\r\n\r\n{"demo":"sync`);
      setTimeout(() => { sock.destroy(); resolve(); }, 200);
    });
    sock.on('error', resolve);
  });
  r = await get(board, `/api/board?code=${code}`);
  ok(r.status === 200 && tryJson(r.body).machines.length === 0, 'after garbage and a cut-off post the board is empty and answers', r.body);
  for (const as of ['ana', 'ben', '<img src=x onerror=alert(1)>']) {
    r = await send(board, `/api/board/results?code=${code}`, post(as));
    ok(r.status === 200, `a good post as ${as}: 200`, r.body);
  }
  const b = tryJson((await get(board, '/api/board', { headers: H })).body);
  ok(b.machines.length === 3 && b.class.length === 2 && b.class[1].median === 90000,
    'the board lists three machines and the class median per label', b);
  ok(b.machines[2].as === '<img src=x onerror=alert(1)>', 'a pseudonym is kept as text, as sent');

  // the teacher's routes: loopback and same-origin
  r = await raw(board, `POST /api/board/task HTTP/1.1\r\nHost: 127.0.0.1:${board.port}\r\nOrigin: http://evil.example\r\nContent-Length: 17\r\nConnection: close\r\n\r\n{"demo":"compare"}`);
  ok(r.status === 403 && /cross_site/.test(r.body), 'a task set from another origin: 403', r);
  r = await send(board, '/api/board/task', { demo: 'race' });
  ok(r.status === 400 && codeOf(r) === 'bad_task', 'a demo without jobs as the task: 400', r.body);
  r = await send(board, '/api/board/task', { demo: 'compare' });
  ok(r.status === 200 && r.json.task === 'compare' && r.json.machines.length === 0,
    'a new task from the page clears the board', r.body);
  r = await get(board, '/api/board/results');
  ok(r.status === 405, 'GET /api/board/results: 405', r.status);

  // a student's own server forwards a finished run
  const student = await startServer(['--results-dir', dir('board-student')]);
  r = await get(student, '/api/board');
  ok(r.status === 404 && /no_board/.test(r.body), 'a server without --board has no board: 404', r.body);
  r = await get(student, '/api/board/session');
  ok(r.status === 200 && r.body === '{"board":false}', 'its session says there is no board', r.body);
  await send(board, '/api/board/task', { demo: 'sync-tax' });
  const ran = await stream(student, '/api/demos/sync-tax?reps=2&duration=0.01');
  const start = ran.lines.find((o) => o.type === 'start');
  const run = start && start.run;
  ok(!!run && ran.lines.at(-1).status === 'ok', 'the student\'s server ran the demo', ran.lines.at(-1));
  r = await send(student, '/api/board/send', { board: board.base, code, as: 'dee', run, share_machine: true });
  ok(r.status === 200, 'the student\'s server sends the run to the board', r.body);
  const b2 = tryJson((await get(board, '/api/board', { headers: H })).body);
  const dee = b2.machines.find((m) => m.as === 'dee');
  ok(dee && dee.machine && dee.machine.cores >= 1 && dee.summaries.length === 5,
    'the board holds it, with the machine the student shared', dee);
  r = await send(student, '/api/board/send', { board: board.base, code: 'AAAAAA', as: 'dee', run });
  ok(r.status === 502 && /403/.test(r.body), 'a refusal comes back as 502 with the board\'s reason', r.body);
  const files = fs.readdirSync(saved).filter((f) => f.startsWith('board-')).sort();
  const lines = (f) => fs.readFileSync(`${saved}/${f}`, 'utf8').trim().split('\n').map(JSON.parse);
  ok(files.length === 2 && /^board-\d{8}T\d{6}Z-1-sync-tax\.ndjson$/.test(files[0]) && /-3-sync-tax\.ndjson$/.test(files[1]),
    'with --board-save, each task\'s posts are kept in the results directory', files);
  ok(files.length === 2 && lines(files[0]).map((m) => m.as).join() === `ana,ben,${'<img src=x onerror=alert(1)>'}`
    && lines(files[1]).map((m) => m.as).join() === 'dee', 'one post a line, as the board shows them', files.map(lines));

  // the machine limit and a flood, on a board of two
  const small = await startServer(['--board', '--board-max', '2', '--board-task', 'sync-tax',
    '--results-dir', dir('board-small')]);
  const c2 = tryJson((await get(small, '/api/board/session')).body).code;
  const statuses = [];
  for (const as of ['a', 'b', 'c']) statuses.push((await send(small, '/api/board/results', post(as), { 'X-Board-Code': c2 })).status);
  ok(statuses.join() === '200,200,503', 'a third machine on a board of two: 503', statuses);
  const t0 = Date.now();
  const flood = [];
  for (let i = 0; i < 40; i++) flood.push(await send(small, '/api/board/results', post('a'), { 'X-Board-Code': c2 }));
  const limited = flood.filter((x) => x.status === 429).length;
  ok(limited >= 40 - BURST && flood.every((x) => x.status === 200 || x.status === 429),
    `a flood of 40 posts: ${limited} refused with 429 (${Date.now() - t0} ms)`, flood.map((x) => x.status));
  r = await get(small, '/api/health');
  ok(r.status === 200, 'the board is healthy after the flood');
  // the three stop side by side: each lets its streams end first
  await Promise.all([stopServer(student), stopServer(small), stopServer(board)]);
}

main().catch((e) => { ok(false, 'board tests ran', String(e && e.stack)); })
  .finally(() => {
    killAll();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); process.exit(done() ? 0 : 1); });
