// machine.js -- the machine info line, and the form's mechanism list and
// option selects built from the catalogue
'use strict';

import { getJson } from './stream.js';
import { fmtBytes } from './format.js';
import { paramTable, renderOptions } from './form.js';
import { setMechanisms } from './chart-kit.js';
import { $, $$, esc, listOf, showMessage } from './dom.js';
import { state, ui } from './state.js';

// the classic comparison a fresh page starts with, so Run answers at once
export const CLASSIC = ['shm', 'pipe', 'unix', 'tcp'];

const SYSTEM_KEYS = [
  ['cpu_model', 'CPU'], ['cores', 'cores'], ['arch', 'arch'], ['kernel', 'kernel'], ['clock_source', 'clock'],
  ['memory_bytes', 'memory'], ['limits.pipe_max_size', 'pipe-max-size'], ['limits.mqueue_msgsize_max', 'mq msgsize_max'],
  ['limits.mqueue_msg_max', 'mq msg_max'], ['limits.sysv_msgmax', 'SysV msgmax'],
];

function lookup(obj, path) {
  return path.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), obj);
}

function systemValue(key, v) {
  if (typeof v === 'number' && /bytes|size|msgmax/.test(key)) return fmtBytes(v);
  return String(v);
}

function cpuCount(sys) {
  for (const k of ['cores', 'cpus', 'online_cpus', 'ncpu', 'nproc']) {
    if (Number.isInteger(sys[k])) return sys[k];
  }
  return 0;
}

// machineLine: "AMD EPYC, 2 cores, Linux 6.1, x86_64" for titles and exports
export function machineLine(sys = state.system) {
  if (!sys) return '';
  return [sys.cpu_model, sys.cores ? `${sys.cores} cores` : '', sys.kernel, sys.arch, sys.clock_source ? `clock ${sys.clock_source}` : '']
    .filter(Boolean).join(', ');
}

function renderSystem(sys) {
  const box = $('#system');
  const parts = [];
  for (const [k, label] of SYSTEM_KEYS) {
    const v = lookup(sys, k);
    if (v === undefined || v === null || typeof v === 'object') continue;
    // the kernel's limits are for the desk: projector mode hides them
    parts.push(`<span${k.startsWith('limits.') ? ' class="limit"' : ''}><b>${esc(label)}</b> ${esc(systemValue(k, v))}</span>`);
  }
  box.innerHTML = parts.length ? parts.join('') : '<span>machine info: (none reported)</span>';
  box.title = JSON.stringify(sys, null, 1);
  state.system = sys;
  state.ncpu = cpuCount(sys);
  if (state.ncpu) $('#pin-hint').textContent = `split, same, none, or two CPUs A,B in 0..${state.ncpu - 1}`;
}

function sizeRange(s) {
  if (!s) return '';
  return s.min === s.max ? `fixed ${fmtBytes(s.min)}` : `${fmtBytes(s.min)}–${fmtBytes(s.max)}`;
}

function mechHtml(m) {
  const sizes = m.sizes ? `<span class="range" title="${esc(m.sizes.why || '')}">${esc(sizeRange(m.sizes))}</span>` : '';
  const extra = [m.copies ? `copies: ${m.copies}` : '', m.cleanup ? `cleanup: ${m.cleanup}` : ''].filter(Boolean).join(' · ');
  return `<label class="mech" title="${esc(extra)}"><input type="checkbox" name="mech" value="${esc(m.name)}" tabindex="-1">` +
    `<span class="name">${esc(m.name)}</span>${sizes}<span class="summary">${esc(m.summary || '')}</span></label>`;
}

// renderCatalogue: the mechanisms grouped by family, one Tab stop for the
// whole list (arrow keys move between boxes), and a select per option
function renderCatalogue(list) {
  state.catalogue = new Map(list.map((m) => [m.name, m]));
  setMechanisms(list.map((m) => m.name));
  const byFamily = new Map();
  for (const m of list) {
    const fam = m.family || 'other';
    if (!byFamily.has(fam)) byFamily.set(fam, []);
    byFamily.get(fam).push(m);
  }
  const html = [];
  let i = 0;
  for (const [fam, ms] of byFamily) {
    const id = `fam-${i++}`;
    html.push(`<div class="family" role="group" aria-labelledby="${id}"><h2 id="${id}">${esc(fam)}</h2>${ms.map(mechHtml).join('')}</div>`);
  }
  $('#mechlist').innerHTML = html.join('') || 'the server lists no mechanisms';
  const boxes = $$('#mechlist input');
  if (boxes.length) boxes[0].tabIndex = 0;
  boxes.forEach((c) => c.addEventListener('change', () => ui.updateCommand()));
  renderOptions($('#form'), state.catalogue);
}

// mechKeys: arrow keys, Home and End move through the mechanism boxes
export function mechKeys(ev) {
  const boxes = $$('#mechlist input');
  const at = boxes.indexOf(ev.target);
  if (at < 0) return;
  const to = { ArrowDown: at + 1, ArrowRight: at + 1, ArrowUp: at - 1, ArrowLeft: at - 1, Home: 0, End: boxes.length - 1 }[ev.key];
  if (to === undefined) return;
  ev.preventDefault();
  const next = boxes[Math.max(0, Math.min(boxes.length - 1, to))];
  boxes.forEach((b) => { b.tabIndex = b === next ? 0 : -1; });
  next.focus();
}

// pick: ticks exactly the named mechanisms the catalogue has
export function pick(names) {
  const want = new Set(names);
  $$('#mechlist input').forEach((c) => { c.checked = want.has(c.value); });
  ui.updateCommand();
}

// renderParamHelp: each field's hint and title from the server's table of
// params (its ranges are the server's, never copied here)
function renderParamHelp(rows) {
  state.params = paramTable(rows);
  for (const [name, row] of state.params) {
    const label = $(`#form label[data-for="${name}"]`);
    if (!label) continue;
    const hint = label.querySelector('.hint[data-param-help]');
    if (hint) hint.textContent = row.help || '';
    const input = label.querySelector('input, select');
    if (input) input.title = `${name}: ${row.expect}`;
  }
}

export async function loadBasics() {
  const [sys, mechs, params] = await Promise.allSettled([getJson('/api/system'), getJson('/api/mechanisms'),
    getJson('/api/params')]);
  if (params.status === 'fulfilled') renderParamHelp(params.value);
  else showMessage(`Could not load the params' ranges: ${params.reason.message}`);
  if (sys.status === 'fulfilled') renderSystem(sys.value.system || sys.value);
  else {
    $('#system').textContent = 'machine info unavailable';
    showMessage(`Could not load machine info: ${sys.reason.message}`);
  }
  if (mechs.status === 'fulfilled') {
    renderCatalogue(listOf(mechs.value, 'mechanisms'));
    state.csvColumns = Array.isArray(mechs.value.csv_columns) ? mechs.value.csv_columns : null;
  } else {
    $('#mechlist').textContent = 'catalogue unavailable';
    showMessage(`Could not load the mechanism catalogue: ${mechs.reason.message}`);
  }
}
