// routes.test.mjs -- every route's status, Content-Type and JSON shape, static
// files with ETag, and a catalogue of hostile requests answered with the right status
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  BIN,
  done, get, killAll, note, ok, rawGet, raw, startServer, stopServer, tmpdir, tryJson,
} from './lib.mjs';

const isJson = (r) => (r.headers.get('content-type') || '').startsWith('application/json');

async function catalogues(srv) {
  const h = await get(srv, '/api/health');
  const hj = tryJson(h.body);
  // the version the binary was built as, the one --version prints
  const built = spawnSync(BIN, ['--version'], { encoding: 'utf8' }).stdout.trim().replace(/^ipcscope /, '');
  ok(h.status === 200 && isJson(h) && hj?.status === 'ok' && /^[0-9]/.test(built) && hj.version === built,
    `GET /api/health is {"status":"ok","version":"${built}"} (as --version)`, h.body);

  const m = await get(srv, '/api/mechanisms');
  const mj = tryJson(m.body);
  ok(m.status === 200 && isJson(m) && Array.isArray(mj) && mj.length >= 1, 'GET /api/mechanisms is a JSON array', m.body.slice(0, 200));
  const names = (mj || []).map((x) => x.name);
  ok(['pipe', 'shm', 'unix', 'tcp'].every((x) => names.includes(x)), 'the catalogue names pipe, shm, unix and tcp', names);
  const fields = ['name', 'family', 'summary', 'modes', 'sizes', 'copies', 'cleanup'];
  const missing = (mj || []).filter((x) => !fields.every((f) => f in x)).map((x) => x.name);
  ok(mj && missing.length === 0, `every catalogue entry has ${fields.join(', ')}`, missing);
  const crossing = (mj || []).filter((x) => x.cross_host === true).map((x) => x.name);
  const zmqT = ((mj || []).find((x) => x.name === 'zmq') || { options: [] }).options.find((o) => o.name === 'transport');
  ok(['tcp', 'udp', 'zmq', 'grpc'].every((x) => crossing.includes(x)) && !crossing.includes('shm') &&
    zmqT && zmqT.cross_host === 'tcp',
    'the catalogue says which mechanisms cross hosts, and zmq only with transport=tcp', crossing);

  const d = await get(srv, '/api/demos');
  ok(d.status === 200 && isJson(d) && Array.isArray(tryJson(d.body)), 'GET /api/demos is a JSON array', d.body.slice(0, 200));

  const s = await get(srv, '/api/system');
  const sj = tryJson(s.body);
  ok(s.status === 200 && isJson(s) && sj && typeof sj === 'object' && !Array.isArray(sj) && Object.keys(sj).length > 2,
    'GET /api/system is a JSON object describing the machine', s.body.slice(0, 200));
  ok(sj?.ipcscope_version === built, 'GET /api/system names the ipcscope version', sj?.ipcscope_version);

  const r = await get(srv, '/api/runs');
  ok(r.status === 200 && isJson(r) && Array.isArray(tryJson(r.body)), 'GET /api/runs is a JSON array', r.body.slice(0, 200));

  const hd = await get(srv, '/api/mechanisms', { method: 'HEAD' });
  ok(hd.status === 200 && hd.body === '', 'HEAD /api/mechanisms answers without a body');
}

async function staticFiles(srv) {
  const idx = await get(srv, '/');
  ok(idx.status === 200 && (idx.headers.get('content-type') || '').startsWith('text/html') && /<html/i.test(idx.body),
    'GET / is the dashboard (text/html)', idx.status);
  const etag = idx.headers.get('etag');
  ok(!!etag && !!idx.headers.get('cache-control'), 'the page carries an ETag and Cache-Control', [etag]);
  const again = await get(srv, '/', { headers: { 'If-None-Match': etag || '"x"' } });
  ok(again.status === 304 && again.body === '', 'If-None-Match with its ETag gives 304 Not Modified', again.status);
  const same = await get(srv, '/index.html');
  ok(same.status === 200 && same.body === idx.body, '/index.html is the same page');
  const js = await get(srv, '/chart.umd.js');
  ok(js.status === 200 && /javascript/.test(js.headers.get('content-type') || '') && js.body.length > 1000,
    'the vendored chart.umd.js is served as JavaScript', js.headers.get('content-type'));
  const bars = await get(srv, '/chartjs-chart-error-bars.umd.js');
  ok(bars.status === 200 && /javascript/.test(bars.headers.get('content-type') || '') && /barWithErrorBars/.test(bars.body),
    'the vendored error-bar charts (the whiskers) are served as JavaScript', bars.headers.get('content-type'));
  const none = await get(srv, '/nope.html');
  ok(none.status === 404 && isJson(none) && tryJson(none.body)?.error?.code === 'not_found',
    'a file outside the allowlist is 404 with a JSON error', none.body);
}

