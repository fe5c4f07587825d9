// state.js -- the page's live state, its charts, and the hooks views use to reach each other
'use strict';

export const state = {
  view: 'run',
  projector: false,
  catalogue: new Map(),
  system: null,
  ncpu: 0,
  run: null,            // RunModel of the run view
  sweep: [],            // RunModels of the sweep view, one per mechanism
  demo: null,           // RunModel of the demo being shown
  demoInfo: null,
  abort: null,          // AbortController of the request in flight
  busy: false,
  chartIndex: 0,
};
export const charts = { run: null, sweep: null, demo: null };

// ui: functions that app.js registers at start-up, so that views can ask
// for a view switch, a busy state or a fresh command line without
// importing app.js (which imports them)
export const ui = {
  setView: () => {},
  setBusy: () => {},
  updateCommand: () => {},
};
