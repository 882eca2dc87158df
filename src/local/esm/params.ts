// Request checks for Create/UpdateEventSourceMapping, in the order AWS applies them: the model's
// type/range/enum constraints first (ValidationException, "N validation errors detected", every
// violation listed), then the service's own rules (InvalidParameterValueException, Type "User", with
// the message texts recorded from real AWS, e.g. "Unrecognized event source." for a missing ARN).
import { compileFilter, type CompiledFilter } from './filter.ts';
import { EsmApiError, invalidParameter } from './errors.ts';
import type { MappingSettings } from './mapping.ts';

const INT_RANGES: Record<string, { min: number; max: number }> = {
  BatchSize: { min: 1, max: 10000 },
  MaximumBatchingWindowInSeconds: { min: 0, max: 300 },
  ParallelizationFactor: { min: 1, max: 10 },
  MaximumRetryAttempts: { min: -1, max: 10000 },
  MaximumRecordAgeInSeconds: { min: -1, max: 604800 },
  TumblingWindowInSeconds: { min: 0, max: 900 },
};

const STARTING_POSITIONS = ['LATEST', 'AT_TIMESTAMP', 'TRIM_HORIZON'];
const MAX_FILTERS = 5;

const camel = (name: string) => name[0]!.toLowerCase() + name.slice(1);

function badContent(member: string, type: string): EsmApiError {
  return new EsmApiError('InvalidRequestContentException', `Could not parse request body into json: ${member} must be ${type}`);
}

/** Checks JSON types and the model's numeric ranges/enums; collects every violation like AWS does. */
function modelChecks(body: Record<string, unknown>): void {
  const errors: string[] = [];
  for (const [name, range] of Object.entries(INT_RANGES)) {
    const v = body[name];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw badContent(name, 'an integer');
    if (v < range.min) errors.push(`Value '${v}' at '${camel(name)}' failed to satisfy constraint: Member must have value greater than or equal to ${range.min}`);
    if (v > range.max) errors.push(`Value '${v}' at '${camel(name)}' failed to satisfy constraint: Member must have value less than or equal to ${range.max}`);
  }
  for (const name of ['Enabled', 'BisectBatchOnFunctionError']) {
    if (body[name] !== undefined && body[name] !== null && typeof body[name] !== 'boolean') throw badContent(name, 'a boolean');
  }
  const sp = body.StartingPosition;
  if (sp !== undefined && sp !== null && !STARTING_POSITIONS.includes(String(sp))) {
    errors.push(`Value '${String(sp)}' at 'startingPosition' failed to satisfy constraint: Member must satisfy enum value set: [${STARTING_POSITIONS.join(', ')}]`);
  }
  const frt = body.FunctionResponseTypes;
  if (frt !== undefined && frt !== null) {
    if (!Array.isArray(frt)) throw badContent('FunctionResponseTypes', 'a list');
    if (frt.length > 1) errors.push(`Value '[${frt.join(', ')}]' at 'functionResponseTypes' failed to satisfy constraint: Member must have length less than or equal to 1`);
    if (frt.some((t) => t !== 'ReportBatchItemFailures')) {
      errors.push(`Value '[${frt.join(', ')}]' at 'functionResponseTypes' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [ReportBatchItemFailures]]`);
    }
  }
  if (errors.length > 0) {
    const n = errors.length;
    throw new EsmApiError('ValidationException', `${n} validation error${n > 1 ? 's' : ''} detected: ${errors.join('; ')}`);
  }
}

/** A body's settings on top of `base` (defaults for Create, the current values for Update). */
function settingsFrom(body: Record<string, unknown>, base: MappingSettings): { settings: MappingSettings; compiled?: CompiledFilter[] | undefined; filtersGiven: boolean } {
  const s: MappingSettings = { ...base, FunctionResponseTypes: [...base.FunctionResponseTypes] };
  for (const name of Object.keys(INT_RANGES) as Array<keyof MappingSettings>) {
    if (typeof body[name] === 'number') (s as unknown as Record<string, unknown>)[name] = body[name];
  }
  if (typeof body.BisectBatchOnFunctionError === 'boolean') s.BisectBatchOnFunctionError = body.BisectBatchOnFunctionError;
  if (Array.isArray(body.FunctionResponseTypes)) s.FunctionResponseTypes = body.FunctionResponseTypes as string[];

  if (s.MaximumRecordAgeInSeconds !== -1 && s.MaximumRecordAgeInSeconds < 60) {
    throw invalidParameter('MaximumRecordAgeInSeconds must be either -1 (forever) or between 60 and 604800 (inclusive)');
  }
  if (s.TumblingWindowInSeconds > 0) {
    // Refused rather than silently ignored: a test run must not believe windows were applied.
    throw invalidParameter('TumblingWindowInSeconds is not supported by the ddbs-test local stack; use 0');
  }
  checkDestination(body.DestinationConfig);

  const fc = body.FilterCriteria;
  if (fc === undefined || fc === null) return { settings: s, filtersGiven: false };
  if (typeof fc !== 'object' || Array.isArray(fc)) throw badContent('FilterCriteria', 'an object');
  const filters = (fc as { Filters?: unknown }).Filters;
  if (filters === undefined || filters === null || (Array.isArray(filters) && filters.length === 0)) {
    s.Filters = undefined;
    return { settings: s, compiled: undefined, filtersGiven: true };
  }
  if (!Array.isArray(filters)) throw badContent('Filters', 'a list');
  if (filters.length > MAX_FILTERS) throw invalidParameter(`The number of filters exceeds the limit of ${MAX_FILTERS} per event source mapping.`);
  const compiled: CompiledFilter[] = [];
  for (const f of filters as Array<{ Pattern?: unknown }>) {
    try {
      compiled.push(compileFilter(f?.Pattern));
    } catch (err) {
      throw invalidParameter((err as Error).message);
    }
  }
  s.Filters = (filters as Array<{ Pattern: string }>).map((f) => ({ Pattern: f.Pattern }));
  return { settings: s, compiled, filtersGiven: true };
}

