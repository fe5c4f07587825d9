// hostile.test.mjs -- a catalogue of hostile requests, each answered with its
// documented status, one status line and a JSON error in valid UTF-8; then
// the same-origin rule, security headers, the per-client run limit, slow
// heads, the per-address connection cap, and a server still healthy after it all
import net from 'node:net';
import {
  descendants, done, get, killAll, note, ok, sleep, startServer, stopServer, stream, tmpdir,
  tryJson, waitFor,
} from './lib.mjs';
import fs from 'node:fs';

const HEAD_TIMEOUT_MS = 10000;       // GATE_HEAD_TIMEOUT_S
const PER_IP = 32;                   // GATE_PER_IP
const CSP = "default-src 'self'; frame-ancestors 'none'";
const utf8 = new TextDecoder('utf-8', { fatal: true });

// send: raw bytes to the server; the answer as {status, statusLines, head, body (Buffer)}
function send(srv, text, timeoutMs = 5000) {
  return new Promise((resolve) => {
    const sock = net.connect(srv.port, '127.0.0.1');
    const chunks = [];
    const timer = setTimeout(() => sock.destroy(), timeoutMs);
    sock.on('data', (d) => chunks.push(d));
    sock.on('error', () => {});
    sock.on('close', () => {
      clearTimeout(timer);
      const all = Buffer.concat(chunks);
      const i = all.indexOf('\r\n\r\n');
      const head = (i >= 0 ? all.subarray(0, i) : all).toString('latin1');
      const m = head.match(/^HTTP\/1\.[01] (\d{3})/);
      resolve({
        status: m ? Number(m[1]) : 0,
        statusLines: (all.toString('latin1').match(/(^|\r\n)HTTP\/1\.[01] \d{3}/g) || []).length,
        head,
        body: i >= 0 ? all.subarray(i + 4) : Buffer.alloc(0),
      });
    });
    sock.write(Buffer.from(text, 'latin1'));
  });
}

