// app.js -- the ipcscope dashboard: catalogue, form, live runs, sweeps, demos, past runs
'use strict';

import { streamRun, getJson, getText, StreamError } from './stream.js';
import { RunModel, PERCENTILES } from './model.js';
import { RunCharts, SweepChart, DemoChart, fmtNum, fmtNs, fmtBytes } from './charts.js';
import { readForm, writeForm, syncAmount, validate, apiUrls, cliCommand, curlCommand, shareHash, parseShare } from './form.js';

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

const state = {
  view: 'run',
  projector: false,
  catalogue: new Map(),
  system: null,
  ncpu: 0,
  run: null,            // RunModel of the run view
  sweep: [],            // RunModels of the sweep view, one per mechanism
  demo: null,           // RunModel of the demo being shown
  demoInfo: null,
  abort: null,          // AbortController of the request in flight
  busy: false,
  chartIndex: 0,
};
const charts = { run: null, sweep: null, demo: null };

// ---------------------------------------------------------------- messages

function showMessage(text, kind = 'error') {
  const box = $('#messages');
  const div = document.createElement('div');
  div.className = `msg ${kind}`;
  div.textContent = text;
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'close';
  close.textContent = '×';
  close.setAttribute('aria-label', 'dismiss');
  close.addEventListener('click', () => div.remove());
  div.append(close);
  box.append(div);
  if (kind !== 'error') setTimeout(() => div.remove(), 4000);
}

function clearMessages() {
  $('#messages').replaceChildren();
  $$('.field-error').forEach((e) => e.remove());
  $$('.invalid').forEach((e) => e.classList.remove('invalid'));
}

// showFieldErrors: marks each bad field and lists the problems at the top
function showFieldErrors(errs) {
  for (const e of errs) {
    const host = e.field === 'mech' ? $('#mechlist') : $(`label[data-for="${e.field}"]`);
    if (!host) continue;
    host.classList.add('invalid');
    const p = document.createElement('span');
    p.className = 'field-error';
    p.textContent = e.message;
    host.append(p);
  }
  showMessage(`Not sent — fix these first: ${errs.map((e) => e.message).join('; ')}`);
}

// ---------------------------------------------------------------- machine and catalogue

const SYSTEM_KEYS = [
  ['cpu_model', 'CPU'], ['cores', 'cores'], ['arch', 'arch'], ['kernel', 'kernel'], ['clock_source', 'clock'],
  ['memory_bytes', 'memory'], ['limits.pipe_max_size', 'pipe-max-size'], ['limits.mqueue_msgsize_max', 'mq msgsize_max'],
  ['limits.mqueue_msg_max', 'mq msg_max'], ['limits.sysv_msgmax', 'SysV msgmax'],
];

function lookup(obj, path) {
  return path.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), obj);
}

function systemValue(key, v) {
  if (key === 'memory_bytes' && typeof v === 'number') return `${(v / 2 ** 30).toFixed(1)} GiB`;
  if (/size|msgmax/.test(key) && typeof v === 'number') return fmtBytes(v);
  return String(v);
}

function cpuCount(sys) {
  for (const k of ['cores', 'cpus', 'online_cpus', 'ncpu', 'nproc']) {
    if (Number.isInteger(sys[k])) return sys[k];
  }
  return 0;
}

function renderSystem(sys) {
  const box = $('#system');
  const parts = [];
  for (const [k, label] of SYSTEM_KEYS) {
    const v = lookup(sys, k);
    if (v === undefined || v === null || typeof v === 'object') continue;
    parts.push(`<span><b>${esc(label)}</b> ${esc(systemValue(k, v))}</span>`);
  }
  box.innerHTML = parts.length ? parts.join('') : '<span>machine info: (none reported)</span>';
  box.title = JSON.stringify(sys, null, 1);
  state.ncpu = cpuCount(sys);
  if (state.ncpu) $('#pin-hint').textContent = `split, same, none, or two CPUs A,B in 0..${state.ncpu - 1}`;
}

function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

function listOf(body, key) {
  if (Array.isArray(body)) return body;
  if (body && Array.isArray(body[key])) return body[key];
  return [];
}

function sizeRange(s) {
  if (!s) return '';
  return s.min === s.max ? `fixed ${fmtBytes(s.min)}` : `${fmtBytes(s.min)}–${fmtBytes(s.max)}`;
}

