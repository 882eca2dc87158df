// UpdateFunctionConfiguration: PUT /2015-03-31/functions/{name}/configuration → LastUpdateStatus InProgress,
// then Successful. New invocations run in fresh environments with the new configuration.
import { randomUUID } from 'node:crypto';
import { LambdaApiError, invalidParameter } from '../errors.ts';
import { lambdaTimestamp, toFunctionConfiguration, type FunctionRecord, type LoggingConfig } from '../function-record.ts';
import type { LambdaOperation, LambdaState } from '../service-state.ts';
import * as v from '../validate.ts';

export function loggingConfigOf(raw: unknown, name: string, previous?: LoggingConfig): LoggingConfig {
  const input = (raw ?? {}) as Partial<LoggingConfig>;
  const format = input.LogFormat ?? previous?.LogFormat ?? 'Text';
  if (format !== 'Text' && format !== 'JSON') throw invalidParameter(`Value ${String(format)} at 'loggingConfig.logFormat' failed to satisfy constraint: Member must satisfy enum value set: [JSON, Text]`);
  const out: LoggingConfig = { LogFormat: format, LogGroup: input.LogGroup ?? previous?.LogGroup ?? `/aws/lambda/${name}` };
  const appLevel = input.ApplicationLogLevel ?? previous?.ApplicationLogLevel;
  const sysLevel = input.SystemLogLevel ?? previous?.SystemLogLevel;
  if (format === 'JSON') {
    out.ApplicationLogLevel = appLevel ?? 'INFO';
    out.SystemLogLevel = sysLevel ?? 'INFO';
  }
  return out;
}

/** Shared by both update operations: state checks, optimistic RevisionId check, InProgress → Successful. */
export function beginUpdate(fn: FunctionRecord, revisionId: unknown): void {
  if (fn.state === 'Pending') {
    throw new LambdaApiError('ResourceConflictException', 'The operation cannot be performed at this time. The function is currently in the following state: Pending');
  }
  if (fn.lastUpdateStatus === 'InProgress') {
    throw new LambdaApiError('ResourceConflictException', `The operation cannot be performed at this time. An update is in progress for resource: ${fn.arn}`);
  }
  if (revisionId !== undefined && revisionId !== fn.revisionId) {
    throw new LambdaApiError('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id');
  }
}

export function finishUpdate(state: LambdaState, fn: FunctionRecord): Record<string, unknown> {
  fn.revisionId = randomUUID();
  fn.lastModified = lambdaTimestamp(state.ctx.clock.now());
  fn.lastUpdateStatus = 'InProgress';
  const config = toFunctionConfiguration(fn, state.ctx.region);
  const revision = fn.revisionId;
  state.registry.later(() => {
    if (fn.revisionId === revision) fn.lastUpdateStatus = 'Successful';
  });
  return config;
}

export const updateFunctionConfiguration: LambdaOperation = (state, body) => {
  const fn = state.registry.get(String(body.FunctionName));
  beginUpdate(fn, body.RevisionId);
  // Validate everything before changing anything.
  const next = {
    role: body.Role === undefined ? fn.role : v.validateRole(body.Role),
    runtime: body.Runtime === undefined ? fn.runtime : v.validateRuntime(body.Runtime),
    handler: body.Handler === undefined ? fn.handler : v.validateHandler(body.Handler),
    timeout: body.Timeout === undefined ? fn.timeout : v.validateTimeout(body.Timeout),
    memorySize: body.MemorySize === undefined ? fn.memorySize : v.validateMemorySize(body.MemorySize),
    variables: body.Environment === undefined ? fn.variables : v.validateEnvironment(body.Environment),
    loggingConfig: body.LoggingConfig === undefined ? fn.loggingConfig : loggingConfigOf(body.LoggingConfig, fn.name, fn.loggingConfig),
  };
  Object.assign(fn, next);
  if (typeof body.Description === 'string') fn.description = body.Description;
  if (body.TracingConfig) fn.tracingMode = String((body.TracingConfig as { Mode?: string }).Mode ?? fn.tracingMode);
  if (body.EphemeralStorage) fn.ephemeralStorageSize = Number((body.EphemeralStorage as { Size?: number }).Size ?? fn.ephemeralStorageSize);
  const config = finishUpdate(state, fn);
  void state.engine.retire(fn.name);
  return config;
};