const request = (srv, target, headers = {}, method = 'GET') => {
  const h = { Host: `127.0.0.1:${srv.port}`, Connection: 'close', ...headers };
  const lines = Object.entries(h).filter(([, v]) => v !== null).map(([k, v]) => `${k}: ${v}`);
  return `${method} ${target} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
};

const many = (n) => Array.from({ length: n }, (_, i) => `p${i}=1`).join('&');
const RUN = '/api/bench/pipe?count=100&reps=1';

// [description, request (a target, or a function of srv giving the raw text), status, code]
function catalogue(port) {
  const self = `127.0.0.1:${port}`;
  const r = (target, headers, method) => (srv) => request(srv, target, headers, method);
  const text = (t) => () => t;
  return [
    ['traversal /static/../../etc/passwd', '/static/../../etc/passwd', 404, 'not_found'],
    ['traversal /../../etc/passwd', '/../../etc/passwd', 404, 'not_found'],
    ['encoded dots /%2e%2e/%2e%2e/etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', 404, 'not_found'],
    ['encoded slashes /..%2f..%2fetc%2fpasswd', '/..%2f..%2fetc%2fpasswd', 404, 'not_found'],
    ['double-encoded /%252e%252e/etc/passwd', '/%252e%252e/etc/passwd', 404, 'not_found'],
    ['backslashes /..%5c..%5cetc%5cpasswd', '/..%5c..%5cetc%5cpasswd', 404, 'not_found'],
    ['overlong UTF-8 dots /%c0%ae%c0%ae/etc/passwd', '/%c0%ae%c0%ae/etc/passwd', 404, 'not_found'],
    ['traversal in a mechanism name', '/api/bench/..%2f..%2fetc', 404, 'not_found'],
    ['traversal in a run id', '/api/runs/..%2f..%2fetc%2fpasswd', 404, 'not_found'],
    ['plain traversal below /api/runs', '/api/runs/../../etc/passwd', 404, 'not_found'],
    ['a path below a file /index.html/..', '/index.html/..', 404, 'not_found'],
    ['a double slash //etc/passwd', '//etc/passwd', 404, 'not_found'],
    ['NUL in a path /api/health%00junk', '/api/health%00junk', 400, 'nul_byte'],
    ['NUL in a mechanism /api/bench/pipe%00xyz', '/api/bench/pipe%00xyz', 400, 'nul_byte'],
    ['NUL in a size size=64K%00', '/api/bench/pipe?size=64K%00', 400, 'nul_byte'],
    ['NUL in reps=1%00000', '/api/bench/pipe?reps=1%00000', 400, 'nul_byte'],
    ['NUL in mode=latency%00x', '/api/bench/pipe?mode=latency%00x', 400, 'nul_byte'],
    ['NUL in a parameter name', '/api/bench/pipe?si%00ze=64', 400, 'nul_byte'],
    ['invalid UTF-8 in a mechanism', '/api/bench/%ff%fe', 404, 'not_found'],
    ['invalid UTF-8 in a value', '/api/bench/pipe?size=%ff', 400, 'bad_param'],
    ['invalid UTF-8 in a name', '/api/bench/pipe?%ff%fe=1', 400, 'bad_param'],
    ['a cut UTF-8 sequence in a demo name', '/api/demos/%e2%82', 404, 'not_found'],
    ['raw bytes over 0x7f in a path', '/api/bench/\xff\xfe', 404, 'not_found'],
    ['size=0', '/api/bench/pipe?size=0', 400, 'bad_param'],
    ['size=100M', '/api/bench/pipe?size=100M', 400, 'bad_param'],
    ['reps=0', '/api/bench/pipe?reps=0', 400, 'bad_param'],
    ['reps=101', '/api/bench/pipe?reps=101', 400, 'bad_param'],
    ['reps=5x', '/api/bench/pipe?reps=5x', 400, 'bad_param'],
    ['reps= (empty)', '/api/bench/pipe?reps=', 400, 'bad_param'],
    ['duplicate size=1&size=2', '/api/bench/pipe?size=1&size=2', 400, 'bad_param'],
    ['unknown parameter foo=1', '/api/bench/pipe?foo=1', 400, 'bad_param'],
    ['format= (CLI only)', '/api/bench/pipe?format=json', 400, 'bad_param'],
    ['mode=nope', '/api/bench/pipe?mode=nope', 400, 'bad_param'],
    ['count=-1', '/api/bench/pipe?count=-1', 400, 'bad_param'],
    ['duration=1e9', '/api/bench/pipe?duration=1e9', 400, 'bad_param'],
    ['40 parameters', `/api/bench/pipe?${many(40)}`, 400, 'bad_param'],
    ['600 parameters', `/api/bench/pipe?${many(600)}`, 414, 'uri_too_long'],
    ['a 20 KB query', `/api/bench/pipe?size=${'9'.repeat(20000)}`, 414, 'uri_too_long'],
    ['a 100 KB URL', `/api/bench/pipe?x=${'a'.repeat(100000)}`, 414, 'uri_too_long'],
    ['a 40 KB header', r('/api/health', { 'X-Big': 'a'.repeat(40000) }), 431, 'headers_too_large'],
    ['two Host headers', text(`GET /api/health HTTP/1.1\r\nHost: ${self}\r\nHost: evil.example\r\n\r\n`), 400, 'bad_host'],
    ['Host: evil.example', r('/api/health', { Host: 'evil.example' }), 421, 'host_not_allowed'],
    ['Host: 127.0.0.1.evil.example', r('/api/health', { Host: '127.0.0.1.evil.example' }), 421, 'host_not_allowed'],
    ['Host: localhost:abc', r('/api/health', { Host: 'localhost:abc' }), 421, 'host_not_allowed'],
    ['no Host in HTTP/1.1', text('GET /api/health HTTP/1.1\r\nConnection: close\r\n\r\n'), 421, 'host_not_allowed'],
    ['a run from Origin: http://evil.example', r(RUN, { Origin: 'http://evil.example' }), 403, 'cross_site'],
    ['a run from Origin: null', r(RUN, { Origin: 'null' }), 403, 'cross_site'],
    ['a run with Sec-Fetch-Site: cross-site', r(RUN, { 'Sec-Fetch-Site': 'cross-site' }), 403, 'cross_site'],
    ['a run with Sec-Fetch-Site: same-site', r(RUN, { 'Sec-Fetch-Site': 'same-site' }), 403, 'cross_site'],
    ['a run from another port of this host', r(RUN, { Origin: `http://127.0.0.1:${port + 1}` }), 403, 'cross_site'],
    ['a run from localhost while Host is 127.0.0.1', r(RUN, { Origin: `http://localhost:${port}` }), 403, 'cross_site'],
    ['a run from https: of this host', r(RUN, { Origin: `https://${self}` }), 403, 'cross_site'],
    ['a compare from another origin', r('/api/compare?mechanisms=pipe', { Origin: 'http://evil.example' }), 403, 'cross_site'],
    ['a demo from another origin', r('/api/demos/sync-tax', { Origin: 'http://evil.example' }), 403, 'cross_site'],
    ['POST /api/health', r('/api/health', { 'Content-Length': '0' }, 'POST'), 405, 'method_not_allowed'],
    ['POST /api/bench/pipe', r('/api/bench/pipe', { 'Content-Length': '0' }, 'POST'), 405, 'method_not_allowed'],
    ['DELETE /api/runs', r('/api/runs', {}, 'DELETE'), 405, 'method_not_allowed'],
    ['PUT /', r('/', { 'Content-Length': '0' }, 'PUT'), 405, 'method_not_allowed'],
    ['HEAD of a run (no body, as HEAD has none)', r('/api/bench/pipe', {}, 'HEAD'), 405, null],
    ['OPTIONS /api/compare', r('/api/compare', {}, 'OPTIONS'), 405, 'method_not_allowed'],
    ['PATCH /api/runs/r1', r('/api/runs/r1', {}, 'PATCH'), 405, 'method_not_allowed'],
    ['TRACE /', r('/', {}, 'TRACE'), 405, 'method_not_allowed'],
    ['Content-Length: -1', r('/api/health', { 'Content-Length': '-1' }), 400, 'bad_request'],
    ['Content-Length: abc', r('/api/health', { 'Content-Length': 'abc' }), 400, 'bad_request'],
    ['two Content-Length', text(`GET /api/health HTTP/1.1\r\nHost: ${self}\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n`), 400, 'bad_request'],
    ['Content-Length: 99999999999999999999999', r('/api/health', { 'Content-Length': '99999999999999999999999' }), 400, 'body_not_accepted'],
    ['Content-Length: 18446744073709551615', r('/api/health', { 'Content-Length': '18446744073709551615' }), 400, 'body_not_accepted'],
    ['a GET with a body', text(`GET /api/health HTTP/1.1\r\nHost: ${self}\r\nContent-Length: 5\r\n\r\nhello`), 400, 'body_not_accepted'],
    ['a run with a body', text(`GET ${RUN} HTTP/1.1\r\nHost: ${self}\r\nContent-Length: 2\r\n\r\n{}`), 400, 'body_not_accepted'],
    ['Expect: 100-continue', r('/api/health', { Expect: '100-continue', 'Content-Length': '0' }), 417, 'expect_not_accepted'],
    ['1000 header lines (8 KB)', text(`GET /api/health HTTP/1.1\r\nHost: ${self}\r\n${'X-A: b\r\n'.repeat(1000)}\r\n`), 431, 'headers_too_large'],
    ['101 header lines', text(`GET /api/health HTTP/1.1\r\nHost: ${self}\r\n${'X-A: b\r\n'.repeat(100)}\r\n`), 431, 'headers_too_large'],
    ['Transfer-Encoding: chunked', r('/api/health', { 'Transfer-Encoding': 'chunked' }), 400, 'body_not_accepted'],
    ['HTTP/2.0 on the request line', text(`GET /api/health HTTP/2.0\r\nHost: ${self}\r\n\r\n`), 505, 'http_version'],
    ['an HTTP/0.9 request line', text('GET /api/health\r\n\r\n'), 400, 'bad_request'],
    ['a garbage request line', text('HELLO\r\n\r\n'), 400, 'bad_request'],
    ['a folded header line', text(`GET /api/health HTTP/1.1\r\nHost: ${self}\r\nX-A: 1\r\n  folded\r\n\r\n`), 400, 'bad_request'],
    ['a header line without a colon', text(`GET /api/health HTTP/1.1\r\nHost: ${self}\r\nnocolon\r\n\r\n`), 400, 'bad_request'],
    ['an absolute-form target', text(`GET http://evil.example/ HTTP/1.1\r\nHost: ${self}\r\n\r\n`), 400, 'bad_request'],
    ['an asterisk target', text(`OPTIONS * HTTP/1.1\r\nHost: ${self}\r\n\r\n`), 400, 'bad_request'],
    ['a control byte in the target', text(`GET /api/\x01health HTTP/1.1\r\nHost: ${self}\r\n\r\n`), 400, 'bad_request'],
    ['unknown route /api/nope', '/api/nope', 404, 'not_found'],
    ['unknown run /api/runs/r999999', '/api/runs/r999999', 404, 'not_found'],
    ['an overlong run id', `/api/runs/r${'1'.repeat(100)}`, 404, 'not_found'],
    ['an empty mechanism /api/bench/', '/api/bench/', 404, 'not_found'],
    ['a segment past the mechanism', '/api/bench/pipe/extra', 404, 'not_found'],
    ['unknown mechanism /api/bench/nope', '/api/bench/nope', 404, 'not_found'],
    ['unknown sweep mechanism', '/api/sweep/nope?sizes=64', 404, 'not_found'],
  ];
}

