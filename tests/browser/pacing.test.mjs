// pacing.test.mjs -- the page draws in the pauses a run makes for it, never
// while a rep runs: in headless Chromium, a compare started with Run asks
// for gap=, every chart draw during the run happens after a line that is not
// a rep's (start, pause, summary, comparison, end), the charts still fill
// while it runs (at its pauses), and they hold every rep at the end; a demo
// of jobs asks for the pauses too, an experiment demo (no reps) does not.
// Nothing of the page wakes up while a rep runs: no DOM mutation, no timer,
// no animation frame callback happens while the newest line is a rep's.
// The closed per-rep table is filled at the run's end, not at every pause.
// Prints TAP.
import { chromium, CHROMIUM, CHROMIUM_ARGS, tap, load, runSuite, waitRunDone } from './lib.mjs';

const TOTAL_LIMIT_MS = 120000;
const REP_LINES = ['progress', 'result'];
const REP_LINES_IN_PAGE = REP_LINES;

const t = tap();
const { ok, step } = t;

// watchDraws: every Chart.js draw is logged with the type of the newest
// line of the model on screen and whether the run was still going
async function watchDraws(page) {
  await page.evaluate(() => {
    const s = window.ipcscope.state;
    window.drawLog = [];
    const draw = window.Chart.prototype.draw;
    window.Chart.prototype.draw = function patched(...a) {
      const m = s.view === 'demos' ? s.demo : s.run;
      const last = m && m.lines.length ? JSON.parse(m.lines[m.lines.length - 1]).type : null;
      window.drawLog.push({ last, running: !!m && m.status === 'running' });
      return draw.apply(this, a);
    };
  });
}

// watchWakeups: before the page's scripts load, every timer and animation
// frame callback and every DOM mutation is logged with the type of the
// newest line of the run on screen and whether the run was still going
function watchWakeups() {
  window.wakeLog = [];
  const now = () => {
    const s = window.ipcscope && window.ipcscope.state;
    const m = s && (s.view === 'demos' ? s.demo : s.run);
    const last = m && m.lines.length ? JSON.parse(m.lines[m.lines.length - 1]).type : null;
    return { last, running: !!m && m.status === 'running' };
  };
  const log = (what, detail) => window.wakeLog.push({ what, detail, ...now() });
  const wrap = (name) => {
    const orig = window[name];
    window[name] = function wrapped(fn, ...rest) {
      const where = (new Error().stack || '').split('\n')[2] || '';
      const cb = typeof fn === 'function' ? function logged(...a) { log(name, where.trim()); return fn.apply(this, a); } : fn;
      return orig.call(window, cb, ...rest);
    };
  };
  ['setTimeout', 'setInterval', 'requestAnimationFrame', 'requestIdleCallback'].forEach(wrap);
  const start = () => new MutationObserver((recs) => {
    for (const r of recs) log('mutation', `${r.type} ${r.target.id || r.target.className || r.target.nodeName}`);
  }).observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
  if (document.documentElement) start();
  else document.addEventListener('readystatechange', start, { once: true });
}

