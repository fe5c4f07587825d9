// machine.js -- the machine info line and the mechanism catalogue of the form
'use strict';

import { getJson } from './stream.js';
import { fmtBytes } from './format.js';
import { $, $$, esc, listOf, showMessage } from './dom.js';
import { state, ui } from './state.js';
import { renderOptions } from './form.js';

// ---------------------------------------------------------------- machine and catalogue

const SYSTEM_KEYS = [
  ['cpu_model', 'CPU'], ['cores', 'cores'], ['arch', 'arch'], ['kernel', 'kernel'], ['clock_source', 'clock'],
  ['memory_bytes', 'memory'], ['limits.pipe_max_size', 'pipe-max-size'], ['limits.mqueue_msgsize_max', 'mq msgsize_max'],
  ['limits.mqueue_msg_max', 'mq msg_max'], ['limits.sysv_msgmax', 'SysV msgmax'],
];

function lookup(obj, path) {
  return path.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), obj);
}

function systemValue(key, v) {
  if (key === 'memory_bytes' && typeof v === 'number') return `${(v / 2 ** 30).toFixed(1)} GiB`;
  if (/size|msgmax/.test(key) && typeof v === 'number') return fmtBytes(v);
  return String(v);
}

function cpuCount(sys) {
  for (const k of ['cores', 'cpus', 'online_cpus', 'ncpu', 'nproc']) {
    if (Number.isInteger(sys[k])) return sys[k];
  }
  return 0;
}

export function renderSystem(sys) {
  const box = $('#system');
  const parts = [];
  for (const [k, label] of SYSTEM_KEYS) {
    const v = lookup(sys, k);
    if (v === undefined || v === null || typeof v === 'object') continue;
    parts.push(`<span><b>${esc(label)}</b> ${esc(systemValue(k, v))}</span>`);
  }
  box.innerHTML = parts.length ? parts.join('') : '<span>machine info: (none reported)</span>';
  box.title = JSON.stringify(sys, null, 1);
  state.ncpu = cpuCount(sys);
  if (state.ncpu) $('#pin-hint').textContent = `split, same, none, or two CPUs A,B in 0..${state.ncpu - 1}`;
}


function sizeRange(s) {
  if (!s) return '';
  return s.min === s.max ? `fixed ${fmtBytes(s.min)}` : `${fmtBytes(s.min)}–${fmtBytes(s.max)}`;
}

export function renderCatalogue(list) {
  state.catalogue = new Map(list.map((m) => [m.name, m]));
  renderOptions($('#form'), state.catalogue);
  const byFamily = new Map();
  for (const m of list) {
    const fam = m.family || 'other';
    if (!byFamily.has(fam)) byFamily.set(fam, []);
    byFamily.get(fam).push(m);
  }
  const html = [];
  for (const [fam, ms] of byFamily) {
    html.push(`<div class="family"><h3>${esc(fam)}</h3>`);
    for (const m of ms) {
      const sizes = m.sizes ? `<span class="range" title="${esc(m.sizes.why || '')}">${esc(sizeRange(m.sizes))}</span>` : '';
      const extra = [m.copies ? `copies: ${m.copies}` : '', m.cleanup ? `cleanup: ${m.cleanup}` : ''].filter(Boolean).join(' · ');
      html.push(`<label class="mech" title="${esc(extra)}"><input type="checkbox" name="mech" value="${esc(m.name)}">` +
        `<span class="name">${esc(m.name)}</span>${sizes}<span class="summary">${esc(m.summary || '')}</span></label>`);
    }
    html.push('</div>');
  }
  $('#mechlist').innerHTML = html.join('') || 'the server lists no mechanisms';
  $$('#mechlist input').forEach((c) => c.addEventListener('change', () => ui.updateCommand()));
}

export async function loadBasics() {
  const [sys, mechs] = await Promise.allSettled([getJson('/api/system'), getJson('/api/mechanisms')]);
  if (sys.status === 'fulfilled') renderSystem(sys.value.system || sys.value);
  else {
    $('#system').textContent = 'machine info unavailable';
    showMessage(`Could not load machine info: ${sys.reason.message}`);
  }
  if (mechs.status === 'fulfilled') renderCatalogue(listOf(mechs.value, 'mechanisms'));
  else {
    $('#mechlist').textContent = 'catalogue unavailable';
    showMessage(`Could not load the mechanism catalogue: ${mechs.reason.message}`);
  }
}

