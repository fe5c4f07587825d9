// ref_node.mjs -- a reference process.send loop between a node process and its fork() child
// usage: node ref_node.mjs thr|rtt SIZE COUNT WARMUP CPU_SEND CPU_RECV [json|advanced]
// thr: the parent sends WARMUP then COUNT [seq, payload] messages, pausing
//      (setImmediate) when process.send says the channel is full; timed
//      from the first timed send to the child's last 'message' event.
// rtt: one message out, the child sends it back, COUNT times, each round
//      trip timed with process.hrtime.bigint().
// The child runs on CPU_RECV (started through taskset), the parent on
// CPU_SEND (run it under taskset).
import { fork } from 'node:child_process';

const [mode, size, count, warmup, , cpuRecv, ser = 'json'] = process.argv.slice(2);
const n = Number(count), warm = Number(warmup), total = n + warm;

function payload() {
  const b = Buffer.alloc(Number(size), 0x61);
  return ser === 'advanced' ? b : b.toString('latin1');
}

function child() {
  let got = 0;
  process.on('message', (m) => {
    if (mode === 'rtt') { process.send(m); return; }
    if (++got === total) process.send({ t1: String(process.hrtime.bigint()) });
  });
}

function parent() {
  const c = fork(process.argv[1], process.argv.slice(2).concat('child'), {
    serialization: ser, execPath: 'taskset', execArgv: ['-c', cpuRecv, process.execPath],
  });
  const p = payload();
  const done = (o) => { console.log(JSON.stringify({ ref: 'node', mode, size: Number(size), count: n, ...o })); c.disconnect(); };
  if (mode === 'thr') {
    let seq = 0, t0 = 0n;
    c.on('message', (m) => {
      const s = Number(BigInt(m.t1) - t0) / 1e9;
      done({ elapsed_s: s, msgs_per_s: n / s, bytes_per_s: (n * Number(size)) / s });
    });
    const pump = () => {
      while (seq < total) {
        if (seq === warm) t0 = process.hrtime.bigint();
        const more = c.send([seq++, p]);
        if (!more) return setImmediate(pump);
      }
    };
    pump();
    return;
  }
  const rtt = [];
  let seq = 0, t = 0n;
  c.on('message', () => {
    const now = process.hrtime.bigint();
    if (seq++ >= warm) rtt.push(Number(now - t));
    if (seq === total) {
      rtt.sort((a, b) => a - b);
      const at = (q) => rtt[Math.min(rtt.length - 1, Math.floor((q / 100) * rtt.length))];
      return done({ rtt_mean_ns: Math.round(rtt.reduce((a, b) => a + b, 0) / rtt.length), rtt_p50_ns: at(50), rtt_p99_ns: at(99) });
    }
    t = process.hrtime.bigint();
    c.send([seq, p]);
  });
  t = process.hrtime.bigint();
  c.send([seq, p]);
}

if (process.argv[process.argv.length - 1] === 'child') child();
else parent();
