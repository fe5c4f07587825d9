// demos.test.mjs -- the demos that run their own experiment over HTTP: listed
// in /api/demos with title, claim, params and chart; their params checked
// like bench params (400 naming the param); a run streams start, progress
// naming each step, points, the lesson and one end line
import { done, get, killAll, ok, startServer, stopServer, stream, tryJson, oneEndLast } from './lib.mjs';

const EXPERIMENTS = ['race', 'false-sharing', 'framing', 'contention', 'zero-copy', 'cleanup', 'peercred',
  'serialization', 'decide', 'cross-host'];

async function listing(srv) {
  const r = await get(srv, '/api/demos');
  const all = tryJson(r.body) || [];
  for (const name of EXPERIMENTS) {
    const d = all.find((x) => x.name === name);
    ok(d && d.title && d.claim && d.method && Array.isArray(d.params) && d.chart && d.chart.kind,
      `/api/demos lists ${name} with title, claim, method, params and a chart hint`, JSON.stringify(d).slice(0, 300));
  }
  const race = all.find((x) => x.name === 'race');
  const procs = race && race.params.find((p) => p.name === 'procs');
  ok(procs && procs.min === 2 && procs.max === 16 && procs.default === '4' && procs.help,
    'a param is listed with its range, default and help', JSON.stringify(procs));
}

async function badParams(srv) {
  const cases = [
    ['/api/demos/race?procs=17', 'procs', /expected a whole number 2\.\.16/],
    ['/api/demos/race?procs=2&procs=3', 'procs', /more than once/],
    ['/api/demos/race?size=64', 'size', /unknown parameter 'size'/],
    ['/api/demos/race?adds=', 'adds', /needs a value/],
    ['/api/demos/zero-copy?frame=8M', 'frame', /for frame/],
    ['/api/demos/decide?latency_us=-1', 'latency_us', /for latency_us/],
    ['/api/demos/peercred?reps=1', 'reps', /takes none/],
    ['/api/demos/race?format=ndjson', 'format', /unknown parameter/],
  ];
  for (const [url, param, re] of cases) {
    const r = await get(srv, url);
    const e = tryJson(r.body)?.error;
    ok(r.status === 400 && e && e.code === 'bad_param' && e.param === param && re.test(e.message),
      `${url} is 400 naming ${param}`, `${r.status} ${r.body}`);
  }
}

async function oneRun(srv) {
  const s = await stream(srv, '/api/demos/race?procs=2&adds=20K', { timeout: 60000 });
  const types = s.lines.map((l) => l.type);
  const start = s.lines.find((l) => l.type === 'start');
  ok(s.status === 200 && start && start.demo === 'race' && start.chart && start.chart.kind === 'bar' &&
    start.params && start.params.procs === 2 && start.params.adds === 20000,
  'the start line names the demo, its chart hint and the params it runs with', JSON.stringify(start).slice(0, 300));
  const prog = s.lines.filter((l) => l.type === 'progress');
  ok(prog.length >= 4 && prog.every((p) => p.step && p.steps === 4 && p.done >= 0 && p.done <= 1),
    'progress lines name the running step and how far the run is', JSON.stringify(prog[0]));
  const pts = s.lines.filter((l) => l.type === 'point');
  ok(pts.length === 4 && pts.filter((p) => p.label !== 'unsynchronised').every((p) => p.actual === 40000 && p.exact),
    'four points; the synchronised counts are exact', JSON.stringify(pts.map((p) => [p.label, p.actual])));
  const u = pts.find((p) => p.label === 'unsynchronised');
  ok(u && u.actual <= 40000 && u.lost === 40000 - u.actual, 'the unsynchronised loss is measured against the true count',
    JSON.stringify(u));
  const lesson = s.lines.find((l) => l.type === 'lesson');
  ok(lesson && lesson.text.includes('40,000') && !/\d{5,}|\de[+-]\d/.test(lesson.text),
    'the lesson quotes the figures formatted for people', lesson && lesson.text);
  ok(oneEndLast(s.lines) && s.lines.at(-1).status === 'ok' && types.indexOf('lesson') < types.indexOf('end'),
    'one end line, last, status ok');
}

// a lesson resting on one rep a side says so over HTTP too: the lesson
// line's unreliable, and the text the page shows starting with it
async function unreliableLesson(srv) {
  const s = await stream(srv, '/api/demos/false-sharing?duration=0.02&reps=1', { timeout: 60000 });
  const l = s.lines.find((x) => x.type === 'lesson') || {};
  ok(typeof l.unreliable === 'string' && /ran once/.test(l.unreliable) &&
    l.text.startsWith(`Unreliable here (${l.unreliable}), so take this with care: `),
  'an experiment lesson from one rep carries unreliable and says it first', JSON.stringify(l));
}

// cross-host over HTTP: its children (peer, bench runs) are not the
// server's run process and must run all the same; without root it runs the
// loopback steps only
async function crossHost(srv) {
  const s = await stream(srv, '/api/demos/cross-host?duration=0.05&size=4K', { timeout: 60000 });
  const pts = s.lines.filter((l) => l.type === 'point');
  const root = process.getuid && process.getuid() === 0;
  ok(s.status === 200 && s.lines.at(-1).status === 'ok' && pts.length === (root ? 5 : 3) &&
    pts.every((p) => p.ok && p.rtt_p50_ns > 0),
  `GET /api/demos/cross-host runs every step (${root ? 'as root: 5' : 'not root: 3'}) to an ok end`,
  JSON.stringify(s.lines.filter((l) => l.type !== 'progress')).slice(0, 400));
}

try {
  const srv = await startServer();
  await listing(srv);
  await badParams(srv);
  await oneRun(srv);
  await unreliableLesson(srv);
  await crossHost(srv);
  await stopServer(srv);
} catch (e) {
  ok(false, 'the demo API suite ran', e.stack);
  killAll();
}
done();