function renderCatalogue(list) {
  state.catalogue = new Map(list.map((m) => [m.name, m]));
  const byFamily = new Map();
  for (const m of list) {
    const fam = m.family || 'other';
    if (!byFamily.has(fam)) byFamily.set(fam, []);
    byFamily.get(fam).push(m);
  }
  const html = [];
  for (const [fam, ms] of byFamily) {
    html.push(`<div class="family"><h3>${esc(fam)}</h3>`);
    for (const m of ms) {
      const sizes = m.sizes ? `<span class="range" title="${esc(m.sizes.why || '')}">${esc(sizeRange(m.sizes))}</span>` : '';
      const extra = [m.copies ? `copies: ${m.copies}` : '', m.cleanup ? `cleanup: ${m.cleanup}` : ''].filter(Boolean).join(' · ');
      html.push(`<label class="mech" title="${esc(extra)}"><input type="checkbox" name="mech" value="${esc(m.name)}">` +
        `<span class="name">${esc(m.name)}</span>${sizes}<span class="summary">${esc(m.summary || '')}</span></label>`);
    }
    html.push('</div>');
  }
  $('#mechlist').innerHTML = html.join('') || 'the server lists no mechanisms';
  $$('#mechlist input').forEach((c) => c.addEventListener('change', updateCommand));
}

async function loadBasics() {
  const [sys, mechs] = await Promise.allSettled([getJson('/api/system'), getJson('/api/mechanisms')]);
  if (sys.status === 'fulfilled') renderSystem(sys.value.system || sys.value);
  else {
    $('#system').textContent = 'machine info unavailable';
    showMessage(`Could not load machine info: ${sys.reason.message}`);
  }
  if (mechs.status === 'fulfilled') renderCatalogue(listOf(mechs.value, 'mechanisms'));
  else {
    $('#mechlist').textContent = 'catalogue unavailable';
    showMessage(`Could not load the mechanism catalogue: ${mechs.reason.message}`);
  }
}

// ---------------------------------------------------------------- views

function setView(view) {
  state.view = view;
  $$('.tab').forEach((t) => t.classList.toggle('active', t.dataset.view === view));
  $$('.view').forEach((v) => { v.hidden = v.id !== `view-${view}`; });
  document.body.dataset.view = view;
  $('#run').textContent = view === 'sweep' ? 'Run sweep' : 'Run';
  setBusy(state.busy);
  if (view === 'runs') loadRuns();
  if (view === 'demos') loadDemos();
  updateCommand();
}

function setProjector(on) {
  state.projector = on;
  document.body.classList.toggle('projector', on);
  $('#projector').setAttribute('aria-pressed', String(on));
  buildCharts();
  showChart(state.chartIndex);
}

// showChart: in projector mode only one chart of the run view is visible
function showChart(i) {
  const figs = $$('#charts .chart');
  state.chartIndex = (i + figs.length) % figs.length;
  figs.forEach((f, j) => f.classList.toggle('current', j === state.chartIndex));
}

function chartOpts() {
  return {
    metric: $('#metric').value,
    log: $('#logscale').checked,
    projector: state.projector,
    histMech: $('#histmech').value,
  };
}

function buildCharts() {
  for (const c of Object.values(charts)) if (c) c.destroy();
  charts.run = new RunCharts({
    throughput: $('#c-throughput'), latency: $('#c-latency'), histogram: $('#c-histogram'), cpu: $('#c-cpu'),
  }, chartOpts());
  charts.sweep = new SweepChart($('#c-sweep'), { metric: $('#sweep-metric').value, projector: state.projector });
  charts.demo = new DemoChart($('#c-demo'), { projector: state.projector });
  renderRun();
  renderSweep();
  renderDemo();
}

// ---------------------------------------------------------------- rendering a run

function renderProgress(box, models) {
  const rows = [];
  for (const model of models) {
    if (model.queued) rows.push(`<div class="queued">waiting in the server's queue, position ${esc(model.queued)}</div>`);
    if (model.runDone !== null && model.order.length > 1) {
      rows.push(`<div class="prow whole"><span class="pname">whole run</span><progress max="1" value="${model.runDone.toFixed(3)}"></progress>` +
        `<span class="plabel">${Math.round(100 * model.runDone)} %</span></div>`);
    }
    for (const name of model.order) {
      const p = model.progressOf(name);
      rows.push(`<div class="prow"><span class="pname">${esc(name)}</span>` +
        `<progress max="1" value="${p.frac.toFixed(3)}"></progress><span class="plabel">${esc(p.label)}</span></div>`);
    }
  }
  box.innerHTML = rows.join('');
}

