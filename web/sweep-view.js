// sweep-view.js -- the size sweep view: one log–log chart of every mechanism
'use strict';

import { sweepSpec } from './other-charts.js';
import { theme } from './chart-kit.js';
import { metricInfo } from './format.js';
import { $, announce } from './dom.js';
import { state, figs } from './state.js';
import { renderProgress, statusText } from './progress.js';
import { renderCautions, sweepTrust } from './trust-view.js';

// matchSweepMetric: a latency sweep shows latency, a throughput sweep a rate
export function matchSweepMetric(mode) {
  const sel = $('#sweep-metric');
  const lat = sel.value.startsWith('latency_');
  if (mode === 'latency' && !lat) sel.value = 'latency_p50_ns';
  if (mode !== 'latency' && lat) sel.value = 'bytes_per_s';
}

// blankText: why the sweep view has no chart
function blankText(models, metric) {
  if (!models.length) return 'No sweep yet. A sweep measures each chosen mechanism at every size in sizes and draws one line per mechanism.';
  const hasAny = models.some((m) => m.order.some((n) => m.mechs.get(n).results.length));
  if (!hasAny) return models.some((m) => m.status === 'running') ? 'Measuring… each line appears with its first size.' : 'This sweep produced no figures.';
  const lat = models.some((m) => m.hasLatency());
  if (metric.startsWith('latency_') && !lat) {
    return `This sweep ran in throughput mode, so it has no ${metricInfo(metric).long}: show messages/s or bytes/s, or run the sweep in mode latency.`;
  }
  return `This sweep has no ${metricInfo(metric).long} figures.`;
}

export function renderSweep() {
  const metric = $('#sweep-metric').value;
  const spec = sweepSpec(state.sweep, metric, theme(state.projector));
  if (figs.sweep) figs.sweep.show(spec);
  const blank = $('#sweep-blank');
  blank.hidden = Boolean(spec);
  blank.textContent = blankText(state.sweep, metric);
  const trust = sweepTrust(state.sweep);
  renderCautions(null, $('#sweep-caution'), trust.cautions);
  $('#sweep-notes').innerHTML = trust.html;
  if (!state.sweep.length) return;
  renderProgress($('#sweep-progress'), state.sweep);
  const last = state.sweep[state.sweep.length - 1];
  const status = state.sweep.map((m) => statusText(m, `sweep ${m.order.join(', ')}`)).join(' · ');
  $('#sweep-status').textContent = status;
  $('#sweep-status').className = `status ${last.status}`;
  if (state.sweep.every((m) => m.status !== 'running')) announce(status);
}