await runSuite(t, {
  name: 'pacing', limitMs: TOTAL_LIMIT_MS,
  open: () => chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
}, async ({ base, browser }) => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(watchWakeups);
  const requests = [];
  page.on('request', (r) => { if (r.url().includes('/api/')) requests.push(r.url()); });
  // four reps of two mechanisms, 0.3 s each: the run pauses at least once
  await load(page, `${base}/#view=run&mechanisms=shm,pipe&duration=0.3&reps=4&ci=0`);
  await watchDraws(page);
  await page.evaluate(() => { window.wakeLog.length = 0; });
  await page.click('#run');
  await waitRunDone(page, 'run', 60000);
  step('a compare from the page');
  const url = requests.find((u) => u.includes('/api/compare'));
  ok(url && /[?&]gap=0\.2(&|$)/.test(url), 'Run asks the run to pause for the page (gap=0.2)', url);
  const lines = await page.evaluate(() => window.ipcscope.state.run.lines.map((l) => JSON.parse(l)));
  const pauses = lines.filter((l) => l.type === 'pause');
  ok(pauses.length >= 1 && pauses.every((p) => p.seconds === 0.2), 'the run paused for it', JSON.stringify(pauses));
  const log = await page.evaluate(() => window.drawLog);
  const during = log.filter((d) => d.running);
  const inRep = during.filter((d) => REP_LINES.includes(d.last));
  ok(inRep.length === 0, 'no chart is drawn while a rep runs', JSON.stringify(inRep.slice(0, 5)));
  ok(during.some((d) => d.last === 'pause'), 'the charts are drawn at the pauses while the run goes on',
    JSON.stringify(during.map((d) => d.last)));
  const wakes = await page.evaluate(() => window.wakeLog);
  // the page's own: a mutation, or a callback set by the page's modules (not
  // the test's own polling, which playwright evaluates; nor the frame that
  // Chart.js asks for when a chart's box changes size after a redraw at a
  // pause and a loaded machine delays that frame: a draw it makes would be
  // caught by the check on chart draws above)
  const own = (w) => w.what === 'mutation' || (/https?:\/\//.test(w.detail) && !/chart[\w.-]*\.umd\.js/.test(w.detail));
  const wakesInRep = wakes.filter((w) => own(w) && w.running && REP_LINES_IN_PAGE.includes(w.last));
  ok(wakes.some((w) => w.running && w.what === 'mutation' && w.last === 'pause'), 'the page changes at the pauses',
    JSON.stringify(wakes.slice(0, 10)));
  ok(wakesInRep.length === 0, 'no DOM mutation, timer or animation frame while a rep runs',
    JSON.stringify(wakesInRep.slice(0, 8)));
  const repTable = wakes.filter((w) => w.running && w.what === 'mutation' && /reptable/.test(w.detail));
  ok(repTable.length === 0, 'the closed per-rep table is filled once, at the end, not at every pause', JSON.stringify(repTable));
  const filled = await page.$$eval('#reptable tbody tr', (rows) => rows.length);
  ok(filled === 8, 'and holds every rep then', filled);
  const results = lines.filter((l) => l.type === 'result').length;
  const shown = await page.evaluate(() => window.ipcscope.state.run.order.reduce(
    (n, name) => n + window.ipcscope.state.run.mechs.get(name).results.length, 0));
  ok(results === 8 && shown === 8, 'at the end the model holds every rep', `${results} result lines, ${shown} in the model`);
  const status = await page.evaluate(() => window.ipcscope.state.run.status);
  ok(status === 'ok', 'the run ended ok', status);

  // demos: a demo of jobs asks for the pauses, an experiment demo does not
  requests.length = 0;
  await load(page, `${base}/#view=demos`);
  await page.waitForSelector('.demo-run[data-name="threads-vs-processes"]', { timeout: 10000 });
  await page.click('.demo-run[data-name="threads-vs-processes"]');
  await waitRunDone(page, 'demo', 60000);
  const jobsUrl = requests.find((u) => u.includes('/api/demos/threads-vs-processes'));
  ok(jobsUrl && /[?&]gap=0\.2(&|$)/.test(jobsUrl), 'a demo of jobs asks for the pauses', jobsUrl);
  const demoStatus = await page.evaluate(() => window.ipcscope.state.demo.status);
  ok(demoStatus === 'ok', 'and ends ok', demoStatus);
  await load(page, `${base}/#view=demos`);
  await page.waitForSelector('.demo-run[data-name="race"]', { timeout: 10000 });
  await page.click('.demo-run[data-name="race"]');
  await waitRunDone(page, 'demo', 60000);
  const expUrl = requests.find((u) => u.includes('/api/demos/race'));
  ok(expUrl && !/gap=/.test(expUrl), 'an experiment demo is asked for no pause', expUrl);
  const expStatus = await page.evaluate(() => window.ipcscope.state.demo.status);
  ok(expStatus === 'ok', 'and ends ok', expStatus);
  step('demos');
});
