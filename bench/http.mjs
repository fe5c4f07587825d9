// http.mjs -- time from GET /api/bench/pipe to the stream's start line (and to its end line)
// usage: node bench/http.mjs BASE_URL N IPCSCOPE -- one JSON line per measured request, with the
// process-start floor beside it: spawning /bin/true and `IPCSCOPE --help` (the server spawns a run the same way),
// and the start line of `IPCSCOPE bench pipe` spawned directly
import http from 'node:http';
import { spawn, spawnSync } from 'node:child_process';

const [base, nArg, bin] = process.argv.slice(2);
const n = Number(nArg || 20);
const path = '/api/bench/pipe?count=1000&reps=1';

// one request: resolves {start_ms, end_ms, status} measured from just before
// the request is written to the arrival of the start and end lines
function timeRun() {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const out = { headers_ms: null, start_ms: null, end_ms: null, status: null };
    const req = http.get(base + path, { agent: false }, (res) => {
      let buf = '';
      out.headers_ms = performance.now() - t0;
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        buf += chunk;
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (!line.trim()) continue;
          const msg = JSON.parse(line);
          if (msg.type === 'start' && out.start_ms === null) out.start_ms = performance.now() - t0;
          if (msg.type === 'end') {
            out.end_ms = performance.now() - t0;
            out.status = msg.status;
          }
        }
      });
      res.on('end', () => resolve(out));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(30000, () => req.destroy(new Error('timeout')));
  });
}

// spawnMs: wall time to start a program and see it exit
function spawnMs(cmd, args) {
  const t0 = performance.now();
  spawnSync(cmd, args, { stdio: 'ignore' });
  return performance.now() - t0;
}

// cliStartMs: wall time from spawning `IPCSCOPE bench pipe` to its first
// stdout line (the start line), without the server in between; the run
// goes on to its end before this resolves, so the next one starts alone
function cliStartMs(cmd) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let first = null;
    const ch = spawn(cmd, ['bench', 'pipe', '--count', '1000', '--reps', '1', '--format', 'ndjson'],
      { stdio: ['ignore', 'pipe', 'ignore'] });
    ch.stdout.on('data', (d) => { if (first === null && d.includes(10)) first = performance.now() - t0; });
    ch.on('error', reject);
    ch.on('close', () => resolve(first));
  });
}

await timeRun(); // warm-up: first spawn, page cache, connection setup
for (let i = 0; i < n; i++) {
  const r = await timeRun();
  r.spawn_true_ms = spawnMs('/bin/true', []);
  if (bin) r.spawn_ipcscope_ms = spawnMs(bin, ['--help']);
  if (bin) r.cli_start_ms = await cliStartMs(bin);
  console.log(JSON.stringify(r));
}
