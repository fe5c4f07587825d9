// dashboard.test.mjs -- drives the dashboard in headless Chromium against a real
// `ipcscope serve`: a live compare, charts against the NDJSON, Stop, bad params,
// past runs, sharing, exports, phone width and projector mode. Prints TAP.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, BIN, OUT, CHROMIUM, CHROMIUM_ARGS, tap, sleep, stopServer, ndjson, load, waitReady, waitRunDone, runSuite } from './lib.mjs';

const TOTAL_LIMIT_MS = 240000;
const t = tap();
const ok = t.ok;
const step = t.step;

const close = (a, b) => typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

// ------------------------------------------------------------------ helpers in the page

async function openPage(ctx, url, consoleErrors) {
  const page = await ctx.newPage();
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  await page.goto(url);
  await waitReady(page);
  return page;
}

// chartValues: what the run view's charts currently hold (empty when a chart is not shown)
function chartValues(page) {
  return page.evaluate(() => {
    const f = window.ipcscope.figs.run;
    // a bar with a range is {y, yMin, yMax}; drawn says which element drew it
    // and whether it holds the whisker's ends in pixels
    const ranged = (v) => v !== null && typeof v === 'object';
    const ds = (ch) => (ch ? ch.data.datasets.map((d, j) => ({
      label: d.label, key: d.key,
      data: d.data.map((v) => (ranged(v) ? v.y : v)),
      whiskers: d.data.some(ranged) ? d.data.map((v) => (ranged(v) && v.yMin !== undefined ? [v.yMin, v.yMax] : null)) : null,
      drawn: ch.getDatasetMeta(j).data.map((el) => `${el.constructor.id}:${Number.isFinite(el.yMin) && Number.isFinite(el.yMax)}`),
    })) : []);
    const one = (k) => ({ labels: f[k].chart ? [...f[k].chart.data.labels] : [], type: f[k].chart ? f[k].chart.config.type : null, sets: ds(f[k].chart) });
    return {
      throughput: one('throughput'),
      latency: one('latency'),
      histogram: { ...one('histogram'), shown: window.ipcscope.state.histShown },
      cpu: one('cpu'),
    };
  });
}

// ------------------------------------------------------------------ checks

function checkThroughput(cv, summaries, metric, what) {
  const labels = cv.throughput.labels;
  const set = cv.throughput.sets[0];
  const bad = [];
  for (const s of summaries) {
    const i = labels.indexOf(s.mechanism);
    if (i < 0) { bad.push(`${s.mechanism} missing`); continue; }
    if (!close(set.data[i], s[metric].median)) bad.push(`${s.mechanism} bar ${set.data[i]} != median ${s[metric].median}`);
    if (!set.whiskers[i] || !close(set.whiskers[i][0], s[metric].min) || !close(set.whiskers[i][1], s[metric].max)) {
      bad.push(`${s.mechanism} whisker ${JSON.stringify(set.whiskers[i])} != ${s[metric].min}..${s[metric].max}`);
    }
  }
  ok(bad.length === 0 && labels.length === summaries.length, `${what}: throughput bars are the summary medians with min–max whiskers`, bad.join('; ') + ` labels=${labels}`);
  ok(cv.throughput.type === 'barWithErrorBars' && set.drawn.length === labels.length && set.drawn.every((d) => d === 'barWithErrorBar:true'),
    `${what}: the whiskers are drawn by the error-bar chart library`, `${cv.throughput.type} ${set.drawn}`);
}

