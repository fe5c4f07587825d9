// app.js -- the ipcscope dashboard: wires the views, the form and projector mode together
'use strict';

import { readForm, writeForm, syncAmount, validate, cliCommand, curlCommand, shareHash, parseShare } from './form.js';
import { Figure } from './chart-kit.js';
import { $, $$, showMessage, markFieldErrors, markScroll, clearFormMessage } from './dom.js';
import { state, figs, ui } from './state.js';
import { loadBasics, mechKeys, pick, CLASSIC } from './machine.js';
import { showChart, renderRun, renderRepTableNow } from './run-view.js';
import { renderSweep } from './sweep-view.js';
import { loadDemos, renderDemo, runDemo } from './demos-view.js';
import { loadRuns, openRun } from './runs-view.js';
import { setBusy, checkedParams, onRun, onStop, startUrl } from './running.js';
import { onExport, headerLines, exportModels } from './export.js';
import { loadClass, wireClass } from './class-view.js';
import { storedProjector, applyProjector, fitProjector, settingsSummary, idleStatus } from './projector.js';
import { renderIntro } from './intro.js';

const VIEWS = ['run', 'sweep', 'demos', 'runs', 'class'];

// ---------------------------------------------------------------- views

function setView(view) {
  state.view = view;
  $$('.tab').forEach((t) => {
    const on = t.dataset.view === view;
    t.classList.toggle('active', on);
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
  });
  $$('.view').forEach((v) => { v.hidden = v.id !== `view-${view}`; });
  document.body.dataset.view = view;
  $('#run').textContent = view === 'sweep' ? 'Run sweep' : 'Run';
  setBusy(state.busy);
  if (view === 'runs') loadRuns();
  if (view === 'demos') loadDemos();
  if (view === 'class') loadClass().catch((e) => showMessage(`The class view cannot load: ${e.message}`));
  renderIntro();
  updateCommand();
  fitProjector();
}

// tabKeys: arrow keys move along the tabs (the tab list is one Tab stop)
function tabKeys(ev) {
  const tabs = $$('.tab');
  const at = tabs.indexOf(ev.target);
  const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[ev.key];
  if (at < 0 || to === undefined) return;
  ev.preventDefault();
  const next = tabs[(to + tabs.length) % tabs.length];
  setView(next.dataset.view);
  next.focus();
}

function setProjector(on) {
  applyProjector(on);
  renderAll();
  showChart(state.chartIndex);
}

function renderAll() {
  renderRun();
  renderSweep();
  renderDemo();
  renderIntro();
  fitProjector();
}

// ---------------------------------------------------------------- form, share

