// run-view.js -- the run view: the charts the run can fill, progress, the
// comparison and per-rep tables, and projector mode's one-chart-at-a-time
'use strict';

import { RUN_CHARTS } from './run-charts.js';
import { theme } from './chart-kit.js';
import { sig, fmtNum, fmtNs, fmtBytes, fmtTimes, ratioWords, metricInfo, betterNote } from './format.js';
import { $, $$, esc, markScroll, scrollTable, announce } from './dom.js';
import { state, figs, ui } from './state.js';
import { renderProgress, statusText } from './progress.js';

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

// sinceLastRun: the platform moved since the last run, in words ('' when not)
function sinceLastRun(model) {
  const p = model.platform;
  if (!p || p.moved_since_last_run !== true) return '';
  if (typeof p.note === 'string' && p.note) return `${p.note[0].toUpperCase()}${p.note.slice(1)}.`;
  return `The platform moved since the last run: a cache-line round trip took ${fmtNs(p.last_line_rtt_ns)} then and ${fmtNs(p.line_rtt_ns)} now; figures from the two runs are not comparable.`;
}

// trustNote: what the run says about its own reliability: reps disturbed
// by other processes, a platform that moved (during the run or since the
// last one), an interval left wide
export function trustNote(model) {
  if (!model) return '';
  const disturbed = [];
  const moved = [];
  const loose = [];
  for (const n of model.order) {
    const s = model.mechs.get(n).summaries.at(-1);
    if (!s) continue;
    const reps = s.reps_used || s.reps;
    if (Array.isArray(s.disturbed_reps) && s.disturbed_reps.length) disturbed.push(`${n} ${s.disturbed_reps.length} of ${reps}`);
    if (s.platform_moved) moved.push(n);
    if (s.ci_reached === false && model.status !== 'running') loose.push(`${n} (${reps})`);
  }
  const parts = [];
  if (disturbed.length) parts.push(`Reps disturbed by other processes on the run's CPUs: ${disturbed.join(', ')}.`);
  if (moved.length) parts.push(`The platform moved during ${moved.join(', ')}: the cache-line round trip between the CPUs changed, so reps ran on different placements.`);
  if (loose.length) parts.push(`Out of reps before the median's interval was as tight as asked: ${loose.join(', ')}.`);
  parts.push(sinceLastRun(model));
  return parts.filter(Boolean).join(' ');
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

// ciText: the 95 % interval of a ratio in the words of the ratio itself,
// "11.9–50.3× slower"; an interval around 1 stays plain, "0.91–1.1×"
function ciText(r, higher) {
  const lo = r.ci_low;
  const hi = r.ci_high;
  if (typeof lo !== 'number' || typeof hi !== 'number' || !(lo > 0) || !(hi > 0)) return '–';
  // below 0.1, two significant digits keep it to three decimals ("0.058")
  if (lo <= 1 && hi >= 1) return `${sig(lo, lo < 0.1 ? 2 : undefined)}–${fmtTimes(hi)}`;
  const above = lo > 1;
  const better = higher ? above : !above;
  return `${sig(above ? lo : 1 / hi)}–${fmtTimes(above ? hi : 1 / lo)} ${better ? 'faster' : 'slower'}`;
}

// unreliableWhy: why a comparison row is unreliable here, '' when it is not
function unreliableWhy(r) {
  if (!(r.reliable === false || r.unreliable)) return '';
  return r.why || (typeof r.unreliable === 'string' ? r.unreliable : 'see the notes below');
}

// comparisonRow: one table row of a comparison line, in words; an
// unreliable row is flagged, its reason said once under the table
function comparisonRow(r, m, c) {
  const base = r.ratio === 1 && (r.mechanism === c.baseline || r.label === c.baseline_label);
  const vs = base ? 'baseline' : ratioWords(r.ratio, m.higher);
  const noise = base ? '' : r.significant ? 'yes'
    : (r.ci_low === null || r.ci_low === undefined) ? 'too few reps to tell' : 'no, within the noise';
  const warn = unreliableWhy(r) ? ' <span class="warn">(unreliable here)</span>' : '';
  return `<tr><th scope="row">${esc(r.label || r.mechanism)}</th><td>${r.size ? esc(fmtBytes(r.size)) : ''}</td>` +
    `<td>${esc(m.fmt(r.median))}</td><td>${esc(vs)}${warn}</td><td>${base ? '' : esc(ciText(r, m.higher))}</td><td>${noise}</td></tr>`;
}

// whyHtml: each distinct reason a comparison row is unreliable, once; and
// a platform that moved since the last run
function whyHtml(c) {
  const why = [...new Set(c.rows.map(unreliableWhy).filter(Boolean))];
  const moved = c.platform_moved_since_last_run === true ?
    '<p class="warn">The platform moved since the last run: these ratios hold within this run, whose reps were interleaved, not against an earlier run\'s figures.</p>' : '';
  return (why.length ? `<p class="warn">Unreliable here: ${why.map(esc).join('; ')}</p>` : '') + moved;
}

// notesHtml: what the summaries say about their reps, in words ("rep 3 ran
// 19× slower than the others", two regimes, a wide interval)
function notesHtml(model) {
  const notes = model.order.flatMap((n) => {
    const s = model.mechs.get(n).summaries.at(-1);
    return s && Array.isArray(s.notes) ? s.notes.map((t) => `${n}: ${t}`) : [];
  });
  return notes.length ? `<ul class="notes">${notes.map((t) => `<li>${esc(t)}</li>`).join('')}</ul>` : '';
}

export function renderComparison(model, box = $('#comparison')) {
  const c = model.comparisons[model.comparisons.length - 1];
  if (!c || !Array.isArray(c.rows)) { box.innerHTML = notesHtml(model); return; }
  const m = metricInfo(c.metric || 'msgs_per_s');
  const higher = c.higher_is_better === undefined ? m.higher : c.higher_is_better !== false;
  const mm = { ...m, higher };
  const rows = c.rows.map((r) => comparisonRow(r, mm, c)).join('');
  box.innerHTML = `<h2>Compared with ${esc(c.baseline_label || c.baseline)} (${esc(m.name)}, ${betterNote(higher)})</h2>` +
    scrollTable(`<table><thead><tr><th scope="col">mechanism</th><th scope="col">size</th><th scope="col">median ${esc(m.name)}</th>` +
    `<th scope="col">against ${esc(c.baseline_label || c.baseline)}</th><th scope="col">95 % interval of the ratio</th><th scope="col">beyond the noise</th></tr></thead><tbody>${rows}</tbody></table>`) +
    whyHtml(c) + notesHtml(model);
  markScroll(box.querySelector('.table-scroll'));
}

function renderRepTable(model) {
  const rows = [];
  for (const name of model.order) {
    for (const r of model.mechs.get(name).results) {
      const l = r.latency_ns || {};
      const x = r.interference || {};
      const bad = r.verified === false ? ` class="bad" title="lost ${r.lost}, duplicated ${r.duplicated}, reordered ${r.reordered}, corrupted ${r.corrupted}"` :
        x.disturbed ? ` class="warn" title="disturbed: other processes took ${esc(sig(x.other_cpu_pct))}% of its CPUs' time, steal ${esc(sig(x.steal_pct))}%"` : '';
      rows.push(`<tr${bad}><th scope="row">${esc(name)}</th><td>${esc(r.rep)}</td><td>${r.size ? esc(fmtBytes(r.size)) : ''}</td>` +
        `<td>${esc(fmtNum(r.msgs_per_s, 'msg/s'))}</td><td>${esc(fmtNum(r.bytes_per_s, 'B/s'))}</td>` +
        `<td>${esc(fmtNs(l.p50))}</td><td>${esc(fmtNs(l.p99))}</td><td>${r.verified === undefined ? '' : r.verified ? 'yes' : 'NO'}</td></tr>`);
    }
  }
  const box = $('#reptable');
  box.parentElement.hidden = !rows.length;
  box.innerHTML = rows.length ? '<table><thead><tr><th scope="col">mechanism</th><th scope="col">rep</th><th scope="col">size</th><th scope="col">msgs/s</th><th scope="col">bytes/s</th>' +
    `<th scope="col">p50 latency</th><th scope="col">p99 latency</th><th scope="col">verified</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : '';
  markScroll(box);
}
