// sweep-view.js -- the size sweep view: one log-log chart of every mechanism
'use strict';

import { $ } from './dom.js';
import { state, charts } from './state.js';
import { renderProgress, statusText } from './progress.js';

export function renderSweep() {
  if (!charts.sweep) return;
  charts.sweep.update(state.sweep);
  if (!state.sweep.length) return;
  renderProgress($('#sweep-progress'), state.sweep);
  const last = state.sweep[state.sweep.length - 1];
  $('#sweep-status').textContent = state.sweep.map((m) => statusText(m, `sweep ${m.order.join(',')}`)).join(' · ');
  $('#sweep-status').className = `status ${last.status}`;
}