async function hostileCatalogue(srv) {
  const list = catalogue(srv.port);
  ok(list.length >= 60, `the catalogue holds ${list.length} hostile requests`);
  for (const [desc, req, want, code] of list) {
    const raw = typeof req === 'function' ? req(srv) : request(srv, req);
    const a = await send(srv, raw);
    let body;
    try { body = utf8.decode(a.body); } catch { body = undefined; }
    const j = body !== undefined ? tryJson(body) : undefined;
    const json = code === null ? a.body.length === 0 : j?.error?.code === code && typeof j.error.message === 'string';
    const good = a.status === want && a.statusLines === 1 && /content-type: application\/json/i.test(a.head) && json;
    ok(good, `${desc} -> ${want} ${code || ''}`, `${a.status} x${a.statusLines} ${a.body.toString('latin1').slice(0, 200)}`);
  }
}

// limitsServed: what is just inside the head limits is served, at once
async function limitsServed(srv) {
  const self = `127.0.0.1:${srv.port}`;
  const t0 = performance.now();
  const a = await send(srv, `GET /api/health HTTP/1.1\r\nHost: ${self}\r\n${`X-A: ${'b'.repeat(200)}\r\n`.repeat(98)}Connection: close\r\n\r\n`);
  ok(a.status === 200 && a.statusLines === 1, 'a head of 100 header lines (20 KB) is served', [a.status, a.head.slice(0, 80)]);
  const z = await send(srv, `GET /api/health HTTP/1.1\r\nHost: ${self}\r\nContent-Length: 000\r\nConnection: close\r\n\r\n`);
  ok(z.status === 200, 'Content-Length: 0 (an empty body) is served', [z.status, z.head.slice(0, 80)]);
  const ms = performance.now() - t0;
  ok(ms < 2000, 'both at once', ms);
}

