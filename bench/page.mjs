// page.mjs -- does the page disturb what it measures? The same compare, run
// interleaved by a plain HTTP client (as curl would), from the page drawing
// in the run's pauses (gap=), and from the page drawing every line (no gap);
// per way: the reps' other_cpu_pct (median, max), disturbed reps, each
// mechanism's median msgs/s, the CPU time the browser's processes took, and
// the page's own: its renderer process's CPU time and its main thread's task
// time (Chrome DevTools Protocol Performance.getMetrics TaskDuration). The
// bench waits for the page's run by awaiting it, never by polling the page.
// usage: node bench/page.mjs [ROUNDS]   (IPCSCOPE names the binary)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM, CHROMIUM_ARGS, chromium, startServer, stopServer, waitReady } from '../tests/browser/lib.mjs';

const ROUNDS = Number(process.argv[2] || 3);
const QUERY = 'mechanisms=shm,pipe,unix,tcp&reps=5&ci=0';
const CLK_TCK = 100;
const SETTLE_MS = 2000;
const RENDERER = /--type=renderer/;
const GAP = process.env.GAP || '0.2';        // what the page asks for (web/running.js PAGE_GAP_S)

// cpuOf: user+system seconds of process pid and its descendants (only
// those whose command line matches only, when given)
function cpuOf(pid, only = null) {
  const kids = new Map();
  const stat = new Map();
  for (const p of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const f = fs.readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ');
      const mine = !only || only.test(fs.readFileSync(`/proc/${p}/cmdline`, 'utf8'));
      stat.set(p, mine ? (Number(f[11]) + Number(f[12])) / CLK_TCK : 0);
      if (!kids.has(f[1])) kids.set(f[1], []);
      kids.get(f[1]).push(p);
    } catch { /* gone */ }
  }
  let s = 0;
  const todo = [String(pid)];
  while (todo.length) {
    const p = todo.pop();
    s += stat.get(p) || 0;
    todo.push(...(kids.get(p) || []));
  }
  return s;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

async function byClient(base) {
  const text = await (await fetch(`${base}/api/compare?${QUERY}`)).text();
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

// byPage: the page streams the compare; its promise is awaited (a check at
// every animation frame, as waitForFunction does by default, would keep the
// page busy for the whole run)
async function byPage(page, gap) {
  await page.evaluate((u) => window.ipcscope.startUrl(u), `/api/compare?${QUERY}${gap ? `&gap=${GAP}` : ''}`);
  return page.evaluate(() => window.ipcscope.state.run.lines.map((l) => JSON.parse(l)));
}

// taskSeconds: the page's main thread task time so far
async function taskSeconds(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'TaskDuration').value;
}

const ways = { client: [], 'page, drawing in pauses': [], 'page, drawing every line': [] };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ipcscope-bench-page-'));
fs.mkdirSync(path.join(tmp, 'results'));
const server = await startServer(path.join(tmp, 'results'));
const bserver = await chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const browser = await chromium.connect(bserver.wsEndpoint());
const bpid = bserver.process().pid;
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${server.base}/`);
  await waitReady(page);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, run] of [['client', () => byClient(server.base)],
      ['page, drawing in pauses', () => byPage(page, true)],
      ['page, drawing every line', () => byPage(page, false)]]) {
      await new Promise((r) => setTimeout(r, SETTLE_MS));   // the page's last redraw is done
      const c0 = cpuOf(bpid);
      const r0 = cpuOf(bpid, RENDERER);
      const k0 = await taskSeconds(cdp);
      const t0 = Date.now();
      const lines = await run();
      const wall = (Date.now() - t0) / 1000;
      ways[name].push({ lines, browser_s: cpuOf(bpid) - c0, page_s: cpuOf(bpid, RENDERER) - r0,
        task_s: (await taskSeconds(cdp)) - k0, wall_s: wall });
    }
  }
} finally {
  await browser.close().catch(() => {});
  await bserver.close().catch(() => {});
  await stopServer(server.child);
  fs.rmSync(tmp, { recursive: true, force: true });
}

console.log(`compare shm,pipe,unix,tcp, 5 reps, ${ROUNDS} interleaved rounds, ${new Date().toISOString()}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log('per run: browser cpu s (all its processes), page cpu s (its renderer), page task s (main thread)');
console.log('way                        other_cpu% med  max  disturbed  browser cpu s  page cpu s  page task s  wall s  medians msgs/s');
const mean = (runs, k) => (runs.reduce((a, x) => a + x[k], 0) / runs.length).toFixed(2);
for (const [name, runs] of Object.entries(ways)) {
  const res = runs.flatMap((x) => x.lines.filter((l) => l.type === 'result'));
  const other = res.map((l) => l.interference?.other_cpu_pct).filter(Number.isFinite);
  const dist = res.filter((l) => l.interference?.disturbed).length;
  const mech = {};
  for (const l of res) (mech[l.mechanism] ||= []).push(l.msgs_per_s);
  const meds = Object.entries(mech).map(([m, xs]) => `${m} ${(median(xs) / 1e6).toFixed(2)}M`).join(', ');
  console.log(`${name.padEnd(26)} ${median(other).toFixed(1).padStart(12)} ${Math.max(...other).toFixed(0).padStart(4)}` +
    `  ${String(dist).padStart(3)}/${res.length}  ${mean(runs, 'browser_s').padStart(13)}  ${mean(runs, 'page_s').padStart(10)}  ${mean(runs, 'task_s').padStart(11)}` +
    `  ${(runs.reduce((a, x) => a + x.wall_s, 0) / runs.length).toFixed(1).padStart(6)}  ${meds}`);
}
