// projector.js -- projector mode: large type, high contrast, one chart that
// fits the screen with its axis names and the lesson; remembered per browser
'use strict';

import { $, $$ } from './dom.js';
import { state } from './state.js';

const KEY = 'ipcscope.projector';
const MIN_CHART_PX = 220;
const MARGIN_PX = 10;
const MIN_LESSON_PX = 14;

export function storedProjector() {
  try {
    return localStorage.getItem(KEY) === '1';
  } catch {
    return false;
  }
}

// applyProjector: switches the mode, says so on its button, remembers it
export function applyProjector(on) {
  state.projector = on;
  document.body.classList.toggle('projector', on);
  const b = $('#projector');
  b.setAttribute('aria-pressed', String(on));
  $('.onoff', b).textContent = on ? 'on' : 'off';
  $('#settings').open = !on;
  try {
    localStorage.setItem(KEY, on ? '1' : '0');
  } catch {
    // private windows may refuse storage: the mode still works for this page
  }
}

// shownCharts: the chart figures the current view shows
function shownCharts() {
  const view = $(`#view-${state.view}`);
  if (!view) return [];
  return $$('.chart', view).filter((f) => !f.hidden && f.offsetParent !== null);
}

// fitLesson: shrinks the lesson's type until the last line under it (the
// note on the reps, else the lesson itself) is on screen
function fitLesson() {
  const lesson = $('#demo-lesson');
  lesson.style.fontSize = '';
  if (!state.projector || state.view !== 'demos' || !lesson.textContent) return;
  const note = $('#demo-note');
  const last = note.textContent ? note : lesson;
  let px = parseFloat(getComputedStyle(lesson).fontSize);
  while (last.getBoundingClientRect().bottom + window.scrollY > window.innerHeight - MARGIN_PX && px > MIN_LESSON_PX) {
    px -= 1;
    lesson.style.fontSize = `${px}px`;
  }
}

// fitProjector: in projector mode each shown chart ends at the bottom of
// the first screen, so chart, axis names and legend are all in view
export function fitProjector() {
  $$('.chart').forEach((f) => { f.style.height = ''; });
  fitLesson();
  if (!state.projector) return;
  for (const fig of shownCharts()) {
    const top = fig.getBoundingClientRect().top + window.scrollY;
    fig.style.height = `${Math.max(MIN_CHART_PX, Math.floor(window.innerHeight - top - MARGIN_PX))}px`;
  }
}

// settingsSummary: the chosen mechanisms and mode, shown on the closed settings
export function settingsSummary(p) {
  const mechs = p.mechanisms.length ? p.mechanisms.join(', ') : 'no mechanism chosen';
  return `${mechs} · ${p.mode}`;
}

// past this many the idle status counts the chosen mechanisms
const NAMED_MAX = 6;

// idleStatus: before the first run, what Run will measure ("Press Run:
// shm, pipe, unix and tcp are chosen.")
export function idleStatus(mechs) {
  if (!mechs.length) return 'Tick a mechanism, then press Run.';
  if (mechs.length === 1) return `Press Run: ${mechs[0]} is chosen.`;
  if (mechs.length > NAMED_MAX) return `Press Run: ${mechs.length} mechanisms are chosen.`;
  return `Press Run: ${mechs.slice(0, -1).join(', ')} and ${mechs.at(-1)} are chosen.`;
}