// onOne: requests written one after another on one connection, each after
// the answer to the last (or all at once with pipelined); everything the
// server sent until it closed or timeoutMs passed, and whether it closed
function onOne(srv, texts, { pipelined = false, timeoutMs = 4000 } = {}) {
  return new Promise((resolve) => {
    const sock = net.connect(srv.port, '127.0.0.1');
    const chunks = [];
    let next = 0;
    let closed = false;
    const t0 = performance.now();
    const timer = setTimeout(() => sock.destroy(), timeoutMs);
    const answers = () => (Buffer.concat(chunks).toString('latin1').match(/(^|\r\n\r\n|})HTTP\/1\.1 \d{3}/g) || []).length;
    const send = () => {
      if (pipelined) { sock.write(Buffer.from(texts.join(''), 'latin1')); next = texts.length; return; }
      if (next < texts.length) sock.write(Buffer.from(texts[next++], 'latin1'));
    };
    sock.on('connect', send);
    sock.on('data', (d) => {
      chunks.push(d);
      if (!pipelined && answers() === next) setTimeout(send, 50);
    });
    sock.on('error', () => {});
    sock.on('close', () => {
      closed = performance.now() - t0 < timeoutMs - 50;
      clearTimeout(timer);
      const all = Buffer.concat(chunks).toString('latin1');
      const heads = all.split(/(?=HTTP\/1\.1 \d{3} )/).filter((x) => x.startsWith('HTTP/1.1'));
      resolve({ all, closed, ms: performance.now() - t0, answers: heads.map((h) => ({
        status: Number(h.slice(9, 12)),
        close: /\r\nconnection: close/i.test(h.split('\r\n\r\n')[0]),
        json: /content-type: application\/json/i.test(h.split('\r\n\r\n')[0]),
        body: h.split('\r\n\r\n').slice(1).join('\r\n\r\n'),
      })) });
    });
  });
}