// hostile: [description, request target, expected status, extra headers]
const hostile = [
  ['traversal /static/../../etc/passwd', '/static/../../etc/passwd', 404],
  ['traversal /../../etc/passwd', '/../../etc/passwd', 404],
  ['encoded traversal /%2e%2e/%2e%2e/etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', 404],
  ['encoded slash /..%2f..%2fetc%2fpasswd', '/..%2f..%2fetc%2fpasswd', 404],
  ['traversal in a mechanism /api/bench/..%2f..%2fetc', '/api/bench/..%2f..%2fetc', 404],
  ['unknown route /api/nope', '/api/nope', 404],
  ['unknown mechanism /api/bench/nope', '/api/bench/nope', 404],
  ['unknown sweep mechanism /api/sweep/nope', '/api/sweep/nope?sizes=64', 404],
  ['unknown demo /api/demos/nope', '/api/demos/nope', 404],
  ['unknown run /api/runs/r999999', '/api/runs/r999999', 404],
  ['size=0', '/api/bench/pipe?size=0', 400, 'size'],
  ['size=1e9', '/api/bench/pipe?size=1e9', 400, 'size'],
  ['size=-1', '/api/bench/pipe?size=-1', 400, 'size'],
  ['size=100M (over 64M)', '/api/bench/pipe?size=100M', 400, 'size'],
  ['reps=0', '/api/bench/pipe?reps=0', 400, 'reps'],
  ['reps=101', '/api/bench/pipe?reps=101', 400, 'reps'],
  ['reps=5x (junk suffix)', '/api/bench/pipe?reps=5x', 400, 'reps'],
  ['empty reps=', '/api/bench/pipe?reps=', 400, 'reps'],
  ['duplicated reps=1&reps=2', '/api/bench/pipe?reps=1&reps=2', 400, 'reps'],
  ['duplicated identical size=64&size=64', '/api/bench/pipe?size=64&size=64', 400, 'size'],
  ['unknown param bogus=1', '/api/bench/pipe?bogus=1', 400, 'bogus'],
  ['CLI-only format=json', '/api/bench/pipe?format=json', 400, 'format'],
  ['mode=fast', '/api/bench/pipe?mode=fast', 400, 'mode'],
  ['pin=7,9', '/api/bench/pipe?pin=7,9', 400, 'pin'],
  ['count=99999999999999999999 (overflow)', '/api/bench/pipe?count=99999999999999999999', 400, 'count'],
  ['sync on pipe', '/api/bench/pipe?sync=sem', 400, 'sync'],
  ['compare with an unknown mechanism', '/api/compare?mechanisms=pipe,nope', 400, 'mechanisms'],
  ['sweep without sizes', '/api/sweep/pipe', 400, 'sizes'],
  ['sweep with sizes=0', '/api/sweep/pipe?sizes=64,0', 400, 'sizes'],
];