function statusText(model, what) {
  if (!model) return '';
  const id = model.runIds.length ? ` ${model.runIds.join(', ')}` : '';
  if (model.status === 'running') return `${what}${id}: ${model.queued ? 'waiting for the run ahead of it' : 'running…'}`;
  const t = model.elapsed !== null && model.elapsed !== undefined ? ` in ${Number(model.elapsed).toFixed(2)} s` : '';
  return `${what}${id}: ${model.status}${t}`;
}

function renderRun() {
  const model = state.run;
  if (!charts.run) return;
  const empty = model || new RunModel();
  charts.run.opts = chartOpts();
  charts.run.update(empty);
  const lat = empty.hasLatency();
  $('#latency-note').hidden = lat;
  $('#histogram-note').hidden = lat;
  renderHistSelect(empty);
  if (!model) return;
  $('#status').textContent = statusText(model, 'run');
  $('#status').className = `status ${model.status}`;
  renderProgress($('#progress'), [model]);
  renderComparison(model);
  renderRepTable(model);
}

function renderHistSelect(model) {
  const sel = $('#histmech');
  const names = model.order.filter((n) => model.lastHistogram(n));
  const have = $$('option', sel).map((o) => o.value).slice(1);
  if (have.join() === names.join()) return;
  const cur = sel.value;
  sel.innerHTML = '<option value="">first with latency</option>' + names.map((n) => `<option>${esc(n)}</option>`).join('');
  sel.value = names.includes(cur) ? cur : '';
}

function renderComparison(model, box = $('#comparison')) {
  const c = model.comparisons[model.comparisons.length - 1];
  if (!c || !Array.isArray(c.rows)) { box.innerHTML = ''; return; }
  const metric = c.metric || 'msgs_per_s';
  const fmt = metric.endsWith('_ns') ? fmtNs : (v) => fmtNum(v);
  const rows = c.rows.map((r) => `<tr><td>${esc(r.label || r.mechanism)}</td><td>${r.size ? esc(fmtBytes(r.size)) : ''}</td>` +
    `<td>${esc(fmt(r.median))}</td><td>${num(r.ratio)}×</td><td>${num(r.ci_low)}–${num(r.ci_high)}</td>` +
    `<td>${r.significant ? 'yes' : 'no (within noise)'}</td></tr>`).join('');
  const better = c.higher_is_better === false ? 'lower is better' : 'higher is better';
  box.innerHTML = `<h3>Comparison against ${esc(c.baseline_label || c.baseline)} (${esc(metric)}, ${better})</h3><table><thead><tr><th>mechanism</th><th>size</th>` +
    `<th>median</th><th>ratio</th><th>95 % CI</th><th>beyond noise</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function num(v) {
  return typeof v === 'number' ? esc(v.toPrecision(3)) : '–';
}

function renderRepTable(model) {
  const rows = [];
  for (const name of model.order) {
    for (const r of model.mechs.get(name).results) {
      const l = r.latency_ns || {};
      const bad = r.verified === false ? ` class="bad" title="lost ${r.lost}, duplicated ${r.duplicated}, reordered ${r.reordered}, corrupted ${r.corrupted}"` : '';
      rows.push(`<tr${bad}><td>${esc(name)}</td><td>${esc(r.rep)}</td><td>${r.size ? esc(fmtBytes(r.size)) : ''}</td>` +
        `<td>${esc(fmtNum(r.msgs_per_s))}</td><td>${esc(fmtNum(r.bytes_per_s, 'B/s'))}</td>` +
        `<td>${esc(fmtNs(l.p50))}</td><td>${esc(fmtNs(l.p99))}</td><td>${r.verified === undefined ? '' : r.verified ? 'yes' : 'NO'}</td></tr>`);
    }
  }
  $('#reptable').innerHTML = rows.length ? '<table><thead><tr><th>mechanism</th><th>rep</th><th>size</th><th>msg/s</th><th>bytes/s</th>' +
    `<th>p50</th><th>p99</th><th>verified</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : '';
}