// keptConnections: a connection is kept between requests, and each next
// head on it is judged as the first is: ipcscope's JSON, never
// libmicrohttpd's own answer
async function keptConnections(srv) {
  const self = `127.0.0.1:${srv.port}`;
  const get1 = (target, extra = '') => `GET ${target} HTTP/1.1\r\nHost: ${self}\r\n${extra}\r\n`;
  const a = await onOne(srv, [get1('/api/health'), get1('/api/mechanisms'), get1('/api/health', 'Connection: close\r\n')]);
  ok(a.answers.length === 3 && a.answers.every((x) => x.status === 200) && !a.answers[0].close && !a.answers[1].close &&
    a.answers[2].close && a.closed, 'three requests on one kept connection, the last asking to close', a.answers.map((x) => [x.status, x.close]));
  const hostile = [
    ['a body', get1('/api/health', 'Content-Length: 5\r\n') + 'hello', 400, 'body_not_accepted'],
    ['Content-Length: 99999999999999999999999', get1('/api/health', 'Content-Length: 99999999999999999999999\r\n'), 400, 'body_not_accepted'],
    ['Expect: 100-continue', get1('/api/health', 'Expect: 100-continue\r\n'), 417, 'expect_not_accepted'],
    ['1000 header lines', get1('/api/health', 'X-A: b\r\n'.repeat(1000)), 431, 'headers_too_large'],
    ['%00 in the URL', get1('/api/health%00x'), 400, 'nul_byte'],
    ['two Host headers', get1('/api/health', 'Host: evil.example\r\n'), 400, 'bad_host'],
  ];
  for (const [desc, text, status, code] of hostile) {
    const r = await onOne(srv, [get1('/api/health'), text]);
    const second = r.answers[1];
    ok(r.answers.length === 2 && r.answers[0].status === 200 && second?.status === status && second.json &&
      tryJson(second.body)?.error?.code === code && r.closed,
    `${desc} as the second request of a kept connection -> ${status} ${code}, then closed`, [r.answers.map((x) => x.status), r.all.slice(-300)]);
  }
  // pipelined: the second head reaches the server before the first answer
  const p = await onOne(srv, [get1('/api/health'), get1('/api/health', 'Content-Length: 99999999999999999999999\r\n')], { pipelined: true });
  ok(p.answers.length >= 1 && p.answers[0].status === 200 && p.closed &&
    p.answers.slice(1).every((x) => x.json && x.status === 400) && !/<html/i.test(p.all),
  'a hostile head pipelined behind a good one never gets libmicrohttpd\'s answer', [p.answers.map((x) => [x.status, x.close]), p.all.slice(0, 300)]);
  const q = await onOne(srv, [get1('/api/health'), get1('/api/health')], { pipelined: true });
  ok(q.answers.length >= 1 && q.answers.every((x) => x.status === 200) && q.closed,
    'two good pipelined requests: answered, or the first with Connection: close', q.answers.map((x) => [x.status, x.close]));
}

