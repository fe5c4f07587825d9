// trust-view.test.mjs -- what the page says of a run's reliability, from
// NDJSON lines as the server writes them: unreliable comparison rows cannot
// tell, each reason and note said once (crossover's four tables too), the
// lesson's caution split from the lesson, many jobs said in counts, and
// progress that ends where the jobs did. Runs in node, no browser. Prints TAP.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { top, tap } from './lib.mjs';

const pageModule = (name) => import(pathToFileURL(path.join(top, 'web', name)).href);
const trust = await pageModule('trust-view.js');
const { RunModel } = await pageModule('model.js');
const { demoSpec } = await pageModule('other-charts.js');
const { theme } = await pageModule('chart-kit.js');
const t = tap();
const { ok } = t;

const count = (text, part) => text.split(part).length - 1;
// cells: the text of each cell of the table row whose header is name
function cells(html, name) {
  const row = html.split('<tr').find((r) => r.includes(`<th scope="row">${name}</th>`)) || '';
  return [...row.matchAll(/<td>(.*?)<\/td>/g)].map((m) => m[1].replace(/<[^>]+>/g, ''));
}
const html = (model) => {
  const box = { innerHTML: '' };
  trust.renderComparison(model, box);
  return box.innerHTML;
};

// compareRun: the lines of a compare of shm and pipe at size, every job
// unreliable as on a busy machine (5 reps far apart)
function compareRun(model, size, extra = {}) {
  for (const m of ['shm', 'pipe']) {
    model.add({ type: 'summary', run: 'r1', mechanism: m, label: `${m} ${size}`, size, reps: 5, reps_used: 5, ci_reached: false,
      disturbed_reps: [1, 2], notes: [`5 reps are too few for a 95% interval of the median; they spread ±${size}%`, 'rep 2 ran 1.4× slower than the others'],
      unreliable: 'rep 2 ran 1.4× slower than the others' });
  }
  model.add({ type: 'comparison', run: 'r1', baseline: 'shm', baseline_label: `shm ${size}`, metric: 'msgs_per_s', higher_is_better: true, rows: [
    { mechanism: 'shm', label: `shm ${size}`, size, median: 1914037.6, ratio: 1, ci_low: 0.75, ci_high: 1.34, significant: false, unreliable: `shm ${size}: rep 2 ran 1.4× slower than the others` },
    { mechanism: 'pipe', label: `pipe ${size}`, size, median: 840092, ratio: 0.4389, ci_low: 0.281, ci_high: 0.686, significant: false, unreliable: `pipe ${size}: rep 2 ran 1.4× slower than the others` },
  ], ...extra });
}

function comparisonRows() {
  const m = new RunModel('run');
  compareRun(m, 64);
  const h = html(m);
  const pipe = cells(h, 'pipe 64');
  ok(pipe[4] === 'can\'t tell: unreliable here', 'an unreliable row whose interval excludes 1 cannot tell, not "within the noise"', pipe.join(' | '));
  ok(pipe[1] === '840 k msg/s' && pipe[2] === '2.28× slower' && pipe[3] === '1.46–3.56× slower', 'its ratio and median read as figures for people', pipe.join(' | '));
  ok(cells(h, 'shm 64')[4] === 'unreliable here' && cells(h, 'shm 64')[2] === 'baseline', 'an unreliable baseline says so in its noise cell', cells(h, 'shm 64').join(' | '));
  ok(!/within the noise/.test(h), 'no unreliable row claims it is within the noise', h);
  ok(count(h, 'pipe 64: rep 2 ran 1.4× slower than the others') === 1, 'each reason is said once', h);
  ok(count(h, 'pipe 64: 5 reps are too few') === 1, 'a note that is not a reason is listed', h);
  const quiet = new RunModel('run');
  quiet.add({ type: 'comparison', run: 'r2', baseline: 'shm', metric: 'msgs_per_s', rows: [
    { mechanism: 'shm', median: 2e6, ratio: 1, ci_low: null, ci_high: null, significant: false, unreliable: null },
    { mechanism: 'pipe', median: 1e6, ratio: 0.5, ci_low: null, ci_high: null, significant: false, unreliable: null },
    { mechanism: 'unix', median: 9e5, ratio: 0.45, ci_low: 0.9, ci_high: 1.1, significant: false, unreliable: null },
  ] });
  const q = html(quiet);
  ok(cells(q, 'pipe')[4] === 'too few reps to tell' && cells(q, 'unix')[4] === 'no, within the noise' && !/unreliable/.test(q),
    'reliable rows: too few reps to tell without an interval, within the noise with one', q);
}

