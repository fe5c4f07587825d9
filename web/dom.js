// dom.js -- small DOM helpers shared by the views: lookups, escaping, messages, downloads
'use strict';

import { getJson } from './stream.js';

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

// ---------------------------------------------------------------- messages

export function showMessage(text, kind = 'error') {
  const box = $('#messages');
  const div = document.createElement('div');
  div.className = `msg ${kind}`;
  div.textContent = text;
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'close';
  close.textContent = '×';
  close.setAttribute('aria-label', `dismiss the message: ${text.slice(0, 60)}`);
  close.addEventListener('click', () => div.remove());
  div.append(close);
  box.append(div);
  if (kind !== 'error') setTimeout(() => div.remove(), 4000);
  return div;
}

// clearFormMessage: the "fix these first" banner, once the form is valid
export function clearFormMessage() {
  $$('#messages .msg[data-form]').forEach((m) => m.remove());
}

export function clearMessages() {
  $('#messages').replaceChildren();
  markFieldErrors([]);
}

// markFieldErrors: marks each bad field with its message (and unmarks the rest)
export function markFieldErrors(errs) {
  $$('.field-error').forEach((e) => e.remove());
  $$('.invalid').forEach((e) => e.classList.remove('invalid'));
  $$('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
  for (const e of errs) {
    const host = e.field === 'mech' ? $('#mechlist') : $(`[data-for="${e.field}"]`);
    if (!host) continue;
    host.classList.add('invalid');
    const input = host.querySelector('input:not([type="checkbox"]):not([type="radio"]), select');
    if (input) input.setAttribute('aria-invalid', 'true');
    const p = document.createElement('span');
    p.className = 'field-error';
    p.textContent = e.message;
    host.append(p);
  }
}

// showFieldErrors: marks each bad field and lists the problems at the top
export function showFieldErrors(errs) {
  markFieldErrors(errs);
  showMessage(`Not sent — fix these first: ${errs.map((e) => e.message).join('; ')}`).dataset.form = '1';
}

export function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

export function listOf(body, key) {
  if (Array.isArray(body)) return body;
  if (body && Array.isArray(body[key])) return body[key];
  return [];
}


export function download(name, blobOrUrl) {
  const a = document.createElement('a');
  const url = typeof blobOrUrl === 'string' ? blobOrUrl : URL.createObjectURL(blobOrUrl);
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  if (typeof blobOrUrl !== 'string') setTimeout(() => URL.revokeObjectURL(url), 1000);
}


// announce: says text once to screen readers (a polite live region)
export function announce(text) {
  const box = document.querySelector('#announce');
  if (box && box.textContent !== text) box.textContent = text;
}

// markScroll: a table wider than its box gets a visible cue to scroll sideways
export function markScroll(box) {
  if (!box) return;
  const wide = box.scrollWidth > box.clientWidth + 1;
  box.classList.toggle('scrolls', wide);
  const cue = box.previousElementSibling && box.previousElementSibling.classList.contains('scroll-cue') ? box.previousElementSibling : null;
  if (wide && !cue) {
    const p = document.createElement('p');
    p.className = 'scroll-cue';
    p.textContent = 'wider than the screen: scroll sideways for more →';
    box.before(p);
  } else if (!wide && cue) cue.remove();
}

// scrollTable: html of a table inside a box that scrolls sideways; the box
// is a named region in the tab order, so a keyboard can scroll it too
export function scrollTable(html, label = 'table') {
  return html ? `<div class="table-scroll" tabindex="0" role="region" aria-label="${esc(label)}, scrolls sideways">${html}</div>` : '';
}

// fetchList: the array (under key) a JSON list route answers, or null after
// saying in box why there is none: the server unreachable, or nothing yet
export async function fetchList(box, url, key, what, emptyText) {
  let list;
  try {
    list = listOf(await getJson(url), key);
  } catch (e) {
    box.textContent = `Could not load ${what}: ${e.message}`;
    return null;
  }
  if (!list.length) box.innerHTML = `<p class="empty">${esc(emptyText)}</p>`;
  return list.length ? list : null;
}
