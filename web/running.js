// running.js -- starting, streaming and stopping runs and sweeps from the form
'use strict';

import { streamRun, StreamError } from './stream.js';
import { RunModel } from './model.js';
import { readForm, validate, apiUrls, shareHash } from './form.js';
import { $, $$, showMessage, clearMessages, showFieldErrors } from './dom.js';
import { state, ui } from './state.js';
import { renderRun } from './run-view.js';
import { renderSweep, matchSweepMetric } from './sweep-view.js';
import { exportModels } from './export.js';

export function setBusy(busy) {
  const was = state.busy;
  const had = document.activeElement;
  state.busy = busy;
  $('#run').disabled = busy;
  $('#stop').disabled = !busy;
  $$('.demo-run, #demo-again').forEach((b) => { b.disabled = busy || !!b.closest('article.invalid'); });
  $('#demo-stop').disabled = !busy;
  $$('[data-export]').forEach((b) => { b.disabled = busy || !exportModels().length; });
  if (busy !== was) keepFocus(busy, had);
  if (ui.renderIntro) ui.renderIntro();
}

// keepFocus: a button that a run's start or end disables hands the focus
// on (Run to Stop, Stop back to Run; in a demo to its Stop and Run again),
// never to the page's <body>
function keepFocus(busy, had) {
  if (had && had !== document.body && !had.disabled) return;
  const demo = state.view === 'demos';
  const to = busy ? $(demo ? '#demo-stop' : '#stop') : $(demo ? '#demo-again' : '#run');
  if (to && !to.disabled && to.offsetParent !== null) to.focus();
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
// (the server sends heartbeats, so silence means it is stuck or gone). Its
// one timer is put off by every line, so it never fires while lines flow:
// nothing of the page's wakes up while a rep runs.
function quietWatch(model) {
  const w = { timer: 0, warned: false };
  w.arm = () => {
    clearTimeout(w.timer);
    if (w.warned) return;
    w.timer = setTimeout(() => {
      if (model.status !== 'running') return;
      w.warned = true;
      showMessage(`No word from the server for ${QUIET_MS / 1000} s: it may be stuck or gone. Stop gives up on this run.`);
    }, QUIET_MS);
  };
  w.stop = () => clearTimeout(w.timer);
  w.arm();
  return w;
}
const QUIET_MS = 10000;

// The page draws in the pauses a run makes for it (gap=PAGE_GAP_S: at most
// once a second, between two reps), never while a rep runs: on this 2-core
// machine a redraw competes with the workers it measures. A run without
// pauses (an experiment demo) is drawn as its lines arrive.
export const PAGE_GAP_S = 0.2;
const REP_LINES = new Set(['progress', 'result', 'heartbeat']);

// drawsNow: whether a line is a moment to draw
export function drawsNow(obj, model) {
  if (obj.type === 'heartbeat') return false;
  return !(model.paced && REP_LINES.has(obj.type));
}

// withGap: url asking the run to pause for the page between reps
export function withGap(url) {
  return `${url}${url.includes('?') ? '&' : '?'}gap=${PAGE_GAP_S}`;
}

// stream: runs one request into model, calling render at each moment to
// draw: once for the lines that arrived together (a pause with the result
// before it, the summaries, comparison and end of a run's close)
export async function stream(url, model, render) {
  model.lastLineAt = Date.now();
  model.paced = /[?&]gap=/.test(url);
  const watch = quietWatch(model);
  let due = false;
  try {
    const res = await streamRun(url, (obj, text) => {
      watch.arm();
      model.add(obj, text);
      if (drawsNow(obj, model)) due = true;
    }, state.abort.signal, () => {
      if (due) render();
      due = false;
    });
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
    watch.stop();
    render();
  }
}

// checkedParams: the form's params if valid, else null with the errors shown
export function checkedParams() {
  clearMessages();
  const p = readForm($('#form'));
  const errs = validate(p, state.view, state.catalogue, state.ncpu, state.params);
  if (errs.length) {
    showFieldErrors(errs);
    return null;
  }
  return p;
}

async function runView(p) {
  const url = withGap(apiUrls(p, 'run')[0]);
  state.run = new RunModel('run');
  state.run.params = p;
  renderRun();
  const ok = await stream(url, state.run, renderRun);
  if (ok && state.run.runIds.length) history.replaceState(null, '', shareHash(p, 'run', state.run.runIds[0]));
}

async function runSweep(p) {
  state.sweep = [];
  matchSweepMetric(p.mode);
  renderSweep();
  for (const url of apiUrls(p, 'sweep')) {
    const model = new RunModel('sweep');
    state.sweep.push(model);
    if (!await stream(withGap(url), model, renderSweep)) break;
  }
  const ids = state.sweep.flatMap((m) => m.runIds);
  if (ids.length) history.replaceState(null, '', shareHash(p, 'sweep', ids.join(',')));
}

// showResults: on a narrow screen the results sit below the form; bring them up
function showResults() {
  const box = $('#results');
  if (box.getBoundingClientRect().top > window.innerHeight * 0.6) box.scrollIntoView({ block: 'start' });
}

export async function onRun(ev) {
  ev.preventDefault();
  if (state.busy || state.view === 'demos' || state.view === 'runs') return;
  const p = checkedParams();
  if (!p) return;
  const view = state.view;
  history.replaceState(null, '', shareHash(p, view));
  ui.updateCommand();
  state.abort = new AbortController();
  setBusy(true);
  showResults();
  try {
    if (view === 'sweep') await runSweep(p);
    else await runView(p);
  } finally {
    setBusy(false);
  }
}

export function onStop() {
  if (state.abort) state.abort.abort();
}

// startUrl: streams any API url into the run view (used by tests and past runs)
export async function startUrl(url) {
  clearMessages();
  state.abort = new AbortController();
  state.run = new RunModel('run');
  ui.setView('run');
  setBusy(true);
  try {
    await stream(url, state.run, renderRun);
  } finally {
    setBusy(false);
  }
}

