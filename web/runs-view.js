// runs-view.js -- past runs: the list kept by the server, and reopening one
'use strict';

import { getText } from './stream.js';
import { fmtSeconds } from './format.js';
import { RunModel } from './model.js';
import { $, $$, esc, fetchList, showMessage, clearMessages, markScroll } from './dom.js';
import { state, ui } from './state.js';
import { renderRun } from './run-view.js';
import { renderSweep, matchSweepMetric } from './sweep-view.js';
import { showDemo } from './demos-view.js';
import { renderDiffPicker } from './diff-view.js';
import { writeForm, mechOptions } from './form.js';

function runId(r) {
  return r.id || r.run || '';
}

// runDescription: what a run measured, as a person says it: "compare
// shm, pipe, unix, tcp · reps=5", "demo layers"
export function runDescription(r) {
  const what = r.kind || r.command || '';
  let target = r.target || r.mechanisms || r.mechanism || '';
  if (Array.isArray(target)) target = target.join(',');
  const query = r.request ? String(r.request).split('?')[1] || '' : '';
  const params = [...new URLSearchParams(query)].filter(([k]) => k !== 'mechanisms' && k !== 'token').map(([k, v]) => `${k}=${v}`);
  if (!what && r.request) return decodeURIComponent(String(r.request).replace(/^\/api\//, ''));
  return [[what, String(target).split(',').join(', ')].filter(Boolean).join(' '), ...params].join(' · ');
}

function runWhen(r) {
  const t = r.created_at || r.started_at || r.started;
  if (typeof t === 'number') return new Date(t * 1000).toLocaleString();
  return t ? String(t) : '';
}

export async function loadRuns() {
  const box = $('#runs-list');
  const runs = await fetchList(box, '/api/runs', 'runs', 'past runs', 'No runs yet.');
  renderDiffPicker(runs);
  if (!runs) return;
  // the open button and the status come first, so a phone sees them
  box.innerHTML = '<table><thead><tr><th scope="col">open</th><th scope="col">status</th><th scope="col">run</th><th scope="col">what</th><th scope="col">when</th><th scope="col">took</th></tr></thead><tbody>' +
    runs.map((r) => `<tr><td><button type="button" class="open-run" data-id="${esc(runId(r))}" aria-label="open run ${esc(runId(r))}">open</button></td>` +
      `<td class="st-${esc(r.status || '')}">${esc(r.status || '')}</td><th scope="row">${esc(runId(r))}</th><td>${esc(runDescription(r))}</td>` +
      `<td>${esc(runWhen(r))}</td><td>${typeof r.elapsed_s === 'number' ? esc(fmtSeconds(r.elapsed_s)) : ''}</td></tr>`).join('') +
    '</tbody></table>';
  $$('.open-run', box).forEach((b) => b.addEventListener('click', () => openRun(b.dataset.id)));
  markScroll(box);
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

async function fetchRun(id) {
  try {
    return replayInto(await getText(`/api/runs/${encodeURIComponent(id)}`), 'replay');
  } catch (e) {
    showMessage(`Could not open run ${id}: ${e.message}`);
    return null;
  }
}

// startOf: the first start line of a stored run
function startOf(model) {
  for (const l of model.lines) {
    try {
      const o = JSON.parse(l);
      if (o.type === 'start') return o;
    } catch {
      // an unreadable line was reported by replayInto
    }
  }
  return {};
}

// bytesText: 4096 as the form writes it, "4K"
function bytesText(n) {
  if (n >= 1048576 && n % 1048576 === 0) return `${n / 1048576}M`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024}K`;
  return String(n);
}

// settingsOf: the form's settings (as a shared URL gives them) of stored
// runs, from their start lines: what ran, not what the form held before
export function settingsOf(models, catalogue) {
  const params = startOf(models[0]).params || {};
  const mechs = [];
  for (const m of models) {
    const s = startOf(m);
    for (const x of [].concat(s.mechanisms || s.mechanism || [])) if (!mechs.includes(x)) mechs.push(x);
  }
  const text = (v) => (v === undefined || v === null ? '' : String(v));
  const p = {
    mechanisms: mechs.join(','), mode: params.mode || 'throughput', reps: text(params.reps),
    warmup: text(params.warmup), pin: text(params.pin) || 'split', ci: text(params.ci), peer: '',
    size: params.size === undefined ? '' : bytesText(params.size),
    sizes: Array.isArray(params.sizes) ? params.sizes.map(bytesText).join(',') : '',
    verify: params.verify === 0 ? '0' : '1',
  };
  if (params.count) p.count = String(params.count);
  else if (params.duration) p.duration = String(params.duration);
  for (const o of mechOptions(catalogue)) {
    // an option at its default is left at "default", as a fresh form has it
    p[o.name] = params[o.name] === undefined || params[o.name] === o.default ? '' : String(params[o.name]);
  }
  return p;
}

function isSweepRun(model) {
  const params = paramsFromStart(model) || {};
  return params.sizes !== undefined || startOf(model).command === 'sweep' ||
    model.order.some((n) => new Set(model.mechs.get(n).results.map((r) => r.size)).size > 1);
}

// openRun: reopens a stored run (or several, comma-separated: the runs of
// one sweep) in the view it came from
export async function openRun(ids) {
  if (state.busy) return;
  clearMessages();
  const list = String(ids).split(',').filter(Boolean);
  const models = [];
  for (const id of list) {
    const m = await fetchRun(id);
    if (m) models.push(m);
  }
  if (!models.length) return;
  const probe = models[0];
  const demoStart = startOf(probe);
  if (demoStart.demo) {
    showDemo(probe, { name: demoStart.demo, title: demoStart.title, claim: demoStart.claim, metric: demoStart.metric });
    ui.setView('demos');
    history.replaceState(null, '', `#view=demos&run=${encodeURIComponent(list[0])}`);
    return;
  }
  const isSweep = models.length > 1 || isSweepRun(probe);
  writeForm($('#form'), settingsOf(models, state.catalogue));
  if (isSweep) {
    state.sweep = models;
    matchSweepMetric((paramsFromStart(probe) || {}).mode || probe.mode);
    ui.setView('sweep');
    renderSweep();
  } else {
    state.run = probe;
    ui.setView('run');
    renderRun();
  }
  for (const m of models) {
    const id = m.runIds[0] || '';
    for (const e of m.errors) showMessage(`Run ${id} reported an error: ${e}`);
    if (m.status !== 'ok') showMessage(`Run ${id} ended with status "${m.status}".`, m.status === 'cancelled' ? 'info' : 'error');
  }
  history.replaceState(null, '', `#view=${isSweep ? 'sweep' : 'run'}&run=${list.map(encodeURIComponent).join(',')}`);
  ui.setBusy(false);
  ui.updateCommand();
}
