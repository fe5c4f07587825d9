// dom.js -- small DOM helpers shared by the views: lookups, escaping, messages, downloads
'use strict';

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
  close.setAttribute('aria-label', 'dismiss');
  close.addEventListener('click', () => div.remove());
  div.append(close);
  box.append(div);
  if (kind !== 'error') setTimeout(() => div.remove(), 4000);
}

export function clearMessages() {
  $('#messages').replaceChildren();
  $$('.field-error').forEach((e) => e.remove());
  $$('.invalid').forEach((e) => e.classList.remove('invalid'));
}

// showFieldErrors: marks each bad field and lists the problems at the top
export function showFieldErrors(errs) {
  for (const e of errs) {
    const host = e.field === 'mech' ? $('#mechlist') : $(`label[data-for="${e.field}"]`);
    if (!host) continue;
    host.classList.add('invalid');
    const p = document.createElement('span');
    p.className = 'field-error';
    p.textContent = e.message;
    host.append(p);
  }
  showMessage(`Not sent — fix these first: ${errs.map((e) => e.message).join('; ')}`);
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