function checkLatency(cv, summaries, results) {
  const bad = [];
  for (const s of summaries) {
    const i = cv.latency.labels.indexOf(s.mechanism);
    for (const set of cv.latency.sets) {
      const key = `latency_${set.key}_ns`;
      const want = s[key] ? s[key].median : undefined;
      if (want === undefined) {
        // the summary may not carry every percentile: the chart then shows the median over reps
        const vals = results.filter((r) => r.mechanism === s.mechanism).map((r) => r.latency_ns[set.key]).sort((a, b) => a - b);
        const m = vals.length % 2 ? vals[vals.length >> 1] : (vals[vals.length / 2 - 1] + vals[vals.length / 2]) / 2;
        if (!close(set.data[i], m)) bad.push(`${s.mechanism} ${set.label}: ${set.data[i]} != ${m}`);
      } else if (!close(set.data[i], want)) bad.push(`${s.mechanism} ${set.label}: ${set.data[i]} != ${want}`);
    }
  }
  ok(bad.length === 0 && cv.latency.labels.length === summaries.length, 'latency chart: p50/p90/p99/p999 per mechanism match the stream', bad.join('; '));
  const p50 = cv.latency.sets.find((x) => x.key === 'p50') || { whiskers: [], drawn: [] };
  const p99 = cv.latency.sets.find((x) => x.key === 'p99') || { data: [] };
  ok(cv.latency.type === 'barWithErrorBars' && p50.whiskers && p50.whiskers.every((w, i) => w && close(w[0], p50.data[i]) && close(w[1], p99.data[i])) &&
    p50.drawn.every((d) => d === 'barWithErrorBar:true'),
  'latency chart: the p50 bars carry p50–p99 whiskers drawn by the error-bar library', JSON.stringify(p50.whiskers) + ` ${p50.drawn}`);
  const shown = cv.histogram.shown;
  const last = results.filter((r) => r.mechanism === shown && r.histogram).pop();
  ok(last && JSON.stringify(cv.histogram.sets[0].data) === JSON.stringify(last.histogram.counts) &&
    cv.histogram.labels.length === last.histogram.counts.length,
  `histogram shows the last rep's bucket counts of ${shown}`, JSON.stringify(cv.histogram.sets[0].data).slice(0, 200));
}

function checkCpu(cv, results) {
  const bad = [];
  for (const set of cv.cpu.sets) {
    const [who, kind] = set.label.split(' ');
    cv.cpu.labels.forEach((mech, i) => {
      const vals = results.filter((r) => r.mechanism === mech).map((r) => (100 * r.cpu[who][`${kind}_s`]) / r.elapsed_s).sort((a, b) => a - b);
      const m = vals.length % 2 ? vals[vals.length >> 1] : (vals[vals.length / 2 - 1] + vals[vals.length / 2]) / 2;
      if (!(Math.abs(set.data[i] - m) < 1e-6)) bad.push(`${mech} ${set.label}: ${set.data[i]} != ${m}`);
    });
  }
  ok(bad.length === 0 && cv.cpu.sets.length === 4, 'CPU chart: user and sys of sender and receiver match the stream', bad.join('; '));
}

// ------------------------------------------------------------------ scenarios

async function compareRun(page, base, mode, consoleErrors) {
  const what = `${mode} compare shm-ring,pipe`;
  await load(page, `${base}/#view=run&mechanisms=shm-ring,pipe&mode=${mode}&count=300&reps=2`);
  const form = await page.evaluate(() => ({
    mechs: [...document.querySelectorAll('input[name="mech"]:checked')].map((c) => c.value),
    count: document.querySelector('input[name="count"]').value,
    reps: document.querySelector('input[name="reps"]').value,
  }));
  ok(form.mechs.join() === 'shm-ring,pipe' && form.count === '300' && form.reps === '2', `${what}: the URL restores the form`, JSON.stringify(form));

  const streamed = page.waitForResponse((r) => r.url().includes('/api/compare'));
  await page.click('#run');
  const resp = await streamed;
  ok(resp.status() === 200 && /ndjson/.test(resp.headers()['content-type'] || ''), `${what}: the page streams /api/compare as NDJSON`, resp.status());
  await waitRunDone(page);
  const st = await page.evaluate(() => ({ ids: window.ipcscope.state.run.runIds, status: window.ipcscope.state.run.status, lines: window.ipcscope.state.run.lines, hash: location.hash, text: document.querySelector('#status').textContent }));
  ok(st.status === 'ok' && /ok/.test(st.text), `${what}: the run ends ok and says so`, `${st.status} ${st.text}`);

  const stored = await ndjson(base, `/api/runs/${st.ids[0]}`);
  const lines = stored.lines;
  ok(stored.status === 200 && lines.length === st.lines.length && lines.at(-1).type === 'end',
    `${what}: the page received every line the server kept for ${st.ids[0]}`, `${lines.length} vs ${st.lines.length}`);
  const summaries = lines.filter((l) => l.type === 'summary');
  const results = lines.filter((l) => l.type === 'result');
  ok(summaries.length === 2 && results.length === 4, `${what}: stream has 2 summaries and 4 results`, `${summaries.length} ${results.length}`);

  const cv = await chartValues(page);
  checkThroughput(cv, summaries, 'msgs_per_s', what);
  await page.selectOption('#metric', 'bytes_per_s');
  await page.check('#logscale');
  const cv2 = await chartValues(page);
  checkThroughput(cv2, summaries, 'bytes_per_s', `${what} (bytes/s, log)`);
  const logType = await page.evaluate(() => window.ipcscope.figs.run.throughput.chart.options.scales.y.type);
  ok(logType === 'logarithmic', 'the log-scale toggle switches the throughput axis', logType);
  if (mode === 'latency') checkLatency(cv, summaries, results);
  checkCpu(cv, results);

  const comp = lines.find((l) => l.type === 'comparison');
  const table = await page.$$eval('#comparison tbody tr', (trs) => trs.map((tr) => tr.children[0].textContent));
  ok(comp && table.join() === comp.rows.map((r) => r.mechanism).join(), `${what}: comparison table lists the comparison rows`, table.join());
  ok(st.hash.includes('mechanisms=shm-ring,pipe') && st.hash.includes(`run=${st.ids[0]}`), `${what}: the URL now names the params and the run`, st.hash);
  ok(consoleErrors.length === 0, `${what}: no console error`, consoleErrors.join('\n'));
  return { ids: st.ids, summaries };
}

