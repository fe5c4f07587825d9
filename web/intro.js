// intro.js -- projector mode's first screen, before anything ran: what IPC
// is, what the class will see, and the demos to pick from (title, claim,
// about how long), each one click from running
'use strict';

import { $, $$, esc, listOf } from './dom.js';
import { getJson } from './stream.js';
import { state, ui } from './state.js';
import { runDemo } from './demos-view.js';

let demos = null;

// aboutText: "about 5 s" from a catalogue entry's expect_s ('' without one)
export function aboutText(d) {
  return typeof d.expect_s === 'number' && d.expect_s > 0 ? `about ${Math.ceil(d.expect_s)} s` : '';
}

async function catalogue() {
  if (!demos) {
    try {
      demos = listOf(await getJson('/api/demos'), 'demos');
    } catch {
      demos = [];
    }
  }
  return demos;
}

// renderIntro: shows the first screen in projector mode while the run view
// has nothing to show, and hides it otherwise
export async function renderIntro() {
  const box = $('#class-intro');
  const show = state.projector && state.view === 'run' && !state.run && !state.busy;
  box.hidden = !show;
  $('#view-run').classList.toggle('intro', show);
  if (!show || box.dataset.filled) return;
  const list = await catalogue();
  box.innerHTML = '<p class="intro-what">IPC, inter-process communication, is how two programs on one machine pass data: ' +
    'through the kernel (pipes, sockets, message queues) or through memory they share.</p>' +
    '<p class="intro-see">Each demo puts one claim about IPC to the test on this machine: you will see its chart fill in, ' +
    'then one sentence saying what it measured.</p>' +
    (list.length ? `<ul class="intro-demos">${list.map((d) => `<li><button type="button" class="intro-run primary" data-name="${esc(d.name)}">${esc(d.title || d.name)}</button>` +
      ` <span class="intro-claim" title="${esc(d.claim || '')}">${esc(d.claim || '')}</span>${aboutText(d) ? ` <span class="intro-time">${esc(aboutText(d))}</span>` : ''}</li>`).join('')}</ul>` : '') +
    '<p class="hint">or press <b>Run</b> to compare the chosen mechanisms.</p>';
  box.dataset.filled = '1';
  $$('.intro-run', box).forEach((b) => b.addEventListener('click', () => {
    const d = list.find((x) => x.name === b.dataset.name);
    if (!d || state.busy) return;
    ui.setView('demos');
    runDemo(d);
  }));
}
