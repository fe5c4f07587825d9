// demo-params.test.mjs -- a demo's own params on the page: in headless
// Chromium each demo card shows the params its catalogue entry declares
// (an experiment's, or the common params a demo of jobs sets), checked as
// typed with the server's own refusal, carried into the command line, the
// curl line, the run's request and the stored run.
// Prints TAP.
import { chromium, CHROMIUM, CHROMIUM_ARGS, tap, load, runSuite, waitRunDone } from './lib.mjs';

const TOTAL_LIMIT_MS = 90000;

const t = tap();
const { ok, step } = t;

await runSuite(t, {
  name: 'demo-params', limitMs: TOTAL_LIMIT_MS,
  open: () => chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
}, async ({ base, browser }) => {
  const demos = await (await fetch(`${base}/api/demos`, { signal: AbortSignal.timeout(10000) })).json();
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const requests = [];
  page.on('request', (r) => { if (r.url().includes('/api/demos/')) requests.push(r.url()); });
  await load(page, `${base}/#view=demos`);
  await page.waitForSelector('article.demo');
  step('the demos view');

  // every card shows exactly the params its catalogue entry declares
  const shown = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('article.demo')]
    .map((a) => [a.dataset.name, [...a.querySelectorAll('input[data-param]')].map((i) => `${i.dataset.param}=${i.value}`)])));
  const wrong = demos.filter((d) => {
    const want = d.kind === 'experiment' ? (d.params || []).map((p) => `${p.name}=${p.default}`)
      : String(d.defaults || '').split(/\s+/).filter(Boolean);
    return JSON.stringify(shown[d.name]) !== JSON.stringify(want);
  }).map((d) => `${d.name}: ${JSON.stringify(shown[d.name])}`);
  ok(wrong.length === 0, `each of the ${demos.length} demo cards shows its declared params with their defaults`, wrong.join('\n'));

  const card = 'article.demo[data-name="decide"]';
  const decide = demos.find((d) => d.name === 'decide');
  const size = decide.params.find((p) => p.name === 'size');
  // past the range, as typed: the server's own refusal, Run disabled
  await page.fill(`${card} input[data-param="size"]`, '');
  await page.type(`${card} input[data-param="size"]`, String(size.max + 1));
  const bad = await page.evaluate((c) => ({
    error: document.querySelector(`${c} label[data-for="size"] .field-error`)?.textContent || '',
    run: document.querySelector(`${c} .demo-run`).disabled,
  }), card);
  const server = await (await fetch(`${base}/api/demos/decide?size=${size.max + 1}`, { signal: AbortSignal.timeout(10000) })).json();
  ok(bad.error && bad.error === server.error?.message && bad.run,
    'decide: a size past its range is refused as typed with the server\'s message, and Run is disabled', JSON.stringify({ bad, server }));
  await page.fill(`${card} input[data-param="size"]`, '64K');
  await page.fill(`${card} input[data-param="remote"]`, '1');
  await page.fill(`${card} input[data-param="duration"]`, '0.02');
  await page.fill(`${card} input[data-param="reps"]`, '1');
  const cmd = await page.textContent(`${card} .demo-command`);
  ok(cmd === 'ipcscope demo decide --remote 1 --size 64K --duration 0.02 --reps 1',
    'decide: the command line carries the params as set', cmd);
  await page.click(`${card} button[data-copy="curl"]`);
  const curl = await page.textContent(`${card} .demo-command`);
  ok(curl === `curl -N '${base}/api/demos/decide?remote=1&size=64K&duration=0.02&reps=1'`, 'decide: copy as curl carries them too', curl);

  await page.click(`${card} .demo-run`);
  await waitRunDone(page, 'demo', 60000);
  const req = requests.find((u) => u.includes('/api/demos/decide'));
  ok(req && req.endsWith('/api/demos/decide?remote=1&size=64K&duration=0.02&reps=1'), 'Run asks for the demo with the params as set', req);
  const got = await page.evaluate(() => ({ run: window.ipcscope.state.demo.runIds[0], status: window.ipcscope.state.demo.status }));
  const stored = await (await fetch(`${base}/api/runs/${got.run}`, { signal: AbortSignal.timeout(10000) })).text();
  const start = JSON.parse(stored.split('\n')[0]);
  ok(got.status === 'ok' && start.params?.size === 65536 && start.params?.remote === 1,
    'the stored run holds the params it ran with (size 64K, remote)', JSON.stringify(start.params));
  requests.length = 0;
  await page.click('#demo-again');
  await waitRunDone(page, 'demo', 60000);
  ok(requests.some((u) => u.endsWith('/api/demos/decide?remote=1&size=64K&duration=0.02&reps=1')), '"Run demo again" keeps the params', requests.join(' '));
  step('decide with its params');

  // a demo of jobs: its common params, with the ranges of GET /api/params
  const jobs = demos.find((d) => d.kind === 'jobs' && /(^| )reps=/.test(d.defaults || ''));
  const jcard = `article.demo[data-name="${jobs.name}"]`;
  await page.click('#demo-back');
  await page.fill(`${jcard} input[data-param="reps"]`, '1000');
  const jerr = await page.evaluate((c) => document.querySelector(`${c} label[data-for="reps"] .field-error`)?.textContent || '', jcard);
  const jserver = await (await fetch(`${base}/api/demos/${jobs.name}?reps=1000`, { signal: AbortSignal.timeout(10000) })).json();
  ok(jerr && jerr === jserver.error?.message, `${jobs.name}: reps=1000 is refused as typed with the server's message`, JSON.stringify({ jerr, jserver }));
  await page.fill(`${jcard} input[data-param="reps"]`, '3');
  const jcmd = await page.textContent(`${jcard} .demo-command`);
  ok(jcmd === `ipcscope demo ${jobs.name} --reps 3`, `${jobs.name}: the command line carries reps=3`, jcmd);
  await page.close();
});
