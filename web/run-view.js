// run-view.js -- the run view: its four charts, progress, comparison and per-rep tables
'use strict';

import { RunModel } from './model.js';
import { fmtNum, fmtNs, fmtBytes } from './format.js';
import { $, $$, esc } from './dom.js';
import { state, charts } from './state.js';
import { renderProgress, statusText } from './progress.js';

// showChart: in projector mode only one chart of the run view is visible
export function showChart(i) {
  const figs = $$('#charts .chart');
  state.chartIndex = (i + figs.length) % figs.length;
  figs.forEach((f, j) => f.classList.toggle('current', j === state.chartIndex));
}

export function chartOpts() {
  return {
    metric: $('#metric').value,
    log: $('#logscale').checked,
    projector: state.projector,
    histMech: $('#histmech').value,
  };
}


export function renderRun() {
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

export function renderComparison(model, box = $('#comparison')) {
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

