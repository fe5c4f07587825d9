// http.mjs -- time from GET /api/bench/pipe to the stream's start line (and to its end line)
// usage: node bench/http.mjs BASE_URL N  -- prints one JSON line per measured request
import http from 'node:http';

const [base, nArg] = process.argv.slice(2);
const n = Number(nArg || 20);
const path = '/api/bench/pipe?count=1000&reps=1';

// one request: resolves {start_ms, end_ms, status} measured from just before
// the request is written to the arrival of the start and end lines
function timeRun() {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const out = { start_ms: null, end_ms: null, status: null };
    const req = http.get(base + path, { agent: false }, (res) => {
      let buf = '';
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

await timeRun(); // warm-up: first spawn, page cache, connection setup
for (let i = 0; i < n; i++) {
  const r = await timeRun();
  console.log(JSON.stringify(r));
}
