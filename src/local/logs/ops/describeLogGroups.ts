import type { DescribeLogGroupsResponse, LogGroup } from '@aws-sdk/client-cloudwatch-logs';
import { invalidParameter } from '../errors.ts';
import { groupNameFromArnOrName, optInt, optString, optStringList, pageByOffset } from '../params.ts';
import type { LogGroupState, LogsState } from '../state.ts';
import type { LogsOperation } from './types.ts';

export function describeGroup(state: LogsState, g: LogGroupState): LogGroup {
  return {
    logGroupName: g.name,
    creationTime: g.creationTime,
    ...(g.retentionInDays !== undefined ? { retentionInDays: g.retentionInDays } : {}),
    metricFilterCount: 0,
    arn: `${state.groupArn(g.name)}:*`,
    storedBytes: g.storedBytes,
    ...(g.kmsKeyId !== undefined ? { kmsKeyId: g.kmsKeyId } : {}),
    logGroupClass: g.logGroupClass as LogGroup['logGroupClass'],
    logGroupArn: state.groupArn(g.name),
    deletionProtectionEnabled: false,
  } as LogGroup;
}

export const describeLogGroups: LogsOperation = ({ state }, input): DescribeLogGroupsResponse => {
  const prefix = optString(input, 'logGroupNamePrefix', { min: 1, max: 512 });
  const pattern = optString(input, 'logGroupNamePattern', { max: 512 });
  const identifiers = optStringList(input, 'logGroupIdentifiers', { min: 1, max: 50 });
  const limit = optInt(input, 'limit', { min: 1, max: 50 }) ?? 50;
  if (prefix !== undefined && pattern !== undefined) {
    throw invalidParameter('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
  }
  const wanted = identifiers ? new Set(identifiers.map(groupNameFromArnOrName)) : undefined;
  const names = [...state.groups.keys()]
    .filter((n) => (prefix === undefined || n.startsWith(prefix)) && (pattern === undefined || n.includes(pattern)) && (!wanted || wanted.has(n)))
    .sort();
  const { page, nextToken } = pageByOffset('DescribeLogGroups', names, limit, optString(input, 'nextToken'));
  return { logGroups: page.map((n) => describeGroup(state, state.groups.get(n)!)), ...(nextToken ? { nextToken } : {}) };
};
