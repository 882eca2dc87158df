// The Node.js runtime of a local execution environment (plain JS: it runs on the local `node` without tsx).
// It loads the handler once (init), then serves one invocation at a time over the private channel
// (fd 3 in, fd 4 out; frame format in frames.ts). console.* is formatted like AWS's Node runtime and sent as
// one log record per call; raw process.stdout/stderr writes pass through untouched.
import net from 'node:net';
import path from 'node:path';
import fs from 'node:fs';
import util from 'node:util';
import Module, { createRequire, register } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runtimeSdkRequireFallback } from './sdk-resolve.mjs';

// The runtime's AWS SDK for `require` and `import`, before any user code loads (rules in sdk-resolve.mjs).
runtimeSdkRequireFallback(Module, path.dirname(fileURLToPath(import.meta.url)));
register('./sdk-resolve.mjs', import.meta.url);

const PHASE_MARKER = '\u0000\u001e__ddbs_lambda_phase_end__\u0000';
const input = new net.Socket({ fd: 3, readable: true, writable: false });
const output = new net.Socket({ fd: 4, readable: false, writable: true });
const taskRoot = process.env.LAMBDA_TASK_ROOT || process.cwd();
const handlerString = process.env._HANDLER || '';
const memoryMb = process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE;

let currentRequestId; // undefined outside an invocation, printed as `undefined` like AWS
let current; // the invocation in flight: { id, settled }
let userHandler;

// Track whether the handler wrote raw output since the last phase end, so markers are only sent when needed.
let stdoutDirty = false;
let stderrDirty = false;
const rawStdoutWrite = process.stdout.write.bind(process.stdout);
const rawStderrWrite = process.stderr.write.bind(process.stderr);
process.stdout.write = (...args) => (frozen() ? dropWrite(args) : ((stdoutDirty = true), rawStdoutWrite(...args)));
process.stderr.write = (...args) => (frozen() ? dropWrite(args) : ((stderrDirty = true), rawStderrWrite(...args)));

/**
 * At its deadline an invocation's environment is frozen, as Lambda freezes it when the timeout
 * ends the invocation: nothing it logs or returns afterwards is seen. Judged here by the clock at
 * the moment of each write, so a stack too busy to kill the environment on time cannot let a late
 * line ("done") or a late result through.
 */
function frozen() {
  return current !== undefined && Date.now() >= current.deadline;
}
function dropWrite(args) {
  const cb = args.find((a) => typeof a === 'function');
  if (cb) process.nextTick(cb);
  return true;
}

function send(header, body) {
  const b = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body);
  const h = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.allocUnsafe(8);
  prefix.writeUInt32BE(h.length, 0);
  prefix.writeUInt32BE(b.length, 4);
  output.cork();
  output.write(prefix);
  output.write(h);
  if (b.length) output.write(b);
  output.uncork();
}

/** Ends a phase: markers on the raw streams that were written to, then the frame naming which ones. */
function endPhase(header, body) {
  header.o = stdoutDirty ? 1 : 0;
  header.e = stderrDirty ? 1 : 0;
  if (stdoutDirty) rawStdoutWrite(PHASE_MARKER + '\n');
  if (stderrDirty) rawStderrWrite(PHASE_MARKER + '\n');
  stdoutDirty = stderrDirty = false;
  header.m = Math.ceil(process.resourceUsage().maxRSS / 1024);
  send(header, body);
}

function log(level, args) {
  if (frozen()) return;
  const ts = Date.now();
  send({ t: 'log', ts }, `${new Date(ts).toISOString()}\t${currentRequestId}\t${level}\t${util.format(...args)}`);
}
console.log = (...a) => log('INFO', a);
console.info = (...a) => log('INFO', a);
console.warn = (...a) => log('WARN', a);
console.error = (...a) => log('ERROR', a);
console.debug = (...a) => log('DEBUG', a);
console.trace = (...a) => log('TRACE', a);

function isError(e) {
  return util.types.isNativeError(e) || (e && typeof e === 'object' && typeof e.message === 'string' && typeof e.stack === 'string');
}

/** The AWS Node runtime's error payload: errorType/errorMessage/trace, or `typeof` for non-Errors. */
function errorPayload(err) {
  if (isError(err)) {
    const out = { errorType: err.name, errorMessage: err.message, trace: String(err.stack).split('\n') };
    for (const [k, v] of Object.entries(err)) if (!(k in out) && k !== 'stack') out[k] = v;
    return out;
  }
  return { errorType: typeof err, errorMessage: String(err), trace: [] };
}

function runtimeError(errorType, message, cause) {
  const err = new Error(message);
  err.name = errorType;
  if (cause && cause.stack) err.stack = `${errorType}: ${message}\n${String(cause.stack).split('\n').slice(1).join('\n')}`;
  return err;
}

async function loadModule(file) {
  if (file.endsWith('.mjs')) return import(pathToFileURL(file).href);
  try {
    return createRequire(file)(file);
  } catch (err) {
    if (err && err.code === 'ERR_REQUIRE_ESM') return import(pathToFileURL(file).href);
    throw err;
  }
}

