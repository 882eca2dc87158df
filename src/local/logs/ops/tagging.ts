// Shared by the tag operations: find a log group from a resource ARN and apply the 50-tag limit.
import { LogsError, groupNotFound } from '../errors.ts';
import type { LogGroupState, LogsState } from '../state.ts';

/** Accepts `arn:aws:logs:r:a:log-group:NAME` with or without the trailing `:*`. */
export function groupFromResourceArn(state: LogsState, arn: string): LogGroupState {
  const m = /^arn:[^:]+:logs:([^:]*):([^:]*):log-group:([^:]+)(?::\*)?$/.exec(arn);
  if (!m) throw new LogsError('InvalidParameterException', `Invalid resourceArn: ${arn}`);
  if (m[1] !== state.region || m[2] !== state.accountId) throw groupNotFound();
  return state.requireGroup(m[3]!);
}

export function applyTags(group: LogGroupState, tags: Record<string, string>): void {
  const merged = new Map(group.tags);
  for (const [k, v] of Object.entries(tags)) merged.set(k, v);
  if (merged.size > 50) throw new LogsError('TooManyTagsException', `A resource can have no more than 50 tags (${merged.size} requested).`);
  group.tags = merged;
}
