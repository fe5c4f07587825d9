// lib.mjs -- what the browser suites share: a real `ipcscope serve` on port
// 0, headless Debian Chromium through playwright-core, TAP output, and
// waiting for the page. Not a suite itself (run.sh runs *.test.mjs only).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const top = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const { chromium } = await import(path.join(top, 'web/node_modules/playwright-core/index.mjs'));
export const BIN = process.env.IPCSCOPE || path.join(top, 'bin/ipcscope');
export const OUT = path.join(top, 'tests/out/browser');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// runs remember the platform in a cache directory: tests/run.sh gives them
// one of its own; run alone, a suite's runs get one that cannot be made
process.env.IPCSCOPE_CACHE_DIR ||= '/dev/null/no-cache';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const PORT_WAIT_MS = 10000;
const KILL_GRACE_MS = 5000;
const READY_MS = 15000;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// tap: numbered ok/not ok lines with details as comments, and timed steps
export function tap() {
  const t = { n: 0, failures: 0, t0: Date.now() };
  t.ok = (cond, name, detail) => {
    t.n += 1;
    if (cond) console.log(`ok ${t.n} - ${name}`);
    else {
      t.failures += 1;
      console.log(`not ok ${t.n} - ${name}`);
      if (detail !== undefined) console.log(`# ${String(detail).split('\n').join('\n# ')}`);
    }
  };
  t.step = (name) => {
    console.log(`# ${name}: ${((Date.now() - t.t0) / 1000).toFixed(1)} s`);
    t.t0 = Date.now();
  };
  return t;
}

export function startServer(resultsDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, ['serve', '--port', '0', '--results-dir', resultsDir, '--queue', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    const timer = setTimeout(() => reject(new Error(`server did not announce its port: ${text}`)), PORT_WAIT_MS);
    const onData = (d) => {
      text += d;
      const m = /serving on (http:\/\/127\.0\.0\.1:\d+)\//.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve({ child, base: m[1] });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}): ${text}`)); });
  });
}

export async function stopServer(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
  await gone;
  clearTimeout(t);
}

export async function ndjson(base, urlPath) {
  const res = await fetch(base + urlPath);
  const text = await res.text();
  return { status: res.status, lines: text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)) };
}

export async function waitReady(page) {
  await page.waitForFunction(() => window.ipcscope && window.ipcscope.ready, null, { timeout: READY_MS });
}

// load: a fresh document at url (about:blank first, so a hash-only change reloads)
export async function load(page, url) {
  await page.goto('about:blank');
  await page.goto(url);
  await waitReady(page);
}

// waitRunDone: until the run (run, sweep or demo) has ended. It looks every
// RUN_POLL_MS, not at every animation frame: a check at every frame keeps
// the page's compositor busy for the whole run and disturbs what it measures.
const RUN_POLL_MS = 100;
export async function waitRunDone(page, which = 'run', timeout = 120000) {
  await page.waitForFunction((w) => {
    const s = window.ipcscope.state;
    const ms = w === 'sweep' ? s.sweep : [s[w]];
    return !s.busy && ms.length && ms.every((m) => m && m.status !== 'running');
  }, which, { timeout, polling: RUN_POLL_MS });
}

// runSuite: a server on port 0 with its own results directory, a browser
// (or persistent context) from open(tmp), then body({ base, server,
// browser }) under a watchdog; both are closed and the directory removed
// on every path, and the TAP plan printed
export async function runSuite(t, { name, limitMs, open }, body) {
  fs.mkdirSync(OUT, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `ipcscope-${name}-`));
  let server = null;
  let browser = null;
  async function cleanup() {
    if (browser) await browser.close().catch(() => {});
    browser = null;
    if (server) await stopServer(server.child);
    server = null;
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const watchdog = setTimeout(() => {
    console.log(`not ok ${t.n + 1} - ${name} tests took longer than ${limitMs / 1000} s`);
    cleanup().finally(() => process.exit(1));
  }, limitMs);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => cleanup().finally(() => process.exit(1)));
  try {
    fs.mkdirSync(path.join(tmp, 'results'));
    server = await startServer(path.join(tmp, 'results'));
    browser = await open(tmp);
    await body({ base: server.base, server, browser });
  } catch (e) {
    t.ok(false, `${name} tests ran to the end`, e.stack || e);
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }
  console.log(`1..${t.n}`);
  process.exit(t.failures ? 1 : 0);
}
