// pacing.test.mjs -- the page draws in the pauses a run makes for it, never
// while a rep runs: in headless Chromium, a compare started with Run asks
// for gap=, every chart draw during the run happens after a line that is not
// a rep's (start, pause, summary, comparison, end), the charts still fill
// while it runs (at its pauses), and they hold every rep at the end; a demo
// of jobs asks for the pauses too, an experiment demo (no reps) does not.
// Prints TAP.
import { chromium, CHROMIUM, CHROMIUM_ARGS, tap, load, runSuite, waitRunDone } from './lib.mjs';

const TOTAL_LIMIT_MS = 120000;
const REP_LINES = ['progress', 'result'];

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

await runSuite(t, {
  name: 'pacing', limitMs: TOTAL_LIMIT_MS,
  open: () => chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
}, async ({ base, browser }) => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const requests = [];
  page.on('request', (r) => { if (r.url().includes('/api/')) requests.push(r.url()); });
  // four reps of two mechanisms, 0.3 s each: the run pauses at least once
  await load(page, `${base}/#view=run&mechanisms=shm,pipe&duration=0.3&reps=4&ci=0`);
  await watchDraws(page);
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
