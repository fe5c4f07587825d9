// projector.js -- projector mode: large type, high contrast, one chart that
// fits the screen with its axis names and the lesson; remembered per browser
'use strict';

import { $, $$ } from './dom.js';
import { state } from './state.js';

const KEY = 'ipcscope.projector';
const MIN_CHART_PX = 220;
const MARGIN_PX = 10;
const MIN_LESSON_PX = 14;
const LESSON_FLOOR_PX = 20;     // the lesson shrinks for the note only down to this
const MIN_NOTE_PX = 12;
const MIN_CLAIM_PX = 14;          // the claim above the lesson shrinks for its headline down to this

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

// shrinkUntil: takes el's type down a pixel at a time, to floor px at the
// least, while last (an element at or under it) ends below the screen
function shrinkUntil(el, last, floor) {
  let px = parseFloat(getComputedStyle(el).fontSize);
  while (last.getBoundingClientRect().bottom + window.scrollY > window.innerHeight - MARGIN_PX && px > floor) {
    px -= 1;
    el.style.fontSize = `${px}px`;
  }
}

// fitLesson: the lesson's headline on screen first (the claim above it
// shrinking), then its last line, then the note on the reps under it: the
// lesson gives way to it down to LESSON_FLOOR_PX only, then the note's own
// type shrinks
function fitLesson() {
  const lesson = $('#demo-lesson');
  const note = $('#demo-note');
  const claim = $('#demo-claim');
  const headline = $('.lesson-headline', lesson);
  lesson.style.fontSize = '';
  note.style.fontSize = '';
  claim.style.fontSize = '';
  if (!state.projector || state.view !== 'demos' || !lesson.textContent) return;
  // the headline keeps its size: the claim above it gives way first
  if (headline) shrinkUntil(claim, headline, MIN_CLAIM_PX);
  shrinkUntil(lesson, lesson, MIN_LESSON_PX);
  if (!note.textContent) return;
  shrinkUntil(lesson, note, Math.min(LESSON_FLOOR_PX, parseFloat(getComputedStyle(lesson).fontSize)));
  shrinkUntil(note, note, MIN_NOTE_PX);
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
