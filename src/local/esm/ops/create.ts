// CreateEventSourceMapping: 202 with State "Creating"; the mapping becomes Enabled (or Disabled) a
// moment later. Checks run in AWS's order: model constraints, then the event source, starting
// position, destinations and filters, then that the function exists (a missing one is 400 "Function
// does not exist", not 404) and the stream exists, then a second mapping for the same function and
// stream (409 ResourceConflictException; a different function may map the same stream).
import type { EsmOperation } from '../core.ts';
import { EsmApiError, invalidParameter } from '../errors.ts';
import { DEFAULT_SETTINGS, renderMapping, type Mapping } from '../mapping.ts';
import { parseCreate } from '../params.ts';

export const createEventSourceMapping: EsmOperation = async (core, input) => {
  const p = parseCreate(input, DEFAULT_SETTINGS);
  const functionArn = core.lambda.resolveFunctionArn(p.functionName);
  if (!functionArn) throw invalidParameter('Function does not exist');
  try {
    await core.dynamodb.call('DynamoDBStreams_20120810.DescribeStream', { StreamArn: p.eventSourceArn, Limit: 1 });
  } catch {
    throw invalidParameter(`Stream not found: ${p.eventSourceArn}`);
  }
  for (const other of core.mappings.values()) {
    if (other.eventSourceArn === p.eventSourceArn && other.functionArn === functionArn) {
      throw new EsmApiError(
        'ResourceConflictException',
        `The event source arn (" ${p.eventSourceArn} ") and function (" ${p.functionName} ") provided mapping already exists. Please update or delete the existing mapping with UUID ${other.uuid}`,
      );
    }
  }
  const uuid = crypto.randomUUID();
  const m: Mapping = {
    uuid,
    arn: `arn:aws:lambda:${core.ctx.region}:${core.ctx.accountId}:event-source-mapping:${uuid}`,
    functionArn,
    eventSourceArn: p.eventSourceArn,
    startingPosition: p.startingPosition,
    settings: p.settings,
    compiledFilters: p.compiled,
    // Create answers "Creating" even when Enabled=false (the final state, Disabled, follows).
    state: 'Creating',
    enabled: p.enabled,
    lastModifiedMs: core.ctx.clock.now(),
    lastProcessingResult: 'No records processed',
    tags: new Map(Object.entries(p.tags).map(([k, v]) => [k, String(v)])),
    checkpoints: new Map(),
    anchored: false,
  };
  core.mappings.set(uuid, m);
  core.lifecycle.created(m);
  return renderMapping(m);
};
