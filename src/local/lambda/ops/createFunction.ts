// CreateFunction: POST /2015-03-31/functions → 201, State Pending, Active after the configured delay.
import { randomUUID } from 'node:crypto';
import { LambdaApiError, invalidParameter } from '../errors.ts';
import { lambdaTimestamp, toFunctionConfiguration, type FunctionRecord } from '../function-record.ts';
import type { LambdaOperation } from '../service-state.ts';
import * as v from '../validate.ts';
import { loggingConfigOf } from './updateFunctionConfiguration.ts';

export const createFunction: LambdaOperation = async (state, body) => {
  const name = v.validateName(body.FunctionName);
  if (body.PackageType === 'Image') throw invalidParameter('The local stack only runs Zip functions (PackageType Image is not available locally).');
  const role = v.validateRole(body.Role);
  if (body.Runtime === undefined || body.Handler === undefined) throw invalidParameter('Runtime and Handler are mandatory parameters for functions created with deployment packages.');
  const runtime = v.validateRuntime(body.Runtime);
  const handler = v.validateHandler(body.Handler);
  const timeout = body.Timeout === undefined ? 3 : v.validateTimeout(body.Timeout);
  const memorySize = body.MemorySize === undefined ? 128 : v.validateMemorySize(body.MemorySize);
  const variables = v.validateEnvironment(body.Environment);
  const architectures = v.validateArchitectures(body.Architectures);
  if (state.registry.functions.has(name)) throw new LambdaApiError('ResourceConflictException', `Function already exist: ${name}`);
  const code = await state.code.unpack(name, body.Code);
  if (state.registry.functions.has(name)) {
    // Lost a race with a concurrent create of the same name while unpacking.
    await state.code.remove(code.dir);
    throw new LambdaApiError('ResourceConflictException', `Function already exist: ${name}`);
  }
  const fn: FunctionRecord = {
    name,
    arn: state.registry.arnOf(name),
    runtime,
    handler,
    role,
    description: typeof body.Description === 'string' ? body.Description : '',
    timeout,
    memorySize,
    variables,
    architectures,
    loggingConfig: loggingConfigOf(body.LoggingConfig, name),
    ephemeralStorageSize: Number((body.EphemeralStorage as { Size?: number } | undefined)?.Size ?? 512),
    tracingMode: String((body.TracingConfig as { Mode?: string } | undefined)?.Mode ?? 'PassThrough'),
    codeSha256: code.sha256,
    codeSize: code.size,
    codeDir: code.dir,
    lastModified: lambdaTimestamp(state.ctx.clock.now()),
    revisionId: randomUUID(),
    state: 'Pending',
    tags: { ...((body.Tags as Record<string, string> | undefined) ?? {}) },
  };
  state.registry.functions.set(name, fn);
  const response = toFunctionConfiguration(fn, state.ctx.region);
  state.registry.later(() => {
    if (state.registry.functions.get(name) !== fn) return;
    fn.state = 'Active';
    fn.lastUpdateStatus = 'Successful';
  });
  return response;
};
