// The instrumented consumer ddbs-test deploys as a Lambda function (handler `ddbs_consumer.handler`).
// Plain JS without dependencies: it runs unchanged on Lambda nodejs20.x/22.x and in the local stack.
//
// Per invocation it writes, as pure JSON lines on stdout (no console prefix, so CloudWatch holds
// exactly the JSON):
//   1. {"ddbsTest":"v1","kind":"batch",...} with every record's identity, split into parts when a
//      line would pass ~200 KB (a CloudWatch event holds at most 256 KB);
//   2. the configured work (DDBS_WORK_MS, user code, DDBS_FAIL_RATE faults);
//   3. {"ddbsTest":"v1","kind":"done",...}: ok, all failed, or the records a partial batch
//      response reported failed. A timeout or crash leaves no done line.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { identify } from './ddbs_identity.mjs';

export const MARKER_VERSION = 'v1';
export const MAX_LINE_BYTES = 200_000;
const USER_MODULE_EXTENSIONS = ['.js', '.mjs', '.cjs'];

/** Groups identities into the line's `s` ({runId: [seq…]}) and `h` ([hash…]) fields. */
function group(ids) {
  const s = new Map();
  const h = [];
  for (const id of ids) {
    if ('hash' in id) h.push(id.hash);
    else {
      const seqs = s.get(id.run);
      if (seqs) seqs.push(id.seq);
      else s.set(id.run, [id.seq]);
    }
  }
  return { s: Object.fromEntries(s), h };
}

/** Rough JSON size of one identity inside a part, to cut parts without re-serialising. */
function entryBytes(id, runsInPart) {
  if ('hash' in id) return id.hash.length + 3;
  const seqBytes = String(id.seq).length + 1;
  return runsInPart.has(id.run) ? seqBytes : seqBytes + id.run.length + 6;
}

/**
 * The batch line(s) of one invocation. `n` is the invocation's record count in every part; the
 * parts together list each record exactly once.
 */