function checkDestination(dc: unknown): void {
  if (dc === undefined || dc === null) return;
  const { OnSuccess, OnFailure } = dc as { OnSuccess?: { Destination?: unknown }; OnFailure?: { Destination?: unknown } };
  if (OnSuccess && OnSuccess.Destination !== undefined && OnSuccess.Destination !== null) {
    throw invalidParameter('Unsupported DestinationConfig parameter for given event source mapping type.');
  }
  if (OnFailure && OnFailure.Destination !== undefined && OnFailure.Destination !== null && OnFailure.Destination !== '') {
    throw invalidParameter(
      `The ddbs-test local stack has no SQS, SNS or S3 service yet, so an on-failure destination (${String(OnFailure.Destination)}) cannot be delivered to; remove DestinationConfig.OnFailure`,
    );
  }
}

const DDB_STREAM_ARN = /^arn:aws[a-zA-Z-]*:dynamodb:[^:]*:\d{12}:table\/[^/]+\/stream\/.+$/;

export interface CreateParams {
  functionName: string;
  eventSourceArn: string;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  enabled: boolean;
  settings: MappingSettings;
  compiled: CompiledFilter[] | undefined;
  tags: Record<string, string>;
}

export function parseCreate(body: Record<string, unknown>, defaults: MappingSettings): CreateParams {
  modelChecks(body);
  if (typeof body.FunctionName !== 'string' || body.FunctionName === '') {
    throw new EsmApiError('ValidationException', "1 validation error detected: Value null at 'functionName' failed to satisfy constraint: Member must not be null");
  }
  const arn = body.EventSourceArn;
  if (typeof arn !== 'string' || arn === '') throw invalidParameter('Unrecognized event source.');
  if (!DDB_STREAM_ARN.test(arn)) {
    if (/^arn:aws[a-zA-Z-]*:(kinesis|sqs|kafka|mq|rds|docdb)/.test(arn)) {
      throw invalidParameter(`The ddbs-test local stack supports event source mappings for DynamoDB streams only: ${arn}`);
    }
    throw invalidParameter('Unrecognized event source.');
  }
  const sp = body.StartingPosition;
  if (sp === undefined || sp === null) {
    throw invalidParameter("1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null.");
  }
  if (sp === 'AT_TIMESTAMP') throw invalidParameter(`Unsupported starting position for arn type: ${arn}`);
  const { settings, compiled } = settingsFrom(body, defaults);
  const tags = body.Tags && typeof body.Tags === 'object' ? (body.Tags as Record<string, string>) : {};
  return {
    functionName: body.FunctionName,
    eventSourceArn: arn,
    startingPosition: sp as 'TRIM_HORIZON' | 'LATEST',
    enabled: body.Enabled !== false,
    settings,
    compiled,
    tags,
  };
}

export interface UpdateParams {
  functionName: string | undefined;
  enabled: boolean | undefined;
  settings: MappingSettings;
  compiled: CompiledFilter[] | undefined;
  filtersGiven: boolean;
}

export function parseUpdate(body: Record<string, unknown>, current: MappingSettings): UpdateParams {
  modelChecks(body);
  if (body.FunctionName !== undefined && (typeof body.FunctionName !== 'string' || body.FunctionName === '')) {
    throw badContent('FunctionName', 'a non-empty string');
  }
  const { settings, compiled, filtersGiven } = settingsFrom(body, current);
  return {
    functionName: body.FunctionName as string | undefined,
    enabled: typeof body.Enabled === 'boolean' ? body.Enabled : undefined,
    settings,
    compiled,
    filtersGiven,
  };
}