async function exportsAndShare(page) {
  await page.click('#copy-cli');
  const cli = await page.textContent('#command');
  ok(cli === 'ipcscope compare shm-ring,pipe --mode latency --count 300 --reps 2', 'copy as CLI gives the equivalent command', cli);
  await page.click('#copy-curl');
  const curl = await page.textContent('#command');
  ok(/^curl -N 'http:\/\/127\.0\.0\.1:\d+\/api\/compare\?mechanisms=shm-ring,pipe&mode=latency&count=300&reps=2'$/.test(curl), 'copy as curl gives the API request, quoted for the shell', curl);
  const files = {};
  for (const kind of ['ndjson', 'csv', 'png']) {
    const dl = page.waitForEvent('download');
    await page.click(`#view-run [data-export="${kind}"]`);
    const d = await dl;
    const p = path.join(OUT, `export.${kind}`);
    await d.saveAs(p);
    files[kind] = fs.readFileSync(p);
  }
  const nd = files.ndjson.toString().trim().split('\n').map((l) => JSON.parse(l));
  ok(nd[0].type === 'start' && nd.at(-1).type === 'end', 'NDJSON export holds the whole stream', nd.length);
  const csv = files.csv.toString().trim().split('\n');
  ok(csv[0].startsWith('mechanism,label,size,rep') && csv.length === 5, 'CSV export has a header and one row per rep', csv.length);
  const cliCsv = spawnSync(BIN, ['bench', 'pipe', '--count', '10', '--reps', '1', '--format', 'csv'], { encoding: 'utf8', timeout: 20000 });
  ok(cliCsv.status === 0 && csv[0] === cliCsv.stdout.split('\n')[0], "the page's CSV has the CLI's columns", `${csv[0]}\n${cliCsv.stdout.split('\n')[0]}`);
  ok(files.png.subarray(1, 4).toString() === 'PNG' && files.png.length > 5000, 'PNG export is an image of the charts', files.png.length);
}

async function stopCancels(page, base) {
  await load(page, `${base}/#view=run&mechanisms=pipe&duration=1&reps=5`);
  await page.click('#run');
  // the first rep's bar appears while the run is still going: charts follow the stream
  await page.waitForFunction(() => {
    const r = window.ipcscope.state.run;
    return r && r.runIds.length && r.lines.some((l) => l.includes('"result"'));
  }, null, { timeout: 20000 });
  const live = await page.evaluate(() => ({
    status: window.ipcscope.state.run.status,
    bar: window.ipcscope.figs.run.throughput.chart.data.datasets[0].data[0].y,
    result: JSON.parse(window.ipcscope.state.run.lines.find((l) => l.includes('"result"'))).msgs_per_s,
    progress: document.querySelector('#progress').textContent,
  }));
  ok(live.status === 'running' && live.bar === live.result && /rep [12]\/5/.test(live.progress),
    'while a run streams, the chart already shows rep 1 and progress shows the rep', JSON.stringify(live));
  await page.screenshot({ path: path.join(OUT, 'running-1280.png') });
  const id = await page.evaluate(() => window.ipcscope.state.run.runIds[0]);
  const before = await page.evaluate(() => ({ status: window.ipcscope.state.run.status, stop: !document.querySelector('#stop').disabled,
    messages: document.querySelector('#messages').textContent, last: window.ipcscope.state.run.lines.slice(-3) }));
  if (!before.stop) {
    ok(false, 'Stop is available while the run goes on', JSON.stringify(before));
    return;
  }
  await page.click('#stop');
  await waitRunDone(page, 'run', 10000);
  const msg = await page.textContent('#messages');
  ok(/Stopped/.test(msg), 'Stop says the run was stopped', msg);
  let status = '';
  for (let i = 0; i < 50 && status !== 'cancelled'; i++) {
    await sleep(200);
    const { lines } = await ndjson(base, `/api/runs/${id}`);
    const end = lines.find((l) => l.type === 'end');
    status = end ? end.status : '';
  }
  ok(status === 'cancelled', `Stop cancels run ${id} on the server (end status "${status}")`);
  const list = await (await fetch(`${base}/api/runs`)).json();
  const entry = (Array.isArray(list) ? list : list.runs).find((r) => r.id === id);
  ok(entry && entry.status === 'cancelled', '/api/runs lists it as cancelled', JSON.stringify(entry));
}

