// platform.test.mjs -- the server's runs remember the platform between runs
// in the cache directory they inherit, and say on their end and comparison
// lines when it moved since the last run
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { done, killAll, note, ok, oneEndLast, startServer, stopServer, stream, tmpdir } from './lib.mjs';

const FAR = 8;           // the faked baseline: this many times the measured round trip
const AGO_S = 1200;
const RUN = 'duration=0.05&reps=2&ci=0';

const endOf = (s) => s.lines.find((l) => l.type === 'end') || {};

// timedRun: a run streamed, again (three tries in all) when none of its
// reps timed a cache-line round trip: both ping-pong threads need their
// CPUs, which a crowded machine can deny every rep (the cache then stays)
async function timedRun(srv, url) {
  let s = null;
  for (let i = 0; i < 3; i++) {
    s = await stream(srv, url);
    if (endOf(s).platform) break;
    note(`try ${i + 1} timed no cache-line round trip`);
  }
  return s;
}

// fake: every remembered round trip FAR times what it was, AGO_S ago
function fake(file) {
  const f = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const b of f.baselines) {
    b.line_rtt_ns *= FAR;
    b.at = Date.now() / 1000 - AGO_S;
  }
  fs.writeFileSync(file, JSON.stringify(f));
}

async function main() {
  const results = tmpdir('platform');
  // the runs inherit the server's environment: this cache, not the user's
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'testcache-ipcscope-api-'));
  const file = path.join(cache, 'platform.json');
  process.env.IPCSCOPE_CACHE_DIR = cache;
  let srv = null;
  try {
    srv = await startServer(['--results-dir', results]);
    const a = await timedRun(srv, `/api/bench/pipe?${RUN}`);
    const pa = endOf(a).platform;
    ok(oneEndLast(a.lines) && endOf(a).status === 'ok' && pa && pa.line_rtt_ns > 0 && pa.last_line_rtt_ns === null,
      "a server's run times the platform and has no last run yet", endOf(a));
    ok(fs.existsSync(file) && (fs.statSync(file).mode & 0o777) === 0o600,
      "the server's run process wrote its baseline into the cache (mode 0600)", fs.readdirSync(cache));
    if (!fs.existsSync(file)) return;
    fake(file);
    const b = await timedRun(srv, `/api/compare?mechanisms=pipe,unix&${RUN}`);
    const pb = endOf(b).platform || {};
    const cmp = b.lines.find((l) => l.type === 'comparison') || {};
    note(pb.note || 'no note');
    ok(endOf(b).status === 'ok' && pb.moved_since_last_run === true && /since the last run 20 min ago/.test(pb.note),
      'the next run says the platform moved since the last run', pb);
    ok(cmp.platform_moved_since_last_run === true, 'and so does its comparison line', cmp);
    const hist = (await stream(srv, `/api/runs/${b.headers?.get('x-run-id')}`)).lines;
    ok(endOf({ lines: hist }).platform?.moved_since_last_run === true, 'the stored run keeps it', endOf({ lines: hist }));
    await stopServer(srv);
    srv = null;
  } catch (e) {
    ok(false, 'platform suite ran to the end', String(e.stack || e));
    if (srv) note(srv.stderr);
  } finally {
    killAll();
    fs.rmSync(results, { recursive: true, force: true });
    fs.rmSync(cache, { recursive: true, force: true });
  }
  process.exitCode = done() ? 0 : 1;
}

main();
