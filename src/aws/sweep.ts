// Finds resources carrying the ownership tag without the state file (tables, functions, mappings of
// our functions, roles, log groups), optionally only those older than a cutoff.
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListEventSourceMappingsCommand, ListFunctionsCommand, ListTagsCommand } from '@aws-sdk/client-lambda';
import { ListRolesCommand, ListRoleTagsCommand, type ListRolesCommandOutput } from '@aws-sdk/client-iam';
import { DescribeLogGroupsCommand, ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { Clients } from './clients.ts';
import { CREATED_TAG_KEY, isOwnedTagMap, OWNER_TAG_KEY, OWNER_TAG_VALUE, RUN_TAG_KEY } from './ownership.ts';
import { describeTable, tableTags } from './table.ts';
import type { ResourceKind } from '../core/state.ts';

export interface FoundResource {
  kind: ResourceKind;
  id: string;
  createdAt?: string;
  runId?: string;
}

const tagsToFound = (kind: ResourceKind, id: string, tags: Record<string, string | undefined>): FoundResource => ({
  kind,
  id,
  ...(tags[CREATED_TAG_KEY] ? { createdAt: tags[CREATED_TAG_KEY] } : {}),
  ...(tags[RUN_TAG_KEY] ? { runId: tags[RUN_TAG_KEY] } : {}),
});

export async function findTaggedResources(c: Clients, olderThanMs?: number, now = Date.now()): Promise<FoundResource[]> {
  const found: FoundResource[] = [];

  let start: string | undefined;
  do {
    const page = await c.dynamodb.send(new ListTablesCommand({ ...(start ? { ExclusiveStartTableName: start } : {}) }));
    for (const name of page.TableNames ?? []) {
      const info = await describeTable(c.dynamodb, name).catch(() => undefined);
      if (!info) continue;
      const tags = await tableTags(c.dynamodb, info.arn).catch(() => ({}) as Record<string, string>);
      if (isOwnedTagMap(tags)) found.push(tagsToFound('table', name, tags));
    }
    start = page.LastEvaluatedTableName;
  } while (start);

  let marker: string | undefined;
  do {
    const page = await c.lambda.send(new ListFunctionsCommand({ ...(marker ? { Marker: marker } : {}) }));
    for (const fn of page.Functions ?? []) {
      const tags = (await c.lambda.send(new ListTagsCommand({ Resource: fn.FunctionArn }))).Tags ?? {};
      if (!isOwnedTagMap(tags)) continue;
      const mappings = await c.lambda.send(new ListEventSourceMappingsCommand({ FunctionName: fn.FunctionArn }));
      for (const m of mappings.EventSourceMappings ?? []) if (m.UUID) found.push(tagsToFound('mapping', m.UUID, tags));
      found.push(tagsToFound('function', fn.FunctionName ?? '', tags));
    }
    marker = page.NextMarker;
  } while (marker);

  marker = undefined;
  do {
    const page: ListRolesCommandOutput = await c.iam.send(new ListRolesCommand({ ...(marker ? { Marker: marker } : {}) }));
    for (const role of page.Roles ?? []) {
      // Only roles named like ours are examined (accounts hold many roles); the tag still decides.
      if (!role.RoleName?.startsWith('ddbs-test-')) continue;
      const tags = Object.fromEntries(((await c.iam.send(new ListRoleTagsCommand({ RoleName: role.RoleName }))).Tags ?? []).map((t) => [t.Key, t.Value]));
      if (tags[OWNER_TAG_KEY] === OWNER_TAG_VALUE) found.push(tagsToFound('role', role.RoleName, tags as Record<string, string>));
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);

  let token: string | undefined;
  do {
    const page = await c.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/ddbs-test-', ...(token ? { nextToken: token } : {}) }));
    for (const g of page.logGroups ?? []) {
      const tags = (await c.logs.send(new ListTagsForResourceCommand({ resourceArn: (g.arn ?? '').replace(/:\*$/, '') }))).tags ?? {};
      if (isOwnedTagMap(tags)) found.push(tagsToFound('log-group', g.logGroupName ?? '', tags));
    }
    token = page.nextToken;
  } while (token);

  if (olderThanMs === undefined) return found;
  // Without a creation tag the age is unknown: keep it out of an age-limited sweep.
  return found.filter((r) => r.createdAt !== undefined && now - Date.parse(r.createdAt) >= olderThanMs);
}

/** `24h`, `30m`, `2d`, `90s` → milliseconds; undefined when malformed. */
export function parseAge(text: string): number | undefined {
  const m = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
}