async function hostileRequests(srv) {
  for (const [desc, target, want, param] of hostile) {
    const r = await rawGet(srv, target);
    const j = tryJson(r.body);
    const good = r.status === want && j?.error?.code && (!param || j.error.param === param);
    ok(good, `${desc} -> ${want}${param ? ` naming '${param}'` : ''}`, `${r.status} ${r.body.slice(0, 200)}`);
  }
  const passwd = await rawGet(srv, '/static/../../etc/passwd');
  ok(!/root:/.test(passwd.body), 'no traversal reads /etc/passwd');

  const long = await rawGet(srv, `/api/bench/pipe?size=${'9'.repeat(20000)}`);
  ok(long.status === 414, 'a 20 KB query -> 414', long.status);
  const huge = await rawGet(srv, `/api/bench/pipe?x=${'a'.repeat(100000)}`);
  ok(huge.status === 414, 'a 100 KB URL -> 414', huge.status);
  const many = await rawGet(srv, `/api/bench/pipe?${Array.from({ length: 40 }, (_, i) => `p${i}=1`).join('&')}`);
  ok(many.status === 400, '40 parameters -> 400', many.status);
  const big = await rawGet(srv, '/api/health', { 'X-Big': 'a'.repeat(40000) });
  ok(big.status === 431 || big.status === 413, 'a 40 KB header -> 431', big.status);

  const hosts = [['evil.example', 421], [`evil.example:${srv.port}`, 421], ['127.0.0.1.evil.example', 421],
    ['10.1.2.3', 421], ['localhost', 200], [`localhost:${srv.port}`, 200], [`[::1]:${srv.port}`, 200],
    [`127.0.0.1:${srv.port}`, 200], [`LOCALHOST:${srv.port}`, 200], ['localhost:abc', 421]];
  for (const [host, want] of hosts) {
    const r = await rawGet(srv, '/api/health', { Host: host });
    ok(r.status === want && (want !== 421 || tryJson(r.body)?.error?.code === 'host_not_allowed'),
      `Host: ${host} -> ${want}`, r.status);
  }
  const noHost = await raw(srv, 'GET /api/health HTTP/1.0\r\n\r\n');
  ok(noHost.status === 421, 'no Host header (HTTP/1.0) -> 421', noHost.status);
  const rebinding = await rawGet(srv, '/api/bench/pipe?count=100&reps=1', { Host: 'attacker.example' });
  ok(rebinding.status === 421, 'a run from a rebound host name -> 421 (no run started)', rebinding.status);

  const xs = await rawGet(srv, '/api/bench/pipe?count=100&reps=1', { 'Sec-Fetch-Site': 'cross-site' });
  ok(xs.status === 403 && tryJson(xs.body)?.error?.code === 'cross_site', 'Sec-Fetch-Site: cross-site on a run -> 403', xs.status);
  const xc = await rawGet(srv, '/api/compare?mechanisms=pipe', { 'Sec-Fetch-Site': 'cross-site' });
  ok(xc.status === 403, 'Sec-Fetch-Site: cross-site on compare -> 403', xc.status);
  const so = await rawGet(srv, '/api/mechanisms', { 'Sec-Fetch-Site': 'cross-site' });
  ok(so.status === 200, 'a cross-site read of the catalogue is still served', so.status);

  for (const [method, target] of [['POST', '/api/health'], ['POST', '/api/bench/pipe'], ['DELETE', '/api/runs'],
    ['PUT', '/'], ['HEAD', '/api/bench/pipe'], ['OPTIONS', '/api/compare']]) {
    const r = await raw(srv, `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    const allow = (r.head.match(/^allow: (.*)$/im) || [])[1];
    ok(r.status === 405 && !!allow && /GET/.test(allow), `${method} ${target} -> 405 with Allow`, `${r.status} ${allow}`);
  }

  const runs = tryJson((await get(srv, '/api/runs')).body);
  ok(Array.isArray(runs) && runs.length === 0, 'none of the refused requests started a run', runs);
}

// staticDir: --static-dir serves the table's names from disk, nothing else
async function staticDir(results) {
  const dir = tmpdir('static');
  fs.writeFileSync(path.join(dir, 'index.html'), '<html><body>from disk v1</body></html>');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'not in the table');
  const srv = await startServer(['--results-dir', results, '--static-dir', dir]);
  try {
    const a = await get(srv, '/');
    ok(a.status === 200 && /from disk v1/.test(a.body), '--static-dir serves index.html from disk', a.body.slice(0, 80));
    fs.writeFileSync(path.join(dir, 'index.html'), '<html><body>from disk v2</body></html>');
    const b = await get(srv, '/', { headers: { 'If-None-Match': a.headers.get('etag') || '"x"' } });
    ok(b.status === 200 && /v2/.test(b.body) && b.headers.get('etag') !== a.headers.get('etag'),
      'an edited file is served again with a new ETag', [b.status, b.headers.get('etag')]);
    const c = await get(srv, '/secret.txt');
    ok(c.status === 404, 'a file on disk but not in the table is 404', c.status);
    const d = await get(srv, '/chart.umd.js');
    ok(d.status === 404, 'a table file missing from --static-dir is 404', d.status);
  } finally {
    await stopServer(srv);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function options() {
  const run = (args) => spawnSync(BIN, ['serve', ...args], { encoding: 'utf8', timeout: 10000 });
  const h = run(['--help']);
  ok(h.status === 0 && /--max-run-seconds/.test(h.stdout), 'serve --help prints the options and exits 0', h.status);
  for (const args of [['--port', 'abc'], ['--port', '70000'], ['--queue', '-1'], ['--max-run-seconds', '0'],
    ['--bogus'], ['--static-dir', '/nonexistent-ipcscope-dir'], ['--bind', 'not-an-address', '--port', '0']]) {
    const r = run(args);
    ok(r.status === 2, `serve ${args.join(' ')} is refused`, [r.status, r.stderr]);
  }
}

async function main() {
  const results = tmpdir('routes');
  let srv;
  try {
    srv = await startServer(['--results-dir', results]);
    ok(true, `server started on port ${srv.port}`);
    await catalogues(srv);
    await staticFiles(srv);
    await hostileRequests(srv);
    const st = await stopServer(srv);
    ok(st && st.code === 0, 'SIGTERM stops the server with status 0', st);
    await staticDir(results);
    options();
  } catch (e) {
    ok(false, 'routes suite ran to the end', String(e.stack || e));
    if (srv) note(srv.stderr);
  } finally {
    killAll();
    fs.rmSync(results, { recursive: true, force: true });
  }
  process.exitCode = done() ? 0 : 1;
}

main();
