// lib.mjs -- helpers for the API tests: TAP output, a real server on a free port,
// bounded requests, NDJSON streams with arrival times, process and object checks
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const BIN = process.env.IPCSCOPE;
// runs remember the platform in a cache directory: tests/run.sh gives them
// one of its own; run alone, a suite's runs get one that cannot be made
process.env.IPCSCOPE_CACHE_DIR ||= '/dev/null/no-cache';
if (!BIN) {
  console.log('not ok 1 - IPCSCOPE must name the ipcscope binary');
  process.exit(1);
}

let n = 0;
let failed = 0;

// ok: one TAP line; extra is printed as a comment when the check fails
export function ok(cond, desc, extra) {
  n += 1;
  if (cond) {
    console.log(`ok ${n} - ${desc}`);
  } else {
    failed += 1;
    console.log(`not ok ${n} - ${desc}`);
    if (extra !== undefined) note(typeof extra === 'string' ? extra : JSON.stringify(extra));
  }
  return !!cond;
}

export function note(s) {
  for (const line of String(s).split('\n')) console.log(`# ${line.slice(0, 400)}`);
}

export function done() {
  console.log(`1..${n}`);
  return failed === 0;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function tmpdir(tag) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ipcscope-apitest-${tag}-`));
}

const servers = new Set();

// startServer: `ipcscope serve --port 0 ARGS`, resolved once it prints its port;
// wrap is a command that execs it (e.g. ['prlimit', '--fsize=2048', '--'])
export function startServer(args = [], timeoutMs = 10000, wrap = []) {
  return new Promise((resolve, reject) => {
    const [cmd, ...argv] = [...wrap, BIN, 'serve', '--port', '0', ...args];
    const proc = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    const srv = { proc, stderr: '', exited: null };
    servers.add(srv);
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${srv.stderr}`)), timeoutMs);
    proc.stderr.on('data', (d) => { srv.stderr += d; });
    proc.on('exit', (code, sig) => {
      srv.exited = { code, sig };
      servers.delete(srv);
      clearTimeout(timer);
      reject(new Error(`server exited (${code}, ${sig}): ${srv.stderr}`));
    });
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/serving on http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m && !srv.port) {
        clearTimeout(timer);
        srv.port = Number(m[1]);
        srv.base = `http://127.0.0.1:${srv.port}`;
        resolve(srv);
      }
    });
  });
}

// stopServer: SIGTERM, then the exit status ({code, sig}) or null after timeoutMs
export async function stopServer(srv, timeoutMs = 8000) {
  if (srv.exited) return srv.exited;
  const exited = new Promise((r) => srv.proc.once('exit', (code, sig) => r({ code, sig })));
  srv.proc.kill('SIGTERM');
  const res = await Promise.race([exited, sleep(timeoutMs).then(() => null)]);
  if (!res) srv.proc.kill('SIGKILL');
  return res;
}

// killAll: last resort at exit, for servers a failed test left running
export function killAll() {
  for (const s of servers) {
    try { s.proc.kill('SIGKILL'); } catch { /* gone */ }
  }
}

// get: a bounded fetch; the body as text, or an error object on timeout
export async function get(srv, url, opts = {}) {
  const res = await fetch(srv.base + url, {
    method: opts.method || 'GET',
    headers: opts.headers || {},
    signal: AbortSignal.timeout(opts.timeout || 10000),
  });
  const body = await res.text();
  return { status: res.status, headers: res.headers, body };
}

export function tryJson(s) {
  try { return JSON.parse(s); } catch { return undefined; }
}

// raw: one HTTP request written byte for byte (no URL normalisation, any Host)
export function raw(srv, text, timeoutMs = 5000) {
  return new Promise((resolve) => {
    const sock = net.connect(srv.port, '127.0.0.1');
    let data = '';
    const timer = setTimeout(() => { sock.destroy(); resolve({ status: 0, head: '', body: data }); }, timeoutMs);
    sock.on('data', (d) => { data += d; });
    sock.on('error', () => {});
    sock.on('close', () => {
      clearTimeout(timer);
      const i = data.indexOf('\r\n\r\n');
      const head = i >= 0 ? data.slice(0, i) : data;
      const m = head.match(/^HTTP\/1\.[01] (\d{3})/);
      resolve({ status: m ? Number(m[1]) : 0, head, body: i >= 0 ? data.slice(i + 4) : '' });
    });
    sock.write(text);
  });
}