// updateCommand: checks the form as the user types, marks what is wrong,
// and shows the equivalent command only while the form is valid
function updateCommand() {
  const form = $('#form');
  const p = readForm(form);
  const view = state.view === 'sweep' ? 'sweep' : 'run';
  const live = state.view === 'run' || state.view === 'sweep';
  const errs = live ? validate(p, view, state.catalogue, state.ncpu, state.params) : [];
  if (state.catalogue.size) markFieldErrors(errs);
  const ok = errs.length === 0 && p.mechanisms.length > 0;
  if (ok) clearFormMessage();
  $('#command').textContent = ok ? cliCommand(p, view) : 'fix the marked fields to get a command';
  $('#command').classList.toggle('invalid-command', !ok);
  $('#copy-cli').disabled = !ok;
  $('#copy-curl').disabled = !ok;
  $('#settings-summary').textContent = settingsSummary(p);
  if (!state.run) $('#status').textContent = idleStatus(p.mechanisms);
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

// ---------------------------------------------------------------- start-up

function restoreFromUrl(first = false) {
  const p = parseShare(location);
  if (Object.keys(p).length) writeForm($('#form'), p);
  if (first && p.mechanisms === undefined) pick(CLASSIC);
  if (VIEWS.includes(p.view)) setView(p.view);
  if (p.run) openRun(p.run);
}

function makeFigures() {
  for (const f of $$('#charts .chart')) figs.run[f.dataset.chart] = new Figure(f);
  figs.sweep = new Figure($('#f-sweep'));
  figs.demo = new Figure($('#f-demo'));
}

function wireForm() {
  const form = $('#form');
  form.addEventListener('submit', onRun);
  form.addEventListener('input', updateCommand);
  form.addEventListener('change', updateCommand);
  $$('input[name="amount"]').forEach((r) => r.addEventListener('change', () => { syncAmount(form); updateCommand(); }));
  $('#mechlist').addEventListener('keydown', mechKeys);
  $('#pick-classic').addEventListener('click', () => pick(CLASSIC));
  $('#pick-all').addEventListener('click', () => pick([...state.catalogue.keys()]));
  $('#pick-none').addEventListener('click', () => pick([]));
  $('#stop').addEventListener('click', onStop);
  $('#copy-curl').addEventListener('click', () => copyCommand('curl'));
  $('#copy-cli').addEventListener('click', () => copyCommand('cli'));
}

function wire() {
  wireForm();
  wireClass();
  $$('.tab').forEach((t) => t.addEventListener('click', () => setView(t.dataset.view)));
  $('.tabs').addEventListener('keydown', tabKeys);
  $('#projector').addEventListener('click', () => setProjector(!state.projector));
  $('#metric').addEventListener('change', renderRun);
  $('#logscale').addEventListener('change', renderRun);
  $('#histmech').addEventListener('change', renderRun);
  $('#sweep-metric').addEventListener('change', renderSweep);
  $$('[data-export]').forEach((b) => b.addEventListener('click', () => onExport(b.dataset.export)));
  $('#refresh-runs').addEventListener('click', loadRuns);
  $('#demo-stop').addEventListener('click', onStop);
  $('#demo-again').addEventListener('click', () => { if (state.demoInfo) runDemo(state.demoInfo); });
  $('#demo-back').addEventListener('click', () => {
    if (state.busy) onStop();
    $('#demo-stage').hidden = true;
    $('#demo-list').hidden = false;
  });
  window.addEventListener('hashchange', () => restoreFromUrl());
  window.addEventListener('resize', () => {
    if (state.projector) renderAll();      // the charts' type follows the screen
    fitProjector();
    $$('.table-scroll').forEach(markScroll);
  });
  $('.verify-details').addEventListener('toggle', () => {
    if ($('.verify-details').open) renderRepTableNow();
  });
  $('#settings').addEventListener('toggle', fitProjector);
  $('#prev-chart').addEventListener('click', () => showChart(state.chartIndex - 1));
  $('#next-chart').addEventListener('click', () => showChart(state.chartIndex + 1));
  document.addEventListener('keydown', (e) => {
    if (!state.projector || state.view !== 'run' || e.target.closest('input, select, textarea, [role="tab"]')) return;
    if (e.key === 'ArrowRight') showChart(state.chartIndex + 1);
    if (e.key === 'ArrowLeft') showChart(state.chartIndex - 1);
  });
}

async function main() {
  ui.setView = setView;
  ui.setBusy = setBusy;
  ui.updateCommand = updateCommand;
  ui.fitProjector = fitProjector;
  ui.renderIntro = renderIntro;
  wire();
  syncAmount($('#form'));
  makeFigures();
  if (storedProjector()) applyProjector(true);
  await loadBasics();
  restoreFromUrl(true);
  try {
    renderAll();
  } catch (e) {
    showMessage(`The charts cannot be drawn: ${e.message}`);
  }
  showChart(0);
  updateCommand();
  window.ipcscope.ready = true;
}

// For the browser tests and the curious: the live state and chart figures.
window.ipcscope = { state, figs, startUrl, stop: onStop, pngHeader: () => headerLines(exportModels()), ready: false };
main();