/** `src/app.handler` → module `src/app` (.js/.mjs/.cjs) and the property path `handler` (may be nested). */
async function loadHandler() {
  const slash = handlerString.lastIndexOf('/');
  const dir = path.resolve(taskRoot, handlerString.slice(0, slash + 1));
  const rest = handlerString.slice(slash + 1);
  const dot = rest.indexOf('.');
  if (dot < 1) throw runtimeError('Runtime.MalformedHandlerName', "Bad handler");
  const moduleName = rest.slice(0, dot);
  const propertyPath = rest.slice(dot + 1);
  const file = ['.js', '.mjs', '.cjs'].map((ext) => path.join(dir, moduleName + ext)).find((f) => fs.existsSync(f));
  if (!file) throw runtimeError('Runtime.ImportModuleError', `Error: Cannot find module '${moduleName}'\nRequire stack:\n- ${import.meta.filename ?? 'runtime'}`);
  let mod;
  try {
    mod = await loadModule(file);
  } catch (err) {
    if (err instanceof SyntaxError) throw runtimeError('Runtime.UserCodeSyntaxError', `${err.name}: ${err.message}`, err);
    throw err;
  }
  const resolve = (root) => propertyPath.split('.').reduce((o, k) => (o == null ? undefined : o[k]), root);
  let fn = resolve(mod);
  if (fn === undefined && mod && mod.default) fn = resolve(mod.default);
  if (typeof fn !== 'function') throw runtimeError('Runtime.HandlerNotFound', `${moduleName}.${propertyPath} is undefined or not exported`);
  return fn;
}

function finish(inv, err, result) {
  if (inv.settled) return;
  inv.settled = true;
  if (frozen()) return; // too late: the stack ends the environment as timed out
  if (err !== null && err !== undefined) {
    const payload = errorPayload(err);
    const { trace, ...rest } = payload;
    log('ERROR', ['Invoke Error \t' + JSON.stringify({ ...rest, stack: trace })]);
    endPhase({ t: 'err', id: inv.id }, JSON.stringify(payload));
  } else {
    let body;
    try {
      body = result === undefined ? 'null' : JSON.stringify(result);
    } catch {
      const e = errorPayload(runtimeError('Runtime.MarshalError', 'Unable to stringify response body'));
      endPhase({ t: 'err', id: inv.id }, JSON.stringify(e));
      current = undefined;
      currentRequestId = undefined;
      return;
    }
    endPhase({ t: 'ok', id: inv.id }, body ?? 'null');
  }
  current = undefined;
  currentRequestId = undefined;
}

function invoke(header, body) {
  let event;
  try {
    event = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch (err) {
    send({ t: 'badEvent', id: header.id, message: err.message });
    return;
  }
  const inv = { id: header.id, settled: false, deadline: header.deadline };
  current = inv;
  currentRequestId = header.id;
  const deadline = header.deadline;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: header.arn,
    memoryLimitInMB: memoryMb,
    awsRequestId: header.id,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    identity: undefined,
    clientContext: header.cc,
    getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
    succeed: (r) => finish(inv, null, r),
    fail: (e) => finish(inv, e ?? 'handled', undefined),
    done: (e, r) => finish(inv, e, r),
  };
  const callback = (err, result) => finish(inv, err, result);
  try {
    const ret = userHandler(event, context, callback);
    if (ret && typeof ret.then === 'function') ret.then((r) => finish(inv, null, r), (e) => finish(inv, e ?? new Error('Promise rejected'), undefined));
    else if (userHandler.length < 3) finish(inv, null, ret); // synchronous handler: its return value is the result
  } catch (err) {
    finish(inv, err, undefined);
  }
}

// Errors that escape the handler's promise chain end the environment, as on AWS (exit codes 128/129).
process.on('unhandledRejection', (reason) => {
  const err = runtimeError('Runtime.UnhandledPromiseRejection', isError(reason) ? `${reason.name}: ${reason.message}` : String(reason), isError(reason) ? reason : undefined);
  if (current) finish(current, err, undefined);
  else log('ERROR', ['Unhandled Promise Rejection \t' + JSON.stringify(errorPayload(err))]);
  output.end(() => process.exit(128));
});
process.on('uncaughtException', (err) => {
  if (current) finish(current, err, undefined);
  else log('ERROR', ['Uncaught Exception \t' + JSON.stringify(errorPayload(err))]);
  output.end(() => process.exit(129));
});

let pending = [];
let pendingSize = 0;
let need = 8;
let headerLength = -1;
function onData(chunk) {
  pending.push(chunk);
  pendingSize += chunk.length;
  while (pendingSize >= need) {
    const all = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingSize);
    const part = all.subarray(0, need);
    const restBuf = all.subarray(need);
    pending = restBuf.length ? [restBuf] : [];
    pendingSize = restBuf.length;
    if (headerLength < 0) {
      headerLength = part.readUInt32BE(0);
      need = headerLength + part.readUInt32BE(4);
    } else {
      const header = JSON.parse(part.toString('utf8', 0, headerLength));
      const body = part.subarray(headerLength);
      headerLength = -1;
      need = 8;
      if (header.t === 'invoke') invoke(header, body);
    }
  }
}
input.on('data', onData);
input.on('end', () => process.exit(0)); // the stack went away: never linger as an orphan
input.on('error', () => process.exit(0));

try {
  userHandler = await loadHandler();
  endPhase({ t: 'ready' });
} catch (err) {
  const payload = errorPayload(err);
  log('ERROR', ['Uncaught Exception \t' + JSON.stringify({ errorType: payload.errorType, errorMessage: payload.errorMessage, stack: payload.trace })]);
  endPhase({ t: 'initError' }, JSON.stringify(payload));
}
