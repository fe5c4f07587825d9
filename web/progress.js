// progress.js -- progress bars and status lines of runs, sweeps and demos
'use strict';

import { esc } from './dom.js';
import { fmtSeconds } from './format.js';

export function renderProgress(box, models) {
  const rows = [];
  for (const model of models) {
    if (model.queued) rows.push(`<div class="queued">waiting in the server's queue, position ${esc(model.queued)}</div>`);
    const whole = model.wholeDone();
    if (whole !== null && model.order.length > 1) {
      rows.push(`<div class="prow whole"><span class="pname">whole run</span><progress max="1" value="${whole.toFixed(3)}" aria-label="whole run"></progress>` +
        `<span class="plabel">${Math.round(100 * whole)} %</span></div>`);
    }
    for (const name of model.order) {
      const p = model.progressOf(name);
      const now = model.status === 'running' && model.current && model.current.label === name ? ' current' : '';
      const cls = (p.stopped ? ' stopped' : p.frac >= 1 ? ' complete' : '') + now;
      rows.push(`<div class="prow${cls}"><span class="pname" title="${esc(name)}">${esc(name)}</span>` +
        `<progress max="1" value="${p.frac.toFixed(3)}" aria-label="${esc(name)}"></progress><span class="plabel">${esc(p.label)}</span></div>`);
    }
  }
  box.innerHTML = rows.join('');
  box.classList.toggle('finished', models.every((m) => m.status !== 'running'));
}

export function statusText(model, what) {
  if (!model) return '';
  const id = model.runIds.length ? ` ${model.runIds.join(', ')}` : '';
  if (model.status === 'running') return `${what}${id}: ${model.queued ? 'waiting for the run ahead of it' : 'running…'}`;
  const t = typeof model.elapsed === 'number' ? ` in ${fmtSeconds(model.elapsed)}` : '';
  return `${what}${id}: ${model.status}${t}`;
}