function renderSweep() {
  if (!charts.sweep) return;
  charts.sweep.update(state.sweep);
  if (!state.sweep.length) return;
  renderProgress($('#sweep-progress'), state.sweep);
  const last = state.sweep[state.sweep.length - 1];
  $('#sweep-status').textContent = state.sweep.map((m) => statusText(m, `sweep ${m.order.join(',')}`)).join(' · ');
  $('#sweep-status').className = `status ${last.status}`;
}

function renderDemo() {
  if (!charts.demo || !state.demo) return;
  const info = state.demoInfo || {};
  const comp = state.demo.comparisons[state.demo.comparisons.length - 1];
  charts.demo.update(state.demo, info.title || info.name || 'demo', info.metric || (comp && comp.metric));
  renderComparison(state.demo, $('#demo-comparison'));
  $('#demo-status').textContent = statusText(state.demo, `demo ${info.name || ''}`);
  $('#demo-status').className = `status ${state.demo.status}`;
  $('#demo-lesson').textContent = state.demo.lesson || (state.demo.status === 'running' ? 'measuring…' : '');
}

// ---------------------------------------------------------------- running

function setBusy(busy) {
  state.busy = busy;
  $('#run').disabled = busy;
  $('#stop').disabled = !busy;
  $$('.demo-run, #demo-again').forEach((b) => { b.disabled = busy; });
  $('#demo-stop').disabled = !busy;
  $$('[data-export]').forEach((b) => { b.disabled = busy || !exportModels().length; });
}

// reportOutcome: makes sure a run that did not end well says so
function reportOutcome(model, res) {
  for (const e of model.errors) showMessage(`The run reported an error: ${e}`);
  if (res && !res.sawEnd) {
    model.status = 'broken';
    showMessage('The stream stopped before the run ended: the server went away or the connection broke.');
  } else if (model.status !== 'ok' && !model.errors.length) {
    showMessage(`The run ended with status "${model.status}".`);
  }
}

// quietWatch: warns once when a running stream has said nothing for a while
// (the server sends heartbeats, so silence means it is stuck or gone)
function quietWatch(model) {
  let warned = false;
  return setInterval(() => {
    if (warned || model.status !== 'running') return;
    if (Date.now() - model.lastLineAt > QUIET_MS) {
      warned = true;
      showMessage(`No word from the server for ${QUIET_MS / 1000} s: it may be stuck or gone. Stop gives up on this run.`);
    }
  }, 1000);
}
const QUIET_MS = 10000;

// stream: runs one request into model, calling render after every line
async function stream(url, model, render) {
  model.lastLineAt = Date.now();
  const watch = quietWatch(model);
  try {
    const res = await streamRun(url, (obj, text) => {
      model.add(obj, text);
      if (obj.type !== 'heartbeat') render();
    }, state.abort.signal);
    reportOutcome(model, res);
    return true;
  } catch (e) {
    if (e.name === 'AbortError') {
      model.status = 'cancelled';
      showMessage('Stopped: the server cancels the run when the page disconnects.', 'info');
    } else {
      model.status = 'failed';
      showMessage(e instanceof StreamError ? e.message : `Unexpected failure: ${e.message}`);
    }
    return false;
  } finally {
    clearInterval(watch);
    render();
  }
}

// checkedParams: the form's params if valid, else null with the errors shown
function checkedParams() {
  clearMessages();
  const p = readForm($('#form'));
  const errs = validate(p, state.view, state.catalogue, state.ncpu);
  if (errs.length) {
    showFieldErrors(errs);
    return null;
  }
  return p;
}

async function runView(p) {
  const [url] = apiUrls(p, 'run');
  state.run = new RunModel('run');
  state.run.params = p;
  renderRun();
  const ok = await stream(url, state.run, renderRun);
  if (ok && state.run.runIds.length) history.replaceState(null, '', shareHash(p, 'run', state.run.runIds[0]));
}

async function runSweep(p) {
  state.sweep = [];
  for (const url of apiUrls(p, 'sweep')) {
    const model = new RunModel('sweep');
    state.sweep.push(model);
    if (!await stream(url, model, renderSweep)) break;
  }
}

async function onRun(ev) {
  ev.preventDefault();
  if (state.busy || state.view === 'demos' || state.view === 'runs') return;
  const p = checkedParams();
  if (!p) return;
  const view = state.view;
  history.replaceState(null, '', shareHash(p, view));
  updateCommand();
  state.abort = new AbortController();
  setBusy(true);
  try {
    if (view === 'sweep') await runSweep(p);
    else await runView(p);
  } finally {
    setBusy(false);
  }
}