export function encodeBatchLines({ rid, t, ids }, maxBytes = MAX_LINE_BYTES) {
  const head = { ddbsTest: MARKER_VERSION, kind: 'batch', rid, t, n: ids.length };
  const whole = JSON.stringify({ ...head, part: 0, parts: 1, ...group(ids) });
  if (Buffer.byteLength(whole) <= maxBytes) return [whole];
  const emptyBytes = Buffer.byteLength(JSON.stringify({ ...head, part: 99999, parts: 99999, s: {}, h: [] }));
  const budget = Math.max(64, maxBytes - emptyBytes);
  const chunks = [];
  let chunk = [];
  let used = 0;
  let runs = new Set();
  for (const id of ids) {
    const bytes = entryBytes(id, runs);
    if (chunk.length > 0 && used + bytes > budget) {
      chunks.push(chunk);
      chunk = [];
      used = 0;
      runs = new Set();
    }
    chunk.push(id);
    used += entryBytes(id, runs);
    if (!('hash' in id)) runs.add(id.run);
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks.map((c, part) => JSON.stringify({ ...head, part, parts: chunks.length, ...group(c) }));
}

/** The outcome line. `failed` lists records reported in batchItemFailures (partial response). */
export function encodeDoneLine(rid, outcome) {
  if (outcome.ok) return JSON.stringify({ ddbsTest: MARKER_VERSION, kind: 'done', rid, ok: true });
  if (outcome.all) return JSON.stringify({ ddbsTest: MARKER_VERSION, kind: 'done', rid, ok: false, all: true });
  return JSON.stringify({ ddbsTest: MARKER_VERSION, kind: 'done', rid, ok: false, failed: group(outcome.failed) });
}

function readConfig(env) {
  const workMs = Number(env.DDBS_WORK_MS ?? 0);
  const failRate = Number(env.DDBS_FAIL_RATE ?? 0);
  return {
    workMs: Number.isFinite(workMs) && workMs > 0 ? workMs : 0,
    failRate: Number.isFinite(failRate) ? Math.min(1, Math.max(0, failRate)) : 0,
    reportFailures: env.DDBS_REPORT_FAILURES === '1' || env.DDBS_REPORT_FAILURES === 'true',
    userModule: env.DDBS_USER_MODULE || undefined,
    userFunction: env.DDBS_USER_FUNCTION || 'handler',
  };
}

/** Follows a dotted export path (`handler` or `handlers.main`), as Lambda's Node runtime does. */
function resolveExport(namespace, path) {
  for (const root of [namespace, namespace?.default]) {
    let value = root;
    for (const part of path.split('.')) value = value == null ? undefined : value[part];
    if (typeof value === 'function') return value;
  }
  return undefined;
}

async function loadUserFunction(taskRoot, config, importModule) {
  const file = USER_MODULE_EXTENSIONS.map((ext) => join(taskRoot, config.userModule + ext)).find((f) => existsSync(f));
  if (!file) {
    const err = new Error(`Cannot find module '${config.userModule}' (tried ${USER_MODULE_EXTENSIONS.join(', ')} in ${taskRoot})`);
    err.name = 'Runtime.ImportModuleError';
    throw err;
  }
  const fn = resolveExport(await importModule(file), config.userFunction);
  if (!fn) {
    const err = new Error(`${config.userModule}.${config.userFunction} is undefined or not exported`);
    err.name = 'Runtime.HandlerNotFound';
    throw err;
  }
  return fn;
}

/** Calls user code in any of Lambda's styles: sync, async/promise, or (event, context, callback). */
function callUser(fn, event, context) {
  if (fn.length < 3) return Promise.resolve().then(() => fn(event, context));
  return new Promise((resolve, reject) => {
    const callback = (err, value) => (err ? reject(err) : resolve(value));
    const returned = fn(event, context, callback);
    if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
  });
}

/**
 * The user's partial batch response as failed sequence numbers, following Lambda's rules: null,
 * {} or an empty list mean success; an entry without a non-empty string itemIdentifier, or one that
 * is not in the batch, fails the whole batch (returns undefined).
 */
function userFailures(result, batchSeqs) {
  const list = result !== null && typeof result === 'object' ? result.batchItemFailures : undefined;
  if (!Array.isArray(list)) return new Set();
  const failed = new Set();
  for (const entry of list) {
    const id = entry !== null && typeof entry === 'object' ? entry.itemIdentifier : undefined;
    if (typeof id !== 'string' || id === '' || !batchSeqs.has(id)) return undefined;
    failed.add(id);
  }
  return failed;
}

/**
 * Builds a handler. Everything the outside world provides is injectable so tests run it
 * in-process; the deployed default reads process.env and writes to process.stdout.
 */
export function createHandler(deps = {}) {
  const env = deps.env ?? process.env;
  const write = deps.write ?? ((line) => process.stdout.write(line + '\n'));
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  // The consumer sits at the zip root, next to the user's files.
  const taskRoot = deps.taskRoot ?? dirname(fileURLToPath(import.meta.url));
  const importModule = deps.importModule ?? ((file) => import(pathToFileURL(file).href));
  let userFunction; // loaded once per execution environment (Lambda's init), retried after a failure

  return async function handler(event, context) {
    const t = now();
    const rid = String(context?.awsRequestId ?? '');
    const records = Array.isArray(event?.Records) ? event.Records : [];
    const ids = records.map((r) => identify(r?.dynamodb?.Keys));
    for (const line of encodeBatchLines({ rid, t, ids })) write(line);

    const config = readConfig(env);
    let result;
    try {
      if (config.workMs > 0) await sleep(config.workMs);
      if (config.userModule) {
        userFunction ??= loadUserFunction(taskRoot, config, importModule);
        const fn = await userFunction.catch((err) => {
          userFunction = undefined;
          throw err;
        });
        result = await callUser(fn, event, context);
      }
      if (config.failRate > 0 && !config.reportFailures && random() < config.failRate) {
        throw new Error(`ddbs-test injected failure (DDBS_FAIL_RATE=${config.failRate})`);
      }
    } catch (err) {
      write(encodeDoneLine(rid, { ok: false, all: true }));
      throw err;
    }
    if (!config.reportFailures) {
      write(encodeDoneLine(rid, { ok: true }));
      return result;
    }

    const seqOf = (r) => r?.dynamodb?.SequenceNumber;
    const failed = userFailures(result, new Set(records.map(seqOf).filter((s) => typeof s === 'string')));
    if (failed === undefined) {
      // Lambda treats an invalid partial response as a failure of the whole batch.
      write(encodeDoneLine(rid, { ok: false, all: true }));
      return result;
    }
    if (config.failRate > 0) {
      for (const r of records) if (typeof seqOf(r) === 'string' && random() < config.failRate) failed.add(seqOf(r));
    }
    if (failed.size === 0) {
      write(encodeDoneLine(rid, { ok: true }));
      return result;
    }
    const failedIds = records.flatMap((r, i) => (failed.has(seqOf(r)) ? [ids[i]] : []));
    write(encodeDoneLine(rid, { ok: false, failed: failedIds }));
    const base = result !== null && typeof result === 'object' && !Array.isArray(result) ? result : {};
    return { ...base, batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

export const handler = createHandler();
