// state.js -- the page's live state, its chart figures, and the hooks views use to reach each other
'use strict';

export const state = {
  view: 'run',
  projector: false,
  catalogue: new Map(),
  params: new Map(),     // the common params, GET /api/params by name
  system: null,
  ncpu: 0,
  run: null,            // RunModel of the run view
  sweep: [],            // RunModels of the sweep view (one per request)
  demo: null,           // RunModel of the demo being shown
  demoInfo: null,
  abort: null,          // AbortController of the request in flight
  busy: false,
  chartIndex: 0,        // projector mode: which chart of the run view shows
  histShown: null,      // the mechanism the histogram shows
};

// figs: the Figure of each chart, made at start-up (app.js)
export const figs = { run: {}, sweep: null, demo: null };

// ui: functions that app.js registers at start-up, so that views can ask
// for a view switch, a busy state or a fresh command line without
// importing app.js (which imports them)
export const ui = {
  setView: () => {},
  setBusy: () => {},
  updateCommand: () => {},
  fitProjector: () => {},
};
