// The instrumented consumer ddbs-test deploys as a Lambda function (handler `ddbs_consumer.handler`).
// Plain JS without dependencies: it runs unchanged on Lambda nodejs20.x/22.x and in the local stack.
//
// Per invocation it writes, as pure JSON lines on stdout (no console prefix, so CloudWatch holds
// exactly the JSON):
//   1. {"ddbsTest":"v1","kind":"batch",...} with every record's identity (with its `version`
//      attribute and event name when not 0 / INSERT) and the batch's first and last SequenceNumber, split into parts when a line would pass ~200 KB (a CloudWatch event
//      holds at most 256 KB); each line starts on a fresh line (see freshLineWriter);
//   2. the configured work (DDBS_WORK_MS, user code, DDBS_FAIL_RATE faults);
//   3. {"ddbsTest":"v1","kind":"done",...}: ok, all failed, or the records a partial batch
//      response reported failed. A timeout or crash leaves no done line.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { identifyRecord } from './ddbs_identity.mjs';
import { encodeBatchLines, encodeDoneLine } from './ddbs_lines.mjs';

export { MARKER_VERSION, MAX_LINE_BYTES, encodeBatchLines, encodeDoneLine } from './ddbs_lines.mjs';
const USER_MODULE_EXTENSIONS = ['.js', '.mjs', '.cjs'];

/**
 * A line writer on `stream` (stdout) that starts every marker line on a fresh line: stdout is
 * shared with the user's handler, which may leave text without a newline (`process.stdout.write('x ')`);
 * its writes are watched so a "\n" goes first only when the last byte written was not one.
 */
export function freshLineWriter(stream) {
  const raw = stream.write.bind(stream);
  let atLineStart = true;
  stream.write = (chunk, ...rest) => {
    const text = typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('latin1') : '';
    if (text.length > 0) atLineStart = text.endsWith('\n');
    return raw(chunk, ...rest);
  };
  return (line) => {
    const prefix = atLineStart ? '' : '\n';
    atLineStart = true;
    raw(`${prefix}${line}\n`);
  };
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
 * The user's partial batch response as failed sequence numbers, following the rule the event source
 * mapping applies (src/local/esm/deliver.ts, AWS's documented success forms): undefined/null, {},
 * an object without batchItemFailures (or with null or []), and an empty JSON list are success;
 * every other response (a string such as 'ok', a number, a non-empty list, a batchItemFailures that
 * is not a list, an entry without a non-empty string itemIdentifier that is in the batch) fails the
 * whole batch (returns undefined).
 */
export function userFailures(result, batchSeqs) {
  if (result === undefined || result === null) return new Set();
  if (Array.isArray(result)) return result.length === 0 ? new Set() : undefined;
  if (typeof result !== 'object') return undefined;
  const list = result.batchItemFailures;
  if (list === undefined || list === null) return new Set();
  if (!Array.isArray(list)) return undefined;
  const failed = new Set();
  for (const entry of list) {
    const id = entry !== null && typeof entry === 'object' ? entry.itemIdentifier : undefined;
    if (typeof id !== 'string' || id === '' || !batchSeqs.has(id)) return undefined;
    failed.add(id);
  }
  return failed;
}

/** Lambda's limit on a synchronous invocation's response (bytes of its JSON). */
export const MAX_RESPONSE_BYTES = 6_291_556;

/**
 * Whether Lambda can return `response`: the runtime serializes it as JSON after the handler has
 * returned (a value it cannot serialize ends the invocation in Runtime.MarshalError) and the platform
 * refuses a body over MAX_RESPONSE_BYTES (Function.ResponseSizeTooLarge). Either fails the whole
 * batch, so the consumer must not log `done ok` for such a response.
 */
export function isReturnable(response) {
  let body;
  try {
    body = response === undefined ? 'null' : JSON.stringify(response);
  } catch {
    return false;
  }
  return Buffer.byteLength(body ?? 'null', 'utf8') <= MAX_RESPONSE_BYTES;
}

/**
 * Builds a handler. Everything the outside world provides is injectable so tests run it
 * in-process; the deployed default reads process.env and writes to process.stdout.
 */
export function createHandler(deps = {}) {
  const env = deps.env ?? process.env;
  const write = deps.write ?? freshLineWriter(deps.stdout ?? process.stdout);
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
    const ids = records.map((r) => identifyRecord(r));
    const seqs = records.map((r) => r?.dynamodb?.SequenceNumber).filter((q) => typeof q === 'string');
    for (const line of encodeBatchLines({ rid, t, ids, first: seqs[0], last: seqs.at(-1) })) write(line);

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
    const [response, outcome] = settle(result, records, ids, config, random);
    // The outcome line is only true if Lambda can hand the response back.
    write(encodeDoneLine(rid, isReturnable(response) ? outcome : { ok: false, all: true }));
    return response;
  };
}

/** The response the handler returns and the outcome line that goes with it. */
function settle(result, records, ids, config, random) {
  if (!config.reportFailures) return [result, { ok: true }];
  const seqOf = (r) => r?.dynamodb?.SequenceNumber;
  const failed = userFailures(result, new Set(records.map(seqOf).filter((s) => typeof s === 'string')));
  // Lambda treats an invalid partial response as a failure of the whole batch.
  if (failed === undefined) return [result, { ok: false, all: true }];
  if (config.failRate > 0) {
    for (const r of records) if (typeof seqOf(r) === 'string' && random() < config.failRate) failed.add(seqOf(r));
  }
  if (failed.size === 0) return [result, { ok: true }];
  const failedIds = records.flatMap((r, i) => (failed.has(seqOf(r)) ? [ids[i]] : []));
  const base = result !== null && typeof result === 'object' && !Array.isArray(result) ? result : {};
  return [{ ...base, batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })) }, { ok: false, failed: failedIds }];
}

export const handler = createHandler();
