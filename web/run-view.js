// run-view.js -- the run view: the charts the run can fill, progress, the
// comparison and per-rep tables, and projector mode's one-chart-at-a-time
'use strict';

import { RUN_CHARTS } from './run-charts.js';
import { theme } from './chart-kit.js';
import { fmtNum, fmtNs, fmtBytes } from './format.js';
import { $, $$, esc, markScroll, announce } from './dom.js';
import { trustNote, disturbedWords, renderCautions, renderComparison as renderTrustComparison } from './trust-view.js';
import { state, figs, ui } from './state.js';
import { renderProgress, statusText } from './progress.js';

export { trustNote };

export function chartOpts() {
  return {
    metric: $('#metric').value,
    log: $('#logscale').checked,
    projector: state.projector,
    histMech: $('#histmech').value,
  };
}

// shownFigures: the run view's figures that hold a chart
function shownFigures() {
  return $$('#charts .chart').filter((f) => !f.hidden);
}

// showChart: in projector mode one chart of the run view shows at a time
export function showChart(i) {
  const shown = shownFigures();
  const n = shown.length || 1;
  state.chartIndex = ((i % n) + n) % n;
  $$('#charts .chart').forEach((f) => f.classList.remove('current'));
  if (shown.length) {
    const cur = shown[state.chartIndex];
    cur.classList.add('current');
    const ch = globalThis.Chart && globalThis.Chart.getChart(cur.querySelector('canvas'));
    if (ch) ch.resize();
  }
  $('#chart-pos').textContent = shown.length > 1 ? `chart ${state.chartIndex + 1} of ${shown.length}` : '';
  $('.projector-nav').classList.toggle('single', shown.length < 2);
  ui.fitProjector();
}

// blankText: what the run view says when it has no chart to show
function blankText(model) {
  if (!model) return 'Nothing measured yet. Press Run to measure the chosen mechanisms on this machine; the charts appear as the figures arrive.';
  if (model.status === 'running') return 'Measuring… the charts appear with the first rep.';
  return `This run produced no figures (status: ${model.status}).`;
}

// modeNote: why some charts are absent
function modeNote(model) {
  if (!model || !model.order.length) return '';
  if (!model.hasLatency() && model.status !== 'running') {
    return 'This run measured throughput: latency percentiles and the histogram come from mode latency (ping-pong).';
  }
  return '';
}

// leadWith: the chart of the run's own mode comes first (and first in projector mode)
function leadWith(model) {
  const box = $('#charts');
  const lead = $(`[data-chart="${model && model.mode === 'latency' ? 'latency' : 'throughput'}"]`, box);
  if (lead && box.firstElementChild !== lead) box.prepend(lead);
}

export function renderRun() {
  const model = state.run;
  leadWith(model);
  const th = theme(state.projector);
  const opts = chartOpts();
  let any = false;
  for (const [key, build] of Object.entries(RUN_CHARTS)) {
    const spec = model ? build(model, opts, th) : null;
    if (figs.run[key]) figs.run[key].show(spec);
    if (key === 'histogram') state.histShown = spec ? spec.shown : null;
    any = any || Boolean(spec);
  }
  const blank = $('#run-blank');
  blank.hidden = any;
  blank.textContent = blankText(model);
  $('#run-note').textContent = [modeNote(model), trustNote(model)].filter(Boolean).join(' ');
  renderCautions(model, $('#run-caution'));
  renderHistSelect(model);
  if (state.projector) showChart(state.chartIndex);
  if (!model) return;
  const status = statusText(model, 'run');
  $('#status').textContent = status;
  $('#status').className = `status ${model.status}`;
  if (model.status !== 'running') announce(status);
  renderProgress($('#progress'), [model]);
  renderComparison(model);
  renderRepTable(model);
}

// The per-rep table sits in a closed <details> unless someone opened it:
// while a run goes on it is rebuilt only when it shows (each rebuild of a
// growing table, and the layout its scroll cue reads, is work at a pause
// that the run's end does once)
export function renderRepTableNow() {
  if (state.run) renderRepTable(state.run, true);
}

function renderHistSelect(model) {
  const sel = $('#histmech');
  const names = model ? model.order.filter((n) => model.lastHistogram(n)) : [];
  $('#histmech-label').hidden = names.length < 2;
  const have = $$('option', sel).map((o) => o.value).slice(1);
  if (have.join() === names.join()) return;
  const cur = sel.value;
  sel.innerHTML = '<option value="">first with latency</option>' + names.map((n) => `<option>${esc(n)}</option>`).join('');
  sel.value = names.includes(cur) ? cur : '';
}

// renderComparison: the run's comparison, its unreliable rows and notes
export function renderComparison(model, box = $('#comparison')) {
  renderTrustComparison(model, box);
}

function renderRepTable(model, now = false) {
  const shows = $('#reptable').closest('details').open;
  if (model.status === 'running' && !shows && !now) return;
  const rows = [];
  const rate = model.mode === 'latency' ? 'round trips/s' : 'msgs/s';
  for (const name of model.order) {
    for (const r of model.mechs.get(name).results) {
      const l = r.latency_ns || {};
      const x = r.interference || {};
      const bad = r.verified === false ? ` class="bad" title="lost ${r.lost}, duplicated ${r.duplicated}, reordered ${r.reordered}, corrupted ${r.corrupted}"` :
        x.disturbed ? ` class="warn" title="${esc(disturbedWords(x))}"` : '';
      rows.push(`<tr${bad}><th scope="row">${esc(name)}</th><td>${esc(r.rep)}</td><td>${r.size ? esc(fmtBytes(r.size)) : ''}</td>` +
        `<td>${esc(fmtNum(r.msgs_per_s, rate === 'msgs/s' ? 'msg/s' : 'round trips/s'))}</td><td>${esc(fmtNum(r.bytes_per_s, 'B/s'))}</td>` +
        `<td>${esc(fmtNs(l.p50))}</td><td>${esc(fmtNs(l.p99))}</td><td>${r.verified === undefined ? '' : r.verified ? 'yes' : 'NO'}</td></tr>`);
    }
  }
  const box = $('#reptable');
  box.parentElement.hidden = !rows.length;
  box.innerHTML = rows.length ? `<table><thead><tr><th scope="col">mechanism</th><th scope="col">rep</th><th scope="col">size</th><th scope="col">${rate}</th><th scope="col">bytes/s</th>` +
    `<th scope="col">p50 latency</th><th scope="col">p99 latency</th><th scope="col">verified</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : '';
  if (shows) markScroll(box);
}