// verdictRows: rows that carry their verdict read as the CLI says them,
// the interval in the direction of the headline; only a row the noise
// could change is unreliable, and only then is there a caution
function verdictRows() {
  const m = new RunModel('run');
  m.add({ type: 'comparison', run: 'r3', baseline: 'shm-ring', metric: 'msgs_per_s', higher_is_better: true, rows: [
    { mechanism: 'shm-ring', median: 5e6, ratio: 1, ci_low: null, ci_high: null, significant: false, verdict: 'baseline', direction: null,
      factor: null, factor_low: null, factor_high: null, within_pct: null, verdict_text: 'baseline', verdict_basis: null, unreliable: null },
    { mechanism: 'shm', median: 9.2e4, ratio: 0.0183, ci_low: 0.0166, ci_high: 0.0203, significant: true, verdict: 'clear', direction: 'slower',
      factor: 54.6, factor_low: 49.3, factor_high: 60.2, within_pct: null, verdict_text: '54.6× slower (49.3–60.2×)', verdict_basis: null, unreliable: null },
    { mechanism: 'pipe', median: 2.5e6, ratio: 0.495, ci_low: 0.4, ci_high: 0.625, significant: true, verdict: 'probably', direction: 'slower',
      factor: 2.02, factor_low: 1.6, factor_high: 2.5, within_pct: null, verdict_text: 'probably slower, by 1.6–2.5×',
      verdict_basis: 'it rests on disturbed reps: 9 of the 14 reps were disturbed, too many to check it without them', unreliable: null },
    { mechanism: 'unix', median: 4.9e6, ratio: 0.98, ci_low: 0.97, ci_high: 1.04, significant: false, verdict: 'same', direction: null,
      factor: null, factor_low: null, factor_high: null, within_pct: 4, verdict_text: 'can\'t tell apart (within ±4%)', verdict_basis: null, unreliable: null },
  ] });
  const h = html(m);
  ok(cells(h, 'shm')[2] === '54.6× slower' && cells(h, 'shm')[3] === '49.3–60.2×' && cells(h, 'shm')[4] === 'holds',
    'a clear row: its factor, the interval in the direction of the headline, and that it holds', cells(h, 'shm').join(' | '));
  ok(cells(h, 'pipe')[2] === 'probably slower' && cells(h, 'pipe')[3] === '1.6–2.5×' && /rests on disturbed reps/.test(cells(h, 'pipe')[4]),
    'a probable row says so, and why', cells(h, 'pipe').join(' | '));
  ok(cells(h, 'unix')[2].replace(/&#39;/g, "'") === 'can\'t tell apart' && cells(h, 'unix')[3] === 'within ±4%', 'a row within the noise cannot tell them apart, and says how close', cells(h, 'unix').join(' | '));
  ok(!/unreliable/i.test(h) && trust.cautionText(m) === '', 'no caution when nothing the noise could change is claimed', `${trust.cautionText(m)} | ${h}`);
  m.comparisons[0].rows[3].unreliable = 'the interval (0.7–1.4×) includes 1 but reaches beyond ±5%: more reps could tell them apart';
  const h2 = html(m);
  ok(cells(h2, 'unix')[4] === 'unreliable here' && /Unreliable here: the noise could change some verdicts/.test(trust.cautionText(m)) &&
    count(h2, 'more reps could tell them apart') === 1, 'a row the noise could change is flagged, its reason said once, with a caution', `${trust.cautionText(m)} | ${cells(h2, 'unix').join(' | ')}`);
  // a demo's lesson whose claims hold: no caution over it for a row it does not rest on
  m.lesson = 'Fastest here: shm-ring at 5 M messages/s, 2.02× faster than pipe (1.6–2.5×).';
  m.lessonUnreliable = null;
  ok(trust.cautionText(m) === '' && cells(html(m), 'unix')[4] === 'unreliable here',
    'a lesson whose claims hold carries no caution; the row at risk is still flagged in its table', trust.cautionText(m));
}

// severalTables: crossover writes one comparison per size; its notes and
// the platform's move since the last run are said once, not per table
function severalTables() {
  const m = new RunModel('demo');
  for (const size of [64, 4096, 65536, 1048576]) compareRun(m, size, { platform_moved_since_last_run: true });
  m.add({ type: 'end', run: 'r1', status: 'ok', platform: { moved_since_last_run: true, note: 'the platform moved since the last run 12 s ago: a cache-line round trip between CPUs 0 and 1 took 273 ns then and 74.2 ns now (3.68× faster); figures from the two runs are not comparable' } });
  const h = html(m);
  ok(count(h, '<table>') === 4, 'every comparison line gets its table', count(h, '<table>'));
  ok(count(h, 'shm 4096: 5 reps are too few') === 1 && count(h, 'pipe 1048576: 5 reps are too few') === 1, 'each note is said once under all the tables', h.slice(-600));
  ok(/<details class="notes-more"><summary>what the reps say: 8 notes<\/summary>/.test(h), 'many notes fold away under a count', h.slice(-400));
  ok(!/since the last run/.test(h), 'the platform move is not repeated under each table', h);
  const c = trust.cautionText(m);
  ok(count(c, 'since the last run') === 1 && /273 ns then and 74\.2 ns now/.test(c) && /Unreliable here/.test(c),
    'the caution says the move once, and that figures are unreliable here', c);
  const note = trust.trustNote(m);
  ok(/16 of 40 reps, in 8 of 8 jobs/.test(note) && /as tight as asked: 8 of 8 jobs/.test(note) && !/shm 64 2 of 5/.test(note),
    'eight jobs are said in counts, not one name at a time', note);
}

// lesson: the lesson line's reason leaves the lesson for the caution
function lesson() {
  const m = new RunModel('demo');
  const why = 'unix 64 B latency: its reps ran in two regimes (15.7 k msgs/s and 26.5 k msgs/s)';
  m.add({ type: 'lesson', run: 'r6', demo: 'layers', unreliable: why, text: `Unreliable here (${why}), so take this with care: At 64 B a round trip took 38.1 µs.` });
  const parts = trust.lessonParts(m);
  ok(parts.text === 'At 64 B a round trip took 38.1 µs.' && parts.why === why, 'the lesson proper is split from its caution', JSON.stringify(parts));
  ok(trust.cautionText(m) === `Unreliable here: ${why}. Take the lesson with care.`, 'the caution names the reason', trust.cautionText(m));
  const plain = new RunModel('demo');
  plain.add({ type: 'lesson', run: 'r7', demo: 'race', unreliable: null, text: 'Without synchronisation 4 processes lost 33.2%.' });
  ok(trust.lessonParts(plain).text === 'Without synchronisation 4 processes lost 33.2%.' && trust.cautionText(plain) === '',
    'a reliable lesson is left whole, with no caution', trust.cautionText(plain));
}

// progress: jobs that met their ci early, and a run that ended before a job did
function progress() {
  const m = new RunModel('demo');
  m.add({ type: 'start', run: 'r3', demo: 'sync-tax', jobs: [{ label: 'a', mechanism: 'shm' }, { label: 'b', mechanism: 'pipe' }] });
  for (const [label, rep] of [['a', 5], ['b', 2]]) {
    m.add({ type: 'progress', run: 'r3', mechanism: 'x', label, rep, reps: 7, size: 64, rep_done: 1, done: 0.5 });
    m.add({ type: 'result', run: 'r3', mechanism: 'x', label, rep, reps: 7, size: 64, msgs_per_s: 1 });
  }
  m.add({ type: 'summary', run: 'r3', mechanism: 'x', label: 'a', size: 64, reps: 5, reps_used: 5, ci_reached: true });
  const a = m.progressOf('a');
  ok(a.frac === 1 && a.label === 'done: 5 of up to 7 reps · 64 B', 'a job that met its interval at rep 5 of 7 is done, not at 71 %', JSON.stringify(a));
  ok(m.progressOf('b').label === 'rep 2/7 · 64 B', 'a job under way says its rep', m.progressOf('b').label);
  // the server counts a's two unrun reps as to come: 7 of 14 done
  ok(m.runDone === 0.5 && Math.abs(m.wholeDone() - (1 + 2 / 7) / 2) < 1e-9,
    'the whole run counts a job that met its interval early as done, not its unrun reps as to come', `${m.runDone} ${m.wholeDone()}`);
  m.add({ type: 'error', run: 'r3', code: 'timeout', message: 'rep exceeded its 30 s limit', label: 'b' });
  m.add({ type: 'end', run: 'r3', status: 'error' });
  const b = m.progressOf('b');
  ok(b.stopped && b.label === 'stopped at rep 2/7 · 64 B', 'after the end a job short of its summary says it stopped there', JSON.stringify(b));
}

// sweep: points that did not hold are counted at the top and listed under
// the chart, by mechanism and size; a sweep that held says nothing
function sweep() {
  const m = new RunModel('sweep');
  m.add({ type: 'start', run: 'r15', mechanisms: ['pipe', 'unix'] });
  for (const [mech, size, why] of [['pipe', 64, null], ['pipe', 4096, 'its 3 reps spread ±45.3%'], ['unix', 64, null], ['unix', 4096, null]]) {
    m.add({ type: 'summary', run: 'r15', mechanism: mech, size, reps: 3, unreliable: why });
  }
  const got = trust.sweepTrust([m]);
  ok(got.cautions.length === 1 && /1 of 4 points did not hold/.test(got.cautions[0]) && got.html.includes('pipe 4 KiB: its 3 reps spread ±45.3%'),
    'a sweep counts its points that did not hold and lists each by mechanism and size', JSON.stringify(got));
  m.mechs.get('pipe').summaries[1].unreliable = null;
  const quiet = trust.sweepTrust([m]);
  ok(quiet.cautions.length === 0 && quiet.html === '', 'a sweep whose points held says nothing', JSON.stringify(quiet));
}

// roundTrips: layers' comparison of its latency jobs ranks round trips per
// second and says so; that of its streams stays in messages per second
function roundTrips() {
  const m = new RunModel('demo');
  const jobs = ['unix', 'zmq'].flatMap((mech) => ['latency', 'throughput'].map((mode) => ({ label: `${mech} 64 B ${mode}`, mechanism: mech, params: { mode, size: 64 } })));
  m.add({ type: 'start', run: 'r6', demo: 'layers', jobs });
  for (const mode of ['latency', 'throughput']) {
    m.add({ type: 'comparison', run: 'r6', baseline: 'unix', baseline_label: `unix 64 B ${mode}`, metric: 'msgs_per_s', rows: ['unix', 'zmq'].map((mech, k) => (
      { mechanism: mech, label: `${mech} 64 B ${mode}`, size: 64, median: 26279 / (k + 1), ratio: 1 / (k + 1), ci_low: null, ci_high: null, significant: false, unreliable: null })) });
  }
  const [lat, thr] = html(m).split('<h2>').slice(1);
  ok(/round trips\/s/.test(lat) && cells(lat, 'zmq 64 B latency')[1] === '13.1 k rt/s', 'a comparison of round trips says round trips/s', lat.slice(0, 300));
  ok(!/round trips/.test(thr) && cells(thr, 'zmq 64 B throughput')[1] === '13.1 k msg/s', 'one of streams stays in msgs/s', thr.slice(0, 300));
  for (const j of jobs) m.add({ type: 'summary', run: 'r6', mechanism: j.mechanism, label: j.label, size: 64, reps: 3, msgs_per_s: { median: 26279, min: 2e4, max: 3e4 } });
  const spec = demoSpec(m, 'layers', 'msgs_per_s', theme(false));
  ok(spec.config.options.scales.y.title.text === 'messages or round trips per second' && /26\.3 k\/s/.test(spec.label),
    "the layers chart's axis says it holds round trips and messages", `${spec.config.options.scales.y.title.text} | ${spec.label.slice(0, 120)}`);
}

try {
  roundTrips();
  sweep();
  comparisonRows();
  verdictRows();
  severalTables();
  lesson();
  progress();
} catch (e) {
  ok(false, 'trust view tests ran to the end', e.stack || e);
}
console.log(`1..${t.n}`);
process.exit(t.failures ? 1 : 0);
