// demos-view.js -- the demos view: the list, a demo's live stage and its lesson
'use strict';

import { RunModel } from './model.js';
import { demoSpec } from './other-charts.js';
import { ratioSpec, hasRatioChart } from './demo-ratios.js';
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
  } else if (hasRatioChart(info.name)) {
    figs.demo.show(ratioSpec(info.name, model, title, theme(state.projector)));
    renderComparison(model, $('#demo-comparison'));
  } else {
    figs.demo.show(demoSpec(model, title, info.metric || (comp && comp.metric), theme(state.projector)));
    renderComparison(model, $('#demo-comparison'));
  }
  renderProgress($('#demo-progress'), [model]);
  const status = statusText(model, `demo ${info.name || ''}`);
  $('#demo-status').textContent = status;
  $('#demo-status').className = `status ${model.status}`;
  renderLesson(model);
  renderCautions(model, $('#demo-caution'));
  $('#demo-note').textContent = trustNote(model);
  if (model.status !== 'running') announce(`${status}. ${model.lesson || ''}`);
  ui.fitProjector();
}

const SUPPORT_MAX = 2;

// sentencesOf: text cut where a sentence ends ('.', '!' or '?' before a
// space or the end), as the server cuts a lesson
export function sentencesOf(text) {
  return (String(text).match(/[^]*?[.!?](?= |$)|[^]+$/g) || []).map((s) => s.trim()).filter(Boolean);
}

// lessonBlocks: a lesson as the page shows it: the headline with its key
// number, at most two supporting sentences and the notes folded below;
// from the lesson line's own split, or (for a lesson stored before the
// line carried it) its text cut the same way
export function lessonBlocks(model) {
  if (model && model.lessonSplit) return model.lessonSplit;
  const s = sentencesOf(lessonParts(model).text);
  return { headline: s[0] || '', support: s.slice(1, 1 + SUPPORT_MAX), notes: s.slice(1 + SUPPORT_MAX) };
}

// renderLesson: the headline large, the support under it, the notes in a
// <details> below (hidden when there are none)
function renderLesson(model) {
  const box = $('#demo-lesson');
  const more = $('#demo-lesson-more');
  const b = lessonBlocks(model);
  if (!b.headline) {
    box.textContent = model.status === 'running' ? 'measuring…' : '';
    more.hidden = true;
    return;
  }
  box.innerHTML = `<p class="lesson-headline">${esc(b.headline)}</p>` +
    (b.support.length ? ` <p class="lesson-support">${esc(b.support.join(' '))}</p>` : '');
  more.hidden = !b.notes.length;
  $('.lesson-notes', more).innerHTML = b.notes.map((n) => `<p>${esc(n)}</p>`).join('');
}

export async function loadDemos() {
  const box = $('#demo-list');
  const demos = await fetchList(box, '/api/demos', 'demos', 'the demos', 'No demos yet: this server offers none.');
  if (!demos) return;
  box.innerHTML = demos.map((d, i) => `<article class="demo"><h2>${esc(d.title || d.name)}</h2>` +
    `<p class="claim">${esc(d.claim || d.summary || '')}</p>` +
    (d.method ? `<p class="hint">${esc(d.method)}</p>` : '') +
    (demoDefaults(d) ? `<p class="hint">defaults: ${esc(demoDefaults(d))}</p>` : '') +
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

