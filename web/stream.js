// stream.js -- fetches an NDJSON run stream and hands each parsed line to a callback
'use strict';

// A failed request or stream, with a message meant for the person at the page.
export class StreamError extends Error {
  constructor(message, info = {}) {
    super(message);
    this.name = 'StreamError';
    this.status = info.status || 0;
    this.code = info.code || '';
    this.param = info.param || '';
  }
}

// describeHttpError: a readable message from a non-2xx response
async function describeHttpError(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  const err = body && body.error ? body.error : {};
  let msg = err.message || `${res.status} ${res.statusText}`.trim();
  if (res.status === 429) {
    const after = res.headers.get('Retry-After');
    msg = `the run queue is full: ${err.message || 'too many runs waiting'}` +
      (after ? ` (retry after ${after} s)` : '');
  } else if (err.param) {
    msg = `${err.param}: ${msg}`;
  }
  return new StreamError(msg, { status: res.status, code: err.code, param: err.param });
}

// splitLines: feeds complete lines of text to emit, returns the unfinished rest
function splitLines(buffer, emit) {
  let start = 0;
  for (;;) {
    const nl = buffer.indexOf('\n', start);
    if (nl < 0) break;
    const line = buffer.slice(start, nl).trim();
    start = nl + 1;
    if (line) emit(line);
  }
  return buffer.slice(start);
}

// parseLine: one NDJSON line into an object, or an error-typed object
function parseLine(text) {
  try {
    const obj = JSON.parse(text);
    if (obj && typeof obj === 'object' && !Array.isArray(obj)) return obj;
  } catch {
    // fall through
  }
  return { type: 'error', code: 'bad_line', message: `unreadable line from the server: ${text.slice(0, 120)}` };
}

// readNdjson: reads body to the end, calling onLine(obj, rawText) per line
// and onChunk() once the lines that arrived together are all handed over
export async function readNdjson(body, onLine, onChunk = () => {}) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let rest = '';
  const emit = (text) => onLine(parseLine(text), text);
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    rest = splitLines(rest + decoder.decode(value, { stream: true }), emit);
    onChunk();
  }
  rest += decoder.decode();
  if (rest.trim()) emit(rest.trim());
  onChunk();
}

// streamRun: GETs url and streams its lines to onLine until the end, with
// onChunk() after each batch of lines that arrived together.
// Resolves with {sawEnd}; rejects with StreamError (HTTP error, server
// unreachable) or an AbortError when signal aborts.
export async function streamRun(url, onLine, signal, onChunk) {
  let res;
  try {
    res = await fetch(url, { signal, headers: { Accept: 'application/x-ndjson' } });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new StreamError('the server cannot be reached (is ipcscope serve still running?)');
  }
  if (!res.ok) throw await describeHttpError(res);
  if (!res.body) throw new StreamError('the server sent no stream');
  let sawEnd = false;
  try {
    await readNdjson(res.body, (obj, text) => {
      if (obj.type === 'end') sawEnd = true;
      onLine(obj, text);
    }, onChunk);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new StreamError('the connection to the server broke during the run');
  }
  return { sawEnd };
}

// getJson: GET url as JSON; rejects with StreamError carrying the server's message
export async function getJson(url, signal) {
  let res;
  try {
    res = await fetch(url, { signal, headers: { Accept: 'application/json' } });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new StreamError('the server cannot be reached (is ipcscope serve still running?)');
  }
  if (!res.ok) throw await describeHttpError(res);
  return res.json();
}

// getText: GET url as text (a stored run's NDJSON)
export async function getText(url) {
  let res;
  try {
    res = await fetch(url);
  } catch {
    throw new StreamError('the server cannot be reached (is ipcscope serve still running?)');
  }
  if (!res.ok) throw await describeHttpError(res);
  return res.text();
}