async function badParams(page, base, consoleErrors) {
  await load(page, `${base}/#view=run&mechanisms=pipe`);
  let apiRequests = 0;
  const onReq = (r) => { if (/\/api\/(bench|compare|sweep)/.test(r.url())) apiRequests += 1; };
  page.on('request', onReq);
  await page.fill('input[name="size"]', '12Q');
  await page.fill('input[name="reps"]', '0');
  await page.click('#run');
  await sleep(300);
  const errs = await page.$$eval('.field-error', (es) => es.map((e) => e.textContent));
  const msg = await page.textContent('#messages');
  ok(errs.some((e) => / for size: /.test(e)) && errs.some((e) => / for reps: /.test(e)) && /Not sent/.test(msg),
    'bad size and reps are refused in the form, naming the params', `${errs.join(' | ')} / ${msg}`);
  ok(apiRequests === 0, 'no request is sent for a refused form', apiRequests);
  await page.screenshot({ path: path.join(OUT, 'bad-param.png') });

  await page.fill('input[name="size"]', '1M');
  await page.check('input[name="mech"][value="eventfd"]');
  await page.fill('input[name="reps"]', '2');
  await page.click('#run');
  await sleep(200);
  const lim = await page.$$eval('.field-error', (es) => es.map((e) => e.textContent));
  ok(lim.some((e) => /eventfd/.test(e)), "a size beyond a mechanism's limit is refused with that limit", lim.join(' | '));
  page.off('request', onReq);

  // what the server refuses is shown too (the page's hook bypasses the form)
  const before = consoleErrors.length;
  await page.evaluate(() => window.ipcscope.startUrl('/api/bench/pipe?reps=0'));
  const shown = await page.textContent('#messages');
  ok(/reps/.test(shown) && /1\.\.100/.test(shown), "the server's 400 error is shown with its param and range", shown);
  await page.evaluate(() => window.ipcscope.startUrl('/api/bench/no-such-mech'));
  const shown404 = await page.textContent('#messages');
  ok(/no-such-mech|unknown|not found/i.test(shown404), 'an unknown mechanism (404) is shown as a message', shown404);
  // the browser itself logs the refused requests: the only console errors allowed here
  const extra = consoleErrors.slice(before).filter((e) => !/status of (400|404)/.test(e));
  ok(extra.length === 0, 'no other console error while showing server errors', extra.join('\n'));
  consoleErrors.length = before;
}

// openStream: starts a run from node and returns its first line and an abort
async function openStream(base, urlPath) {
  const ac = new AbortController();
  const res = await fetch(base + urlPath, { signal: ac.signal });
  const reader = res.body.getReader();
  let text = '';
  while (!text.includes('\n')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += Buffer.from(value).toString();
  }
  return { first: JSON.parse(text.split('\n')[0]), abort: () => ac.abort(), reader };
}

