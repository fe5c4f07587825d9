// node.js -- the node mechanism's two processes: a sender and its child_process.fork child
//
// Embedded in ipcscope (workers/mech/node.c) and written to the run
// directory. The pair is started once per run and serialization:
//   node node.js '{"serialization": "json"}'
// with fd 3 a pipe to ipcscope: the sender writes "ready <child pid>\n".
// Then, for each rep, ipcscope writes one line "go <config json>\n" on fd 4
// (size, mode, count, duration, warmup, verify); the sender hands the
// config to the child, runs the rep, then writes one JSON line of results
// and, in latency mode, the round-trip times as little-endian 64-bit ns.
// At the end of fd 4 both processes exit. Each message is [seq, payload]:
// payload is a string of `size` ASCII letters and digits (serialization
// json) or a Buffer of `size` bytes (advanced); the receiver checks the
// sequence and every payload byte.
'use strict';

const { fork } = require('child_process');
const fs = require('fs');

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const CLOCK_EVERY = 64;              // a stream reads the clock every 64 messages
const CLOCK_EVERY_SIZE = 4096;       // ... or every one from this size on
const STAT_CPU_FIELD = 39;           // proc(5): the CPU the process last ran on

// the settings of the pair (serialization); each rep adds its own
let cfg = JSON.parse(process.argv[2]);
let pat = [];

// pattern: the payload of a message of parity k, as the harness builds it
function pattern(k) {
  const b = Buffer.alloc(cfg.size);
  const json = cfg.serialization !== 'advanced';
  for (let i = 0; i < cfg.size; i++) {
    const v = ((i * 131 + k * 77 + 17) ^ (i >> 9)) & 0xff;
    b[i] = json ? ALPHABET.charCodeAt(v % ALPHABET.length) : v;
  }
  return json ? b.toString('latin1') : b;
}
// setRep: the settings of the next rep, and the payloads they make
function setRep(rep) {
  cfg = Object.assign({ serialization: cfg.serialization }, rep);
  pat = [pattern(0), pattern(1)];
}

function payloadOk(p, seq) {
  const want = pat[seq & 1];
  return typeof want === 'string' ? p === want : Buffer.isBuffer(p) && want.equals(p);
}

function lastCpu() {
  try {
    const s = fs.readFileSync('/proc/self/stat', 'latin1');
    return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[STAT_CPU_FIELD - 3]);
  } catch {
    return -1;
  }
}

// Account: CPU and context switches of this process between mark() and done().
function account() {
  let u0, r0, t0;
  return {
    mark() { t0 = process.hrtime.bigint(); u0 = process.cpuUsage(); r0 = process.resourceUsage(); return t0; },
    done(extra) {
      const t1 = process.hrtime.bigint(), u = process.cpuUsage(u0), r = process.resourceUsage();
      return Object.assign({
        t0: String(t0), t1: String(t1), user_us: u.user, sys_us: u.system,
        vol: r.voluntaryContextSwitches - r0.voluntaryContextSwitches,
        invol: r.involuntaryContextSwitches - r0.involuntaryContextSwitches, cpu: lastCpu(),
      }, extra);
    },
  };
}

// ---- the receiver: the forked child ----------------------------------------

function receiver() {
  const acc = account();
  let v, expected, got;
  process.on('disconnect', () => process.exit(0));
  process.on('message', (m) => {
    if (!Array.isArray(m)) {
      if (m && m.rep) {                    // { rep: config }: a new rep starts
        setRep(m.rep);
        v = { received: 0, lost: 0, duplicated: 0, reordered: 0, corrupted: 0 };
        expected = 0;
        got = 0;
        acc.mark();
        process.send({ set: true });
      } else if (m && m.end) {             // { end: true }: the sender is done
        process.send({ rcv: acc.done(v) });
      }
      return;
    }
    const seq = m[0];
    if (++got === cfg.warmup + 1) acc.mark();
    if (seq === expected) expected++;
    else if (seq > expected) { v.lost += seq - expected; expected = seq + 1; }
    else if (seq === expected - 1) v.duplicated++;
    else v.reordered++;
    if (cfg.verify && !payloadOk(m[1], seq)) v.corrupted++;
    if (got > cfg.warmup) v.received++;
    if (cfg.mode === 'latency') process.send(m);
  });
  process.send({ hello: process.pid });
}

