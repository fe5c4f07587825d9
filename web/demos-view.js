// demos-view.js -- the demos view: the list, a demo's live stage and its lesson
'use strict';

import { RunModel } from './model.js';
import { demoSpec } from './other-charts.js';
import { pointsSpec, pointsTable } from './demo-points.js';
import { theme } from './chart-kit.js';
import { $, $$, esc, fetchList, clearMessages, announce } from './dom.js';
import { state, figs, ui } from './state.js';
import { renderProgress, statusText } from './progress.js';
import { renderComparison, trustNote, renderCautions, lessonParts } from './trust-view.js';
import { stream, withGap } from './running.js';

export function renderDemo() {
  const model = state.demo;
  if (!figs.demo || !model) return;
  const info = state.demoInfo || {};
  const comp = model.comparisons[model.comparisons.length - 1];
  const title = info.title || info.name || 'demo';
  if (model.chart) {            // a demo that runs its own experiment
    figs.demo.show(pointsSpec(model, title, theme(state.projector)));
    $('#demo-comparison').innerHTML = pointsTable(model, title);
  } else {
    figs.demo.show(demoSpec(model, title, info.metric || (comp && comp.metric), theme(state.projector)));
    renderComparison(model, $('#demo-comparison'));
  }
  renderProgress($('#demo-progress'), [model]);
  const status = statusText(model, `demo ${info.name || ''}`);
  $('#demo-status').textContent = status;
  $('#demo-status').className = `status ${model.status}`;
  $('#demo-lesson').textContent = lessonParts(model).text || (model.status === 'running' ? 'measuring…' : '');
  renderCautions(model, $('#demo-caution'));
  $('#demo-note').textContent = trustNote(model);
  if (model.status !== 'running') announce(`${status}. ${model.lesson || ''}`);
  ui.fitProjector();
}


export async function loadDemos() {
  const box = $('#demo-list');
  const demos = await fetchList(box, '/api/demos', 'demos', 'the demos', 'No demos yet: this server offers none.');
  if (!demos) return;
  box.innerHTML = demos.map((d, i) => `<article class="demo"><h2>${esc(d.title || d.name)}</h2>` +
    `<p class="claim">${esc(d.claim || d.summary || '')}</p>` +
    (d.method ? `<p class="hint">${esc(d.method)}</p>` : '') +
    (demoDefaults(d) ? `<p class="hint">defaults: ${esc(demoDefaults(d))}</p>` : '') +
    (d.expect_s > 0 ? `<p class="hint">takes about ${esc(Math.ceil(d.expect_s))} s</p>` : '') +
    `<button type="button" class="demo-run primary" data-demo="${i}" data-name="${esc(d.name)}">Run ${esc(d.name)}</button></article>`).join('');
  $$('.demo-run', box).forEach((b) => b.addEventListener('click', () => runDemo(demos[Number(b.dataset.demo)])));
  ui.setBusy(state.busy);
}

// demoDefaults: a demo's params and their defaults, "procs=4 adds=5M" ('' with none)
function demoDefaults(d) {
  const v = d.defaults || d.params;
  if (!v) return '';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((p) => (typeof p === 'object' ? `${p.name}=${p.default ?? ''}` : String(p))).join(' ');
  return Object.entries(v).map(([k, x]) => `${k}=${x}`).join(' ');
}

// showDemo: puts a demo's model on the stage (a live run or a reopened one)
export function showDemo(model, info) {
  state.demoInfo = info;
  state.demo = model;
  $('#demo-stage').hidden = false;
  $('#demo-list').hidden = true;
  $('#demo-title').textContent = info.title || info.name;
  $('#demo-claim').textContent = info.claim || '';
  $('#demo-comparison').replaceChildren();
  renderDemo();
}

export async function runDemo(info) {
  if (state.busy) return;
  clearMessages();
  showDemo(new RunModel('demo'), info);
  state.abort = new AbortController();
  ui.setBusy(true);
  try {
    // a demo of jobs pauses for the page between reps; an experiment has no reps
    const url = `/api/demos/${encodeURIComponent(info.name)}`;
    await stream(info.kind === 'jobs' ? withGap(url) : url, state.demo, renderDemo);
  } finally {
    ui.setBusy(false);
  }
}