// keptSlowHead: the second head on a kept connection trickled a byte a second
function keptSlowHead(srv) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const sock = net.connect(srv.port, '127.0.0.1');
    const text = `GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ${'a'.repeat(100)}`;
    let i = 0;
    let data = '';
    let timer;
    let t1 = 0;
    sock.on('connect', () => sock.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
    sock.on('data', (d) => {
      data += d;
      if (!timer) {
        t1 = performance.now();
        timer = setInterval(() => { if (i < text.length) sock.write(text[i++]); }, 1000);
      }
    });
    sock.on('error', () => {});
    sock.on('close', () => { clearInterval(timer); resolve({ ms: performance.now() - (t1 || t0), data }); });
  });
}

async function sameOrigin(srv) {
  const self = `http://127.0.0.1:${srv.port}`;
  const s = await stream(srv, RUN, { headers: { Origin: self, 'Sec-Fetch-Site': 'same-origin' } });
  ok(s.status === 200 && s.lines.at(-1)?.status === 'ok', 'a run from the page\'s own origin is served', [s.status, s.lines.at(-1)]);
  const n = await stream(srv, RUN, { headers: { 'Sec-Fetch-Site': 'none' } });
  ok(n.status === 200, 'a run typed in the address bar (Sec-Fetch-Site: none) is served', n.status);
  const x = await get(srv, '/api/mechanisms', { headers: { Origin: 'http://evil.example' } });
  ok(x.status === 200, 'reading the catalogue from another origin is still allowed', x.status);
}

async function headers(srv) {
  for (const target of ['/', '/api/health', '/api/nope']) {
    const r = await get(srv, target);
    ok(r.headers.get('content-security-policy') === CSP && r.headers.get('x-content-type-options') === 'nosniff' &&
      r.headers.get('referrer-policy') === 'no-referrer' && r.headers.get('x-frame-options') === 'DENY',
    `${target} carries the CSP, nosniff, no-referrer and DENY framing`, [...r.headers.entries()]);
  }
  const s = await stream(srv, RUN);
  ok(s.headers?.get('content-security-policy') === CSP, 'a run\'s NDJSON stream carries the CSP too');
  const page = await get(srv, '/');
  ok(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(page.body) && !/<style|\sstyle=|\son[a-z]+=/i.test(page.body),
    'the page has no inline script, style or handler the CSP would block');
}