async function queueAndFull(page, base, consoleErrors) {
  const long = '/api/bench/pipe?duration=1&reps=10';
  const a = await openStream(base, long);
  const b = await openStream(base, long);
  ok(a.first.type === 'start' && b.first.type === 'queued', 'setup: one run going, one waiting (queue of 1)', `${a.first.type} ${b.first.type}`);
  const before = consoleErrors.length;
  try {
    await load(page, `${base}/#view=run&mechanisms=pipe&count=1000&reps=1`);
    await page.click('#run');
    await waitRunDone(page, 'run', 10000);
    const full = await page.textContent('#messages');
    ok(/queue is full/.test(full), 'a full queue (429) is shown as a message', full);
    b.abort();
    await sleep(300);
    await page.click('#run');
    await page.waitForFunction(() => /queue/.test(document.querySelector('#progress').textContent), null, { timeout: 10000 });
    const waiting = await page.textContent('#progress');
    ok(/position 1/.test(waiting), 'a queued run says where it waits', waiting);
    await page.screenshot({ path: path.join(OUT, 'queued-1280.png') });
    a.abort();
    await waitRunDone(page, 'run', 20000);
    const st = await page.evaluate(() => window.ipcscope.state.run.status);
    ok(st === 'ok', 'the queued run goes ahead once the one before it is cancelled', st);
  } finally {
    a.abort();
    b.abort();
  }
  const extra = consoleErrors.slice(before).filter((e) => !/status of 429/.test(e));
  ok(extra.length === 0, 'no other console error around the queue', extra.join('\n'));
  consoleErrors.length = before;
}

async function pastRuns(page, base, ids, summaries) {
  await load(page, `${base}/#view=runs`);
  await page.waitForSelector(`.open-run[data-id="${ids[0]}"]`, { timeout: 5000 });
  await page.screenshot({ path: path.join(OUT, 'past-runs.png') });
  await page.click(`.open-run[data-id="${ids[0]}"]`);
  await page.waitForFunction((id) => {
    const r = window.ipcscope.state.run;
    return r && r.runIds[0] === id && r.status !== 'running';
  }, ids[0], { timeout: 5000 });
  const cv = await chartValues(page);
  checkThroughput(cv, summaries, 'msgs_per_s', `reopened run ${ids[0]}`);
}

async function sweepView(page, base) {
  await load(page, `${base}/#view=sweep&mechanisms=shm-ring,pipe&sizes=64,4K,64K&count=500&reps=1`);
  await page.click('#run');
  await waitRunDone(page, 'sweep', 60000);
  const got = await page.evaluate(() => {
    const c = window.ipcscope.figs.sweep.chart;
    return { type: [c.options.scales.x.type, c.options.scales.y.type], chart: c.config.type, sets: c.data.datasets.map((d, j) => ({ label: d.label, pts: d.data.map((p) => p.x),
      ranged: d.data.every((p) => p.yMin <= p.y && p.y <= p.yMax),
      drawn: c.getDatasetMeta(j).data.every((el) => el.constructor.id === 'pointWithErrorBar' && Number.isFinite(el.yMin) && Number.isFinite(el.yMax)),
      radius: c.getDatasetMeta(j).data.map((el) => el.options.radius) })),
    status: window.ipcscope.state.sweep.map((m) => m.status) };
  });
  ok(got.chart === 'lineWithErrorBars' && got.sets.length === 2 && got.sets.every((s) => s.ranged && s.drawn && s.radius.every((r) => r === 5)),
    'sweep: each point carries its min–max, drawn as a whisker by the error-bar library on the log–log axes', JSON.stringify(got));
  ok(got.type.join() === 'logarithmic,logarithmic' && got.sets.length === 2 && got.sets.every((s) => s.pts.join() === '64,4096,65536') &&
    got.status.every((s) => s === 'ok'), 'sweep: log-log chart with a point per size for each mechanism', JSON.stringify(got));
  await page.screenshot({ path: path.join(OUT, 'sweep-1280.png') });
}

