// The consumer's log-line codec: how the deployed consumer encodes its marker lines and how count
// finds them again in CloudWatch events. One module, shipped inside the consumer zip and imported
// by src/core, so the writer and the reader can never disagree. Plain JS, no dependencies.
//
// A marker line is one JSON object that starts with `{"ddbsTest":"v1",` (the encoder fixes the key
// order). A handler may leave text without a newline on stdout, so a log event can carry text
// before the marker, and (when lines were joined) several markers: the reader scans the whole event.

export const MARKER_VERSION = 'v1';
export const MARKER_PREFIX = `{"ddbsTest":"${MARKER_VERSION}",`;
export const MAX_LINE_BYTES = 200_000;

/**
 * Groups identities into the line's `s` ({runId: [seq…]}) and `h` ([hash…]) fields, and for runs
 * whose records carry versions or event names other than INSERT also `v` ({runId: [version…]},
 * parallel to s[runId]) and `e` ({runId: "IMM…"}, one letter per entry). A line without `v`/`e`
 * (a plain run, or an older consumer) means version 0 and INSERT for every record.
 */
export function groupIdentities(ids) {
  const s = new Map();
  const v = new Map();
  const e = new Map();
  const h = [];
  for (const id of ids) {
    // A seeded-looking key with more key attributes carries its whole-key hash too (both are kept).
    if (typeof id.hash === 'string') h.push(id.hash);
    if (typeof id.run === 'string') {
      const seqs = s.get(id.run);
      if (seqs) seqs.push(id.seq);
      else s.set(id.run, [id.seq]);
      const versions = v.get(id.run) ?? [];
      versions.push(id.version ?? 0);
      v.set(id.run, versions);
      e.set(id.run, (e.get(id.run) ?? '') + (id.event ?? 'I'));
    }
  }
  const marked = (map, plain) => Object.fromEntries([...map].filter(([, list]) => [...list].some((x) => x !== plain)));
  const versions = marked(v, 0);
  const events = marked(e, 'I');
  return { s: Object.fromEntries(s), h, ...(Object.keys(versions).length > 0 ? { v: versions } : {}), ...(Object.keys(events).length > 0 ? { e: events } : {}) };
}

/** Runs with a record whose version or event is not the plain default: their entries cost more bytes. */
function markedRuns(ids) {
  const runs = new Set();
  for (const id of ids) if (typeof id.run === 'string' && ((id.version ?? 0) !== 0 || (id.event ?? 'I') !== 'I')) runs.add(id.run);
  return runs;
}

/**
 * Rough JSON size of one identity inside a part, to cut parts without re-serialising. An entry of a
 * marked run also pays for its version (digits and a comma) and its event letter, and the run's
 * first entry in a part for the run's name under `v` and `e` too.
 */
function entryBytes(id, runsInPart, marked) {
  let bytes = typeof id.hash === 'string' ? id.hash.length + 3 : 0;
  if (typeof id.run === 'string') {
    const isMarked = marked.has(id.run);
    const nameBytes = id.run.length + 6;
    bytes += String(id.seq).length + 1 + (runsInPart.has(id.run) ? 0 : nameBytes * (isMarked ? 3 : 1));
    if (isMarked) bytes += String(id.version ?? 0).length + 2;
  }
  return bytes;
}

/**
 * The batch line(s) of one invocation. `n` is the invocation's record count in every part; the
 * parts together list each record exactly once. `f`/`l` are the batch's first and last
 * dynamodb.SequenceNumber (count maps them to a shard through its own read of the stream).
 */
export function encodeBatchLines({ rid, t, ids, first, last }, maxBytes = MAX_LINE_BYTES) {
  const head = { ddbsTest: MARKER_VERSION, kind: 'batch', rid, t, n: ids.length, ...(typeof first === 'string' ? { f: first } : {}), ...(typeof last === 'string' ? { l: last } : {}) };
  const whole = JSON.stringify({ ...head, part: 0, parts: 1, ...groupIdentities(ids) });
  if (Buffer.byteLength(whole) <= maxBytes) return [whole];
  const emptyBytes = Buffer.byteLength(JSON.stringify({ ...head, part: 99999, parts: 99999, s: {}, h: [] }));
  const marked = markedRuns(ids);
  const budget = Math.max(64, maxBytes - emptyBytes);
  const chunks = [];
  let chunk = [];
  let used = 0;
  let runs = new Set();
  for (const id of ids) {
    if (chunk.length > 0 && used + entryBytes(id, runs, marked) > budget) {
      chunks.push(chunk);
      chunk = [];
      used = 0;
      runs = new Set();
    }
    chunk.push(id);
    used += entryBytes(id, runs, marked);
    if (typeof id.run === 'string') runs.add(id.run);
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks.map((c, part) => JSON.stringify({ ...head, part, parts: chunks.length, ...groupIdentities(c) }));
}

/** The outcome line. `failed` lists records reported in batchItemFailures (partial response). */
export function encodeDoneLine(rid, outcome) {
  if (outcome.ok) return JSON.stringify({ ddbsTest: MARKER_VERSION, kind: 'done', rid, ok: true });
  if (outcome.all) return JSON.stringify({ ddbsTest: MARKER_VERSION, kind: 'done', rid, ok: false, all: true });
  return JSON.stringify({ ddbsTest: MARKER_VERSION, kind: 'done', rid, ok: false, failed: groupIdentities(outcome.failed) });
}

/** Index just past the JSON object starting at `start` (a `{`), or -1 when it does not close. */
function objectEnd(text, start) {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123) depth++;
    else if (c === 125 && --depth === 0) return i + 1;
  }
  return -1;
}

/**
 * Every marker object in one log event's message, wherever it starts: after a Lambda text prefix
 * (`<ts>\t<reqId>\tINFO\t`), after the handler's own text left without a newline, several in one
 * event, or inside the JSON log format's envelope (`{"timestamp":…,"message":…}`).
 */
export function findMarkerObjects(message) {
  const found = [];
  let from = 0;
  for (;;) {
    const start = message.indexOf(MARKER_PREFIX, from);
    if (start < 0) break;
    const end = objectEnd(message, start);
    if (end < 0) break;
    try {
      found.push(JSON.parse(message.slice(start, end)));
    } catch {
      // not a complete marker object: keep scanning after its start
    }
    from = end > start ? end : start + 1;
  }
  if (found.length > 0 || !message.includes('ddbsTest')) return found;
  // The JSON log format's envelope escapes the marker line inside its message field.
  const open = message.indexOf('{');
  if (open < 0) return found;
  try {
    const envelope = JSON.parse(message.slice(open));
    const inner = envelope !== null && typeof envelope === 'object' ? envelope.message : undefined;
    if (typeof inner === 'string') return findMarkerObjects(inner);
    if (inner !== null && typeof inner === 'object' && inner.ddbsTest === MARKER_VERSION) return [inner];
  } catch {
    // not an envelope
  }
  return found;
}