function onStop() {
  if (state.abort) state.abort.abort();
}

// startUrl: streams any API url into the run view (used by tests and past runs)
async function startUrl(url) {
  clearMessages();
  state.abort = new AbortController();
  state.run = new RunModel('run');
  setView('run');
  setBusy(true);
  try {
    await stream(url, state.run, renderRun);
  } finally {
    setBusy(false);
  }
}

// ---------------------------------------------------------------- share and export

function updateCommand() {
  const p = readForm($('#form'));
  const view = state.view === 'sweep' ? 'sweep' : 'run';
  $('#command').textContent = p.mechanisms.length ? cliCommand(p, view) : '';
}

async function copyCommand(kind) {
  const p = checkedParams();
  if (!p) return;
  const view = state.view === 'sweep' ? 'sweep' : 'run';
  const text = kind === 'curl' ? curlCommand(p, view, location.origin) : cliCommand(p, view);
  $('#command').textContent = text;
  history.replaceState(null, '', shareHash(p, view));
  try {
    await navigator.clipboard.writeText(text);
    showMessage(`Copied: ${text}`, 'info');
  } catch {
    showMessage('The browser refused the clipboard: select the command shown under the buttons and copy it.', 'info');
  }
}

function exportModels() {
  if (state.view === 'sweep') return state.sweep;
  if (state.view === 'demos') return state.demo ? [state.demo] : [];
  return state.run ? [state.run] : [];
}