async function demosView(page, base) {
  const demos = await (await fetch(`${base}/api/demos`)).json();
  const list = Array.isArray(demos) ? demos : demos.demos || [];
  await load(page, `${base}/#view=demos`);
  await page.waitForFunction(() => !/loading/.test(document.querySelector('#demo-list').textContent), null, { timeout: 5000 });
  const text = await page.textContent('#demo-list');
  if (list.length === 0) ok(/No demos yet/.test(text), 'demos view: an empty catalogue says "no demos yet"', text);
  else ok(list.every((d) => text.includes(d.title || d.name)), `demos view lists the ${list.length} demos`, text.slice(0, 200));
  await page.screenshot({ path: path.join(OUT, 'demos.png') });
  if (!list.length) return;
  // run the first demo: its chart fills in and its lesson is shown in large text
  await page.click('.demo-run');
  await page.waitForFunction(() => window.ipcscope.state.demo && window.ipcscope.state.demo.status !== 'running', null, { timeout: 100000 });
  const got = await page.evaluate(() => ({
    status: window.ipcscope.state.demo.status,
    run: window.ipcscope.state.demo.runIds[0],
    lesson: document.querySelector('#demo-lesson').textContent,
    caution: document.querySelector('#demo-caution').textContent,
    labels: [...window.ipcscope.figs.demo.chart.data.labels],
    bars: window.ipcscope.figs.demo.chart.data.datasets[0].data.map((b) => (b && typeof b === 'object' ? b.y : b)),
  }));
  const { lines } = await ndjson(base, `/api/runs/${got.run}`);
  const lesson = lines.find((l) => l.type === 'lesson');
  const metric = list[0].metric;
  const medians = lines.filter((l) => l.type === 'summary').map((l) => l[metric] && l[metric].median);
  const jobs = (list[0].jobs || []).map((j) => j.label || j.mechanism);
  // an unreliable lesson's reason is the caution above it, not its first words
  const why = lesson && lesson.unreliable;
  const shown = lesson && (why ? lesson.text.replace(`Unreliable here (${why}), so take this with care: `, '') : lesson.text);
  ok(got.status === 'ok' && lesson && got.lesson === shown && (why ? got.caution.includes(why) : got.caution === ''),
    `demo ${list[0].name}: its computed lesson is shown, and any reason it is unreliable here above it`, JSON.stringify(got));
  // sync-tax draws each job's time per message as a multiple of the
  // spinning handoff's (its first job): the spin median over the job's
  const ratio = list[0].name === 'sync-tax';
  const want = ratio ? medians.map((v) => medians[0] / v) : medians;
  ok((!jobs.length || got.labels.join('|') === jobs.join('|')) && got.bars.length === medians.length && got.bars.every((v, i) => close(v, want[i])),
    `demo ${list[0].name}: one bar per job holding the summary's ${metric}${ratio ? ', as a multiple of the first job\'s time per message' : ''}`, `${got.labels.join('|')} / ${got.bars} / ${medians}`);
  await page.screenshot({ path: path.join(OUT, 'demo-run.png') });
  await load(page, `${base}/#view=demos&run=${got.run}`);
  await page.waitForFunction((id) => window.ipcscope.state.demo && window.ipcscope.state.demo.runIds[0] === id, got.run, { timeout: 5000 });
  const again = await page.evaluate(() => ({
    lesson: document.querySelector('#demo-lesson').textContent,
    bars: window.ipcscope.figs.demo.chart.data.datasets[0].data.map((b) => (b && typeof b === 'object' ? b.y : b)),
  }));
  ok(again.lesson === got.lesson && again.bars.join() === got.bars.join(), `demo run ${got.run} reopens with its chart and lesson`, JSON.stringify(again).slice(0, 300));
}

async function layouts(browserCtx, base, runId, consoleErrors) {
  const phone = await browserCtx.newPage();
  phone.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  await phone.setViewportSize({ width: 390, height: 844 });
  // a shared link to a past run reopens it with its charts
  await load(phone, `${base}/#view=run&run=${runId}`);
  await phone.waitForFunction((id) => {
    const r = window.ipcscope.state.run;
    const lat = window.ipcscope.figs.run.latency.chart;
    return r && r.runIds[0] === id && r.status === 'ok' && lat && lat.data.labels.length === 2;
  }, runId, { timeout: 10000 });
  ok(true, `a link with run=${runId} reopens that run`);
  const fit = await phone.evaluate(() => ({ sw: document.documentElement.scrollWidth, w: window.innerWidth,
    charts: [...document.querySelectorAll('#charts .chart:not([hidden]) canvas')].map((c) => c.getBoundingClientRect().width) }));
  ok(fit.sw <= fit.w && fit.charts.length === 4 && fit.charts.every((w) => w > 300 && w <= fit.w), 'phone width: no sideways scrolling, charts fill the width', JSON.stringify(fit));
  await phone.screenshot({ path: path.join(OUT, 'phone-390.png'), fullPage: true });

  await phone.setViewportSize({ width: 1280, height: 720 });
  await phone.click('#projector');
  const proj = await phone.evaluate(() => ({
    visible: [...document.querySelectorAll('#charts .chart')].filter((f) => f.offsetParent).length,
    font: getComputedStyle(document.body).fontSize,
    bg: getComputedStyle(document.body).backgroundColor,
  }));
  ok(proj.visible === 1 && parseFloat(proj.font) >= 20 && proj.bg === 'rgb(0, 0, 0)', 'projector mode: one chart, large type, high contrast', JSON.stringify(proj));
  await phone.screenshot({ path: path.join(OUT, 'projector-1.png') });
  await phone.click('#next-chart');
  await phone.screenshot({ path: path.join(OUT, 'projector-2.png') });
  await phone.click('#projector');
  await phone.close();
}