async function perClient(dir) {
  const srv = await startServer(['--results-dir', dir, '--queue', '8', '--per-client', '2']);
  const acs = [new AbortController(), new AbortController()];
  try {
    const runs = acs.map((ac) => fetch(`${srv.base}/api/bench/pipe?duration=2&reps=3`, { signal: ac.signal }).catch(() => null));
    await waitFor(async () => tryJson((await get(srv, '/api/health')).body)?.busy === 2, 5000);
    const third = await get(srv, RUN);
    const j = tryJson(third.body);
    ok(third.status === 429 && j?.error?.code === 'client_limit' && third.headers.get('retry-after'),
      'a client with 2 runs queued or running gets 429 client_limit with Retry-After', [third.status, third.body]);
    acs.forEach((ac) => ac.abort());
    await Promise.all(runs);
    const free = await waitFor(async () => tryJson((await get(srv, '/api/health')).body)?.busy === 0, 5000);
    ok(free, 'its runs are cancelled when it leaves');
    const again = await stream(srv, RUN);
    ok(again.status === 200, 'then it may run again', again.status);
  } finally {
    acs.forEach((ac) => ac.abort());
    await stopServer(srv);
  }
}

// slowHead: a client that trickles its head a byte a second
function slowHead(srv) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const sock = net.connect(srv.port, '127.0.0.1');
    const text = `GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ${'a'.repeat(100)}`;
    let i = 0;
    let data = '';
    const timer = setInterval(() => { if (i < text.length) sock.write(text[i++]); }, 1000);
    sock.on('data', (d) => { data += d; });
    sock.on('error', () => {});
    sock.on('close', () => { clearInterval(timer); resolve({ ms: performance.now() - t0, data }); });
  });
}

// perAddress: more idle connections than one address may hold
async function perAddress(srv) {
  const socks = [];
  let closed = 0;
  for (let i = 0; i < PER_IP + 4; i++) {
    const s = net.connect(srv.port, '127.0.0.1');
    s.on('error', () => {});
    s.on('close', () => { closed += 1; });
    socks.push(s);
  }
  await sleep(500);
  ok(closed >= 4, `of ${PER_IP + 4} idle connections from one address, those past ${PER_IP} are closed`, closed);
  for (const s of socks) s.destroy();
  await sleep(200);
}

async function main() {
  const dirs = [tmpdir('hostile'), tmpdir('hostile-client')];
  let srv;
  try {
    srv = await startServer(['--results-dir', dirs[0]]);
    await get(srv, '/api/health');
    const slow = slowHead(srv);
    const keptSlow = keptSlowHead(srv);
    await hostileCatalogue(srv);
    await limitsServed(srv);
    await keptConnections(srv);
    await sameOrigin(srv);
    await headers(srv);
    await perAddress(srv);
    const ks = await keptSlow;
    note(`a second head trickled on a kept connection was answered after ${ks.ms.toFixed(0)} ms`);
    ok(/head_timeout/.test(ks.data) && (ks.data.match(/HTTP\/1\.1 /g) || []).length === 2 && ks.ms < HEAD_TIMEOUT_MS + 2500,
      'a second head trickled on a kept connection gets 408 once its 10 s are up', ks.data.slice(-200));
    const sl = await slow;
    note(`a head trickled a byte a second was answered after ${sl.ms.toFixed(0)} ms`);
    ok(/^HTTP\/1\.1 408/.test(sl.data) && /head_timeout/.test(sl.data) && sl.ms < HEAD_TIMEOUT_MS + 2500,
      'a head trickled a byte a second gets 408 once its 10 s are up', sl.data.slice(0, 100));
    const h = await get(srv, '/api/health');
    ok(h.status === 200 && tryJson(h.body)?.status === 'ok', 'the server is healthy after it all', h.body);
    const s = await stream(srv, RUN);
    ok(s.status === 200 && s.lines.at(-1)?.status === 'ok', 'and still runs benchmarks', s.lines.at(-1));
    ok(await waitFor(() => descendants(srv.proc.pid).length === 0, 2000), 'no run process is left behind');
    const st = await stopServer(srv);
    ok(st?.code === 0, 'and it stops cleanly', st);
    await perClient(dirs[1]);
  } catch (e) {
    ok(false, 'hostile suite ran to the end', String(e.stack || e));
    if (srv) note(srv.stderr);
  } finally {
    killAll();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
  process.exitCode = done() ? 0 : 1;
}

main();