export function rawGet(srv, target, headers = {}) {
  const h = { Host: `127.0.0.1:${srv.port}`, Connection: 'close', ...headers };
  const lines = Object.entries(h).filter(([, v]) => v !== null).map(([k, v]) => `${k}: ${v}`);
  return raw(srv, `GET ${target} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
}

// stream: reads an NDJSON response line by line with arrival times (ms since
// the request); stops at the end of the body, at timeoutMs, or when
// onLine returns 'abort' (the connection is then dropped)
export async function stream(srv, url, { timeout = 20000, onLine, headers } = {}) {
  const ac = new AbortController();
  const t0 = performance.now();
  const timer = setTimeout(() => ac.abort(), timeout);
  const out = { status: 0, lines: [], times: [], headers: null, aborted: false, error: null };
  try {
    const res = await fetch(srv.base + url, { signal: ac.signal, headers: headers || {} });
    out.status = res.status;
    out.headers = res.headers;
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) break;
      buf += dec.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        out.lines.push(tryJson(line) ?? { unparsable: line });
        out.times.push(performance.now() - t0);
        if (onLine && (await onLine(out.lines.at(-1), out)) === 'abort') {
          out.aborted = true;
          ac.abort();
          return out;
        }
      }
    }
    if (buf.length) out.lines.push({ unparsable: buf });
  } catch (e) {
    out.error = String(e);
  } finally {
    clearTimeout(timer);
  }
  return out;
}

// endOk: exactly one end line, and it is the last one
export function oneEndLast(lines) {
  const ends = lines.filter((l) => l.type === 'end');
  return ends.length === 1 && lines.at(-1).type === 'end';
}

// procs: every process as {pid, ppid, pgid, state}
export function procs() {
  const list = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const rest = st.slice(st.lastIndexOf(')') + 2).split(' ');
      list.push({ pid: Number(d), state: rest[0], ppid: Number(rest[1]), pgid: Number(rest[2]) });
    } catch { /* gone */ }
  }
  return list;
}

// descendants: pids below pid (children, grandchildren, ...)
export function descendants(pid) {
  const all = procs();
  const out = [];
  let frontier = [pid];
  while (frontier.length) {
    const next = all.filter((p) => frontier.includes(p.ppid)).map((p) => p.pid);
    out.push(...next);
    frontier = next;
  }
  return out;
}

// startOf: when pid started (clock ticks after boot, field 22 of
// /proc/PID/stat), or null when no such process runs or it is a zombie
export function startOf(pid) {
  try {
    const st = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = st.slice(st.lastIndexOf(')') + 2).split(' ');
    return rest[0] === 'Z' ? null : rest[19];
  } catch {
    return null;
  }
}

// mark: the running processes among pids, each with its start time, so
// that a later look tells one of them from a process given its pid since
export const mark = (pids) => pids.map((pid) => ({ pid, start: startOf(pid) })).filter((m) => m.start !== null);

// living: the marked processes still running: the same pid with the same
// start time (a pid freed and taken by someone else's process is not one)
export const living = (marks) => marks.filter((m) => startOf(m.pid) === m.start);

// killMarked: SIGKILL to each marked process still living, and to no
// process that took over one of their pids
export function killMarked(marks) {
  for (const m of living(marks)) {
    try { process.kill(m.pid, 'SIGKILL'); } catch { /* gone meanwhile */ }
  }
}

export const inGroup = (pgid) => procs().filter((p) => p.pgid === pgid).map((p) => p.pid);

// waitFor: polls cond every 50 ms until it holds or ms pass; its last value
export async function waitFor(cond, ms) {
  const until = performance.now() + ms;
  for (;;) {
    const v = await cond();
    if (v || performance.now() > until) return v;
    await sleep(50);
  }
}

// runBases: the private directories of this user that hold run directories
// ("$TMPDIR/ipcscope.<uid>", then ".1" .. where another user took the name)
export function runBases() {
  const root = os.tmpdir();
  const first = `ipcscope.${process.geteuid()}`;
  let names = [];
  try { names = fs.readdirSync(root); } catch { return []; }
  return names.filter((n) => n === first || n.startsWith(`${first}.`)).map((n) => path.join(root, n));
}

// objectsOf: kernel objects (shm, mqueue, SysV queues, temp dirs) naming or
// last used by one of pids
export function objectsOf(pids) {
  const set = new Set(pids.map(String));
  const named = (name) => (name.match(/\d+/g) || []).some((x) => set.has(x));
  const found = [];
  for (const dir of ['/dev/shm', '/dev/mqueue', ...runBases()]) {
    let names = [];
    try { names = fs.readdirSync(dir); } catch { continue; }
    for (const f of names) if (/ipcscope/.test(f) && !/apitest/.test(f) && named(f)) found.push(`${dir}/${f}`);
  }
  try {
    const rows = fs.readFileSync('/proc/sysvipc/msg', 'utf8').trim().split('\n').slice(1);
    for (const r of rows) {
      const c = r.trim().split(/\s+/);
      if (set.has(c[5]) || set.has(c[6])) found.push(`sysv-mq ${c[1]}`);
    }
  } catch { /* no SysV IPC */ }
  return found;
}