// serverGone: the server stops in the middle of a run; the page must say so
async function serverGone(page, server) {
  await load(page, `${server.base}/#view=run&mechanisms=pipe&duration=1&reps=10`);
  await page.click('#run');
  await page.waitForFunction(() => {
    const r = window.ipcscope.state.run;
    return r && r.lines.some((l) => l.includes('"progress"'));
  }, null, { timeout: 20000 });
  await stopServer(server.child);
  await waitRunDone(page, 'run', 15000);
  const got = await page.evaluate(() => ({ status: window.ipcscope.state.run.status, msg: document.querySelector('#messages').textContent, text: document.querySelector('#status').textContent }));
  ok(got.status !== 'ok' && got.status !== 'running' && got.msg.length > 10, 'a server that stops mid-run leaves a visible message, not a silent chart', JSON.stringify(got));
  await page.screenshot({ path: path.join(OUT, 'server-gone.png') });
  await page.click('#run');
  await waitRunDone(page, 'run', 15000);
  const msg = await page.textContent('#messages');
  ok(/cannot be reached/.test(msg), 'Run with the server gone says it cannot be reached', msg);
}

// ------------------------------------------------------------------ main

runSuite(t, {
  name: 'browser', limitMs: TOTAL_LIMIT_MS,
  open: (tmp) => chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1280, height: 720 }, acceptDownloads: true, args: CHROMIUM_ARGS,
  }),
}, async ({ base, server, browser: ctx }) => {
  for (const p of ctx.pages()) await p.close();
  const consoleErrors = [];
  const page = await openPage(ctx, `${base}/`, consoleErrors);
  const first = await page.evaluate(() => ({
    mechs: [...document.querySelectorAll('input[name="mech"]')].map((c) => c.value),
    summaries: [...document.querySelectorAll('.mech .summary')].map((s) => s.textContent),
    system: document.querySelector('#system').textContent,
  }));
  const cat = await (await fetch(`${base}/api/mechanisms`)).json();
  const catList = Array.isArray(cat) ? cat : cat.mechanisms;
  const shownPairs = first.mechs.map((m, i) => `${m}: ${first.summaries[i]}`).sort();
  const wantPairs = catList.map((m) => `${m.name}: ${m.summary}`).sort();
  ok(shownPairs.join('\n') === wantPairs.join('\n'),
    'the catalogue lists every mechanism with its one-sentence summary', `${first.mechs.join()} / ${first.summaries.join('|').slice(0, 300)}`);
  ok(/CPU/.test(first.system) && /kernel/.test(first.system) && /clock/.test(first.system) && /cores/.test(first.system),
    'machine info shows CPU, cores, kernel and clock source', first.system);
  await page.screenshot({ path: path.join(OUT, 'start-1280.png') });
  step('start');

  const thr = await compareRun(page, base, 'throughput', consoleErrors);
  step('compareRun');
  await page.screenshot({ path: path.join(OUT, 'compare-throughput-1280.png') });
  const lat = await compareRun(page, base, 'latency', consoleErrors);
  step('latency compare');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(OUT, 'compare-latency-1280.png') });
  await page.screenshot({ path: path.join(OUT, 'compare-latency-full.png'), fullPage: true });
  await exportsAndShare(page);
  step('exportsAndShare');
  await stopCancels(page, base);
  step('stopCancels');
  await badParams(page, base, consoleErrors);
  step('badParams');
  await queueAndFull(page, base, consoleErrors);
  step('queueAndFull');
  await pastRuns(page, base, thr.ids, thr.summaries);
  step('pastRuns');
  await sweepView(page, base);
  step('sweepView');
  await demosView(page, base);
  step('demosView');
  await layouts(ctx, base, lat.ids[0], consoleErrors);
  step('layouts');
  ok(consoleErrors.length === 0, 'no console error on any page', consoleErrors.join('\n'));
  await serverGone(page, server);
  step('serverGone');
});
