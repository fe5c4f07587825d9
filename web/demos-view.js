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
import { demoFields, demoErrors, demoPairs, demoUrl, demoCli, demoCurl } from './demo-params.js';

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
  box.innerHTML = demos.map((d, i) => `<article class="demo" data-name="${esc(d.name)}"><h2>${esc(d.title || d.name)}</h2>` +
    `<p class="claim">${esc(d.claim || d.summary || '')}</p>` +
    (d.method ? `<p class="hint">${esc(d.method)}</p>` : '') +
    paramsHtml(d, i) +
    (d.expect_s > 0 ? `<p class="hint">takes about ${esc(Math.ceil(d.expect_s))} s</p>` : '') +
    `<button type="button" class="demo-run primary" data-demo="${i}" data-name="${esc(d.name)}">Run ${esc(d.name)}</button></article>`).join('');
  $$('.demo-run', box).forEach((b) => b.addEventListener('click', () => {
    const d = demos[Number(b.dataset.demo)];
    const pairs = cardPairs(b.closest('article'), d);
    if (pairs) runDemo({ ...d, pairs });
  }));
  $$('article.demo', box).forEach((card, i) => {
    $$('input[data-param]', card).forEach((inp) => inp.addEventListener('input', () => cardPairs(card, demos[i])));
    $$('button[data-copy]', card).forEach((b) => b.addEventListener('click', () => copyDemo(card, demos[i], b.dataset.copy)));
    cardPairs(card, demos[i]);
  });
  ui.setBusy(state.busy);
}

// paramsHtml: the fields of demo d's own params, each with its default
// and help, and the command line that runs it as set
function paramsHtml(d, i) {
  const fields = demoFields(d, state.params);
  if (!fields.length) return demoDefaults(d) ? `<p class="hint">defaults: ${esc(demoDefaults(d))}</p>` : '';
  return `<fieldset class="demo-params"><legend>params</legend>${fields.map((f) =>
    `<label data-for="${esc(f.name)}">${esc(f.name)} <input data-param="${esc(f.name)}" id="demo-${i}-${esc(f.name)}" value="${esc(f.def)}" ` +
    `spellcheck="false" autocomplete="off" title="${esc(f.help)}"><span class="hint">${esc(f.help)}</span></label>`).join('')}` +
    `</fieldset><div class="share"><button type="button" data-copy="cli">copy as CLI</button>` +
    `<button type="button" data-copy="curl">copy as curl</button><code class="command demo-command"></code></div>`;
}

// cardPairs: checks a card's fields as typed, marks what the server would
// refuse, and shows the command line; the pairs that differ from the
// defaults, or null while a field is wrong (Run is disabled then)
function cardPairs(card, d) {
  const fields = demoFields(d, state.params);
  const values = Object.fromEntries($$('input[data-param]', card).map((inp) => [inp.dataset.param, inp.value.trim()]));
  const errs = demoErrors(fields, values);
  $$('.field-error', card).forEach((e) => e.remove());
  $$('input[data-param]', card).forEach((inp) => {
    const e = errs.find((x) => x.field === inp.dataset.param);
    if (e) {
      inp.setAttribute('aria-invalid', 'true');
      const span = document.createElement('span');
      span.className = 'field-error';
      span.textContent = e.message;
      inp.closest('label').append(span);
    } else inp.removeAttribute('aria-invalid');
  });
  const pairs = errs.length ? null : demoPairs(fields, values);
  const cmd = $('.demo-command', card);
  if (cmd) cmd.textContent = pairs ? demoCli(d.name, pairs) : 'fix the marked fields to get a command';
  card.classList.toggle('invalid', !pairs);
  const run = $('.demo-run', card);
  if (run) run.disabled = state.busy || !pairs;
  $$('button[data-copy]', card).forEach((b) => { b.disabled = !pairs; });
  return pairs;
}

async function copyDemo(card, d, kind) {
  const pairs = cardPairs(card, d);
  if (!pairs) return;
  const text = kind === 'curl' ? demoCurl(d.name, pairs, location.origin) : demoCli(d.name, pairs);
  $('.demo-command', card).textContent = text;
  try {
    await navigator.clipboard.writeText(text);
    announce(`Copied: ${text}`);
  } catch {
    announce('The browser refused the clipboard: select the command shown and copy it.');
  }
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
    const url = demoUrl(info.name, info.pairs || []);
    await stream(info.kind === 'jobs' ? withGap(url) : url, state.demo, renderDemo);
  } finally {
    ui.setBusy(false);
  }
}