function download(name, blobOrUrl) {
  const a = document.createElement('a');
  const url = typeof blobOrUrl === 'string' ? blobOrUrl : URL.createObjectURL(blobOrUrl);
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  if (typeof blobOrUrl !== 'string') setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const CSV_COLUMNS = ['mechanism', 'size', 'rep', 'count', 'elapsed_s', 'msgs_per_s', 'bytes_per_s',
  ...PERCENTILES.map((p) => `latency_${p}_ns`), 'sender_user_s', 'sender_sys_s', 'receiver_user_s', 'receiver_sys_s',
  'verified', 'lost', 'duplicated', 'reordered', 'corrupted', 'errors'];

// toCsv: one row per rep of every result line
function toCsv(models) {
  const cell = (v) => (v === undefined || v === null ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  const rows = [CSV_COLUMNS.join(',')];
  for (const model of models) {
    for (const e of model.mechs.values()) {
      for (const r of e.results) {
        const l = r.latency_ns || {};
        const c = r.cpu || {};
        const s = c.sender || {};
        const rc = c.receiver || {};
        rows.push([e.name, r.size, r.rep, r.count, r.elapsed_s, r.msgs_per_s, r.bytes_per_s,
          ...PERCENTILES.map((p) => l[p]), s.user_s, s.sys_s, rc.user_s, rc.sys_s,
          r.verified, r.lost, r.duplicated, r.reordered, r.corrupted, r.errors].map(cell).join(','));
      }
    }
  }
  return rows.join('\n') + '\n';
}

// toPng: every visible chart of the view stacked into one image
function toPng() {
  const canvases = $$(`#view-${state.view} canvas`).filter((c) => c.offsetParent && window.Chart.getChart(c));
  const w = Math.max(...canvases.map((c) => c.width));
  const h = canvases.reduce((s, c) => s + c.height, 0);
  const out = document.createElement('canvas');
  out.width = w;
  out.height = h;
  const ctx = out.getContext('2d');
  ctx.fillStyle = state.projector ? '#000' : '#fff';
  ctx.fillRect(0, 0, w, h);
  let y = 0;
  for (const c of canvases) {
    ctx.drawImage(c, 0, y);
    y += c.height;
  }
  return out.toDataURL('image/png');
}

function onExport(kind) {
  const models = exportModels();
  if (!models.length) return;
  const stamp = (models[0].runIds[0] || 'run') + (models.length > 1 ? `-and-${models.length - 1}-more` : '');
  if (kind === 'ndjson') {
    const text = models.map((m) => m.lines.join('\n') + '\n').join('');
    download(`ipcscope-${stamp}.ndjson`, new Blob([text], { type: 'application/x-ndjson' }));
  } else if (kind === 'csv') {
    download(`ipcscope-${stamp}.csv`, new Blob([toCsv(models)], { type: 'text/csv' }));
  } else {
    download(`ipcscope-${stamp}.png`, toPng());
  }
}

// ---------------------------------------------------------------- demos

async function loadDemos() {
  const box = $('#demo-list');
  let demos;
  try {
    demos = listOf(await getJson('/api/demos'), 'demos');
  } catch (e) {
    box.textContent = `Could not load the demos: ${e.message}`;
    return;
  }
  if (!demos.length) {
    box.innerHTML = '<p class="empty">No demos yet: this server offers none.</p>';
    return;
  }
  box.innerHTML = demos.map((d, i) => `<article class="demo"><h3>${esc(d.title || d.name)}</h3>` +
    `<p class="claim">${esc(d.claim || d.summary || '')}</p>` +
    (d.method ? `<p class="hint">${esc(d.method)}</p>` : '') +
    (d.defaults || d.params ? `<p class="hint">defaults: ${esc(demoDefaults(d))}</p>` : '') +
    `<button type="button" class="demo-run primary" data-demo="${i}">Run ${esc(d.name)}</button></article>`).join('');
  $$('.demo-run', box).forEach((b) => b.addEventListener('click', () => runDemo(demos[Number(b.dataset.demo)])));
  setBusy(state.busy);
}

function demoDefaults(d) {
  const v = d.defaults || d.params;
  if (typeof v === 'string') return v;
  return Object.entries(v).map(([k, x]) => `${k}=${x}`).join(' ');
}

// showDemo: puts a demo's model on the stage (a live run or a reopened one)
function showDemo(model, info) {
  state.demoInfo = info;
  state.demo = model;
  $('#demo-stage').hidden = false;
  $('#demo-list').hidden = true;
  $('#demo-title').textContent = info.title || info.name;
  $('#demo-claim').textContent = info.claim || '';
  $('#demo-comparison').replaceChildren();
  renderDemo();
}

async function runDemo(info) {
  if (state.busy) return;
  clearMessages();
  showDemo(new RunModel('demo'), info);
  state.abort = new AbortController();
  setBusy(true);
  try {
    await stream(`/api/demos/${encodeURIComponent(info.name)}`, state.demo, renderDemo);
  } finally {
    setBusy(false);
  }
}

// ---------------------------------------------------------------- past runs

function runId(r) {
  return r.id || r.run || '';
}

function runDescription(r) {
  if (r.request) return decodeURIComponent(String(r.request).replace(/^\/api\//, ''));
  const what = r.kind || r.command || '';
  let mechs = r.mechanisms || r.mechanism || r.target || '';
  if (Array.isArray(mechs)) mechs = mechs.join(',');
  return [what, mechs].filter(Boolean).join(' ');
}

function runWhen(r) {
  const t = r.created_at || r.started_at || r.started;
  if (typeof t === 'number') return new Date(t * 1000).toLocaleString();
  return t ? String(t) : '';
}

async function loadRuns() {
  const box = $('#runs-list');
  let runs;
  try {
    runs = listOf(await getJson('/api/runs'), 'runs');
  } catch (e) {
    box.textContent = `Could not load past runs: ${e.message}`;
    return;
  }
  if (!runs.length) {
    box.innerHTML = '<p class="empty">No runs yet.</p>';
    return;
  }
  box.innerHTML = '<table><thead><tr><th>run</th><th>what</th><th>status</th><th>when</th><th></th></tr></thead><tbody>' +
    runs.map((r) => `<tr><td>${esc(runId(r))}</td><td>${esc(runDescription(r))}</td><td>${esc(r.status || '')}</td>` +
      `<td>${esc(runWhen(r))}</td>` +
      `<td><button type="button" class="open-run" data-id="${esc(runId(r))}">open</button></td></tr>`).join('') +
    '</tbody></table>';
  $$('.open-run', box).forEach((b) => b.addEventListener('click', () => openRun(b.dataset.id)));
}

// replayInto: feeds stored NDJSON text to a fresh model
function replayInto(text, kind) {
  const model = new RunModel(kind);
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    try {
      model.add(JSON.parse(t), t);
    } catch {
      model.add({ type: 'error', message: `unreadable stored line: ${t.slice(0, 80)}` }, t);
    }
  }
  return model;
}

function paramsFromStart(model) {
  for (const e of model.mechs.values()) if (e.start && e.start.params) return e.start.params;
  return null;
}

async function openRun(id) {
  if (state.busy) return;
  clearMessages();
  let text;
  try {
    text = await getText(`/api/runs/${encodeURIComponent(id)}`);
  } catch (e) {
    showMessage(`Could not open run ${id}: ${e.message}`);
    return;
  }
  const probe = replayInto(text, 'replay');
  const params = paramsFromStart(probe) || {};
  const demoStart = probe.lines.map((l) => { try { return JSON.parse(l); } catch { return {}; } }).find((o) => o.type === 'start' && o.demo);
  if (demoStart) {
    showDemo(probe, { name: demoStart.demo, title: demoStart.title, claim: demoStart.claim });
    setView('demos');
    history.replaceState(null, '', `#view=demos&run=${encodeURIComponent(id)}`);
    return;
  }
  const isSweep = params.sizes !== undefined || probe.order.some((n) => new Set(probe.mechs.get(n).results.map((r) => r.size)).size > 1);
  if (isSweep) {
    state.sweep = [probe];
    setView('sweep');
    renderSweep();
  } else {
    state.run = probe;
    setView('run');
    renderRun();
  }
  for (const e of probe.errors) showMessage(`Run ${id} reported an error: ${e}`);
  if (probe.status !== 'ok') showMessage(`Run ${id} ended with status "${probe.status}".`, probe.status === 'cancelled' ? 'info' : 'error');
  history.replaceState(null, '', `#view=${isSweep ? 'sweep' : 'run'}&run=${encodeURIComponent(id)}`);
  setBusy(false);
}

// ---------------------------------------------------------------- start-up

function restoreFromUrl() {
  const p = parseShare(location);
  if (Object.keys(p).length) writeForm($('#form'), p);
  if (['run', 'sweep', 'demos', 'runs'].includes(p.view)) setView(p.view);
  if (p.run) openRun(p.run);
}

function wire() {
  const form = $('#form');
  form.addEventListener('submit', onRun);
  form.addEventListener('input', updateCommand);
  $$('input[name="amount"]').forEach((r) => r.addEventListener('change', () => { syncAmount(form); updateCommand(); }));
  $('#stop').addEventListener('click', onStop);
  $$('.tab').forEach((t) => t.addEventListener('click', () => setView(t.dataset.view)));
  $('#projector').addEventListener('click', () => setProjector(!state.projector));
  $('#metric').addEventListener('change', buildCharts);
  $('#logscale').addEventListener('change', buildCharts);
  $('#histmech').addEventListener('change', () => { charts.run.opts = chartOpts(); renderRun(); });
  $('#sweep-metric').addEventListener('change', buildCharts);
  $('#copy-curl').addEventListener('click', () => copyCommand('curl'));
  $('#copy-cli').addEventListener('click', () => copyCommand('cli'));
  $$('[data-export]').forEach((b) => b.addEventListener('click', () => onExport(b.dataset.export)));
  $('#refresh-runs').addEventListener('click', loadRuns);
  $('#demo-stop').addEventListener('click', onStop);
  $('#demo-again').addEventListener('click', () => { if (state.demoInfo) runDemo(state.demoInfo); });
  $('#demo-back').addEventListener('click', () => {
    if (state.busy) onStop();
    $('#demo-stage').hidden = true;
    $('#demo-list').hidden = false;
  });
  window.addEventListener('hashchange', restoreFromUrl);
  $('#prev-chart').addEventListener('click', () => showChart(state.chartIndex - 1));
  $('#next-chart').addEventListener('click', () => showChart(state.chartIndex + 1));
  document.addEventListener('keydown', (e) => {
    if (!state.projector || e.target.closest('input, select, textarea')) return;
    if (e.key === 'ArrowRight') showChart(state.chartIndex + 1);
    if (e.key === 'ArrowLeft') showChart(state.chartIndex - 1);
  });
}

async function main() {
  wire();
  syncAmount($('#form'));
  try {
    buildCharts();
  } catch (e) {
    showMessage(`The charts cannot be drawn: ${e.message}`);
  }
  showChart(0);
  await loadBasics();
  restoreFromUrl();
  updateCommand();
  window.ipcscope.ready = true;
}

// For the browser tests and the curious: the live state and chart objects.
window.ipcscope = { state, charts, startUrl, stop: onStop, ready: false };
main();
