// app.js -- the ipcscope dashboard: wires the views, the form and the projector mode together
'use strict';

import { readForm, writeForm, syncAmount, cliCommand, curlCommand, shareHash, parseShare } from './form.js';
import { RunCharts, SweepChart, DemoChart } from './charts.js';
import { $, $$, showMessage } from './dom.js';
import { state, charts, ui } from './state.js';
import { loadBasics } from './machine.js';
import { showChart, chartOpts, renderRun } from './run-view.js';
import { renderSweep } from './sweep-view.js';
import { loadDemos, renderDemo, runDemo } from './demos-view.js';
import { loadRuns, openRun } from './runs-view.js';
import { setBusy, checkedParams, onRun, onStop, startUrl } from './running.js';
import { onExport } from './export.js';

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
  ui.setView = setView;
  ui.setBusy = setBusy;
  ui.updateCommand = updateCommand;
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