// ---- the sender --------------------------------------------------------------

const out = fs.createWriteStream(null, { fd: 3 });

function report(snd, rcv, rtts) {
  out.write(JSON.stringify({ snd, rcv, nrtt: rtts ? rtts.length : 0 }) + '\n');
  if (rtts) out.write(Buffer.from(rtts.buffer, rtts.byteOffset, rtts.length * 8));
}

// deadlineOf: when a rep that runs for a duration ends (1n: it runs for a count)
function deadlineOf(t0) {
  return cfg.count ? 1n : t0 + BigInt(Math.round(cfg.duration * 1e9));
}

// stream: warm-up and timed messages; when process.send says the channel's
// queue is long, the loop lets the event loop write it out and comes back
function stream(child, finish) {
  const acc = account();
  const total = cfg.count ? cfg.warmup + cfg.count : Infinity;
  const checkMask = cfg.size >= CLOCK_EVERY_SIZE ? 0 : CLOCK_EVERY - 1;
  let seq = 0, deadline = 0n;
  function pump() {
    while (seq < total) {
      if (seq === cfg.warmup && !deadline) deadline = deadlineOf(acc.mark());
      if (deadline > 1n && (seq & checkMask) === 0 && process.hrtime.bigint() >= deadline) break;
      const more = child.send([seq, pat[seq & 1]]);
      seq++;
      if (!more) return setImmediate(pump);
    }
    finish(acc.done({ received: 0, sent: seq - cfg.warmup }), null);
  }
  pump();
}

// pingpong: one message out, its echo back, every round trip timed
function pingpong(child, finish) {
  const acc = account();
  const v = { received: 0, lost: 0, duplicated: 0, reordered: 0, corrupted: 0 };
  const rtts = [];
  let seq = 0, t = 0n, deadline = 0n;
  const ping = () => { t = process.hrtime.bigint(); child.send([seq, pat[seq & 1]]); };
  child.on('message', (m) => {
    if (!Array.isArray(m)) return;
    if (m[0] !== seq) { v.duplicated++; return; }
    const now = process.hrtime.bigint();
    if (cfg.verify && !payloadOk(m[1], seq)) v.corrupted++;
    if (seq >= cfg.warmup) { rtts.push(now - t); v.received++; }
    seq++;
    if (seq === cfg.warmup) deadline = deadlineOf(acc.mark());
    const done = cfg.count ? seq >= cfg.warmup + cfg.count : deadline > 1n && now >= deadline;
    if (!done) return ping();
    child.removeAllListeners('message');
    finish(acc.done(v), BigUint64Array.from(rtts));
  });
  if (cfg.warmup === 0) deadline = deadlineOf(acc.mark());
  ping();
}

// oneRep: the child takes the rep's settings, the rep runs, both report
function oneRep(child, rep) {
  setRep(rep);
  child.once('message', () => {            // { set: true }
    const run = cfg.mode === 'latency' ? pingpong : stream;
    run(child, (snd, rtts) => {
      child.on('message', (m) => {
        if (!m || !m.rcv) return;
        child.removeAllListeners('message');
        report(snd, m.rcv, rtts);
      });
      child.send({ end: true });
    });
  });
  child.send({ rep });
}

function sender() {
  const child = fork(process.argv[1], [process.argv[2], 'receiver'],
    { serialization: cfg.serialization, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  child.on('exit', () => process.exit(1));       // the receiver died first
  child.once('message', (hello) => {
    out.write(`ready ${hello.hello}\n`);
    const go = fs.createReadStream(null, { fd: 4 });
    let pending = '';
    go.on('end', () => {                           // ipcscope is done, or gone
      child.removeAllListeners('exit');
      child.disconnect();
      out.end(() => process.exit(0));
    });
    go.on('data', (d) => {
      pending += d.toString('latin1');
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.startsWith('go ')) oneRep(child, JSON.parse(line.slice(3)));
      }
    });
  });
}

if (process.argv[3] === 'receiver') receiver();
else sender();
