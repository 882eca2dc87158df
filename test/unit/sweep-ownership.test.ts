// The ownership tag decides, never the name: the sweep reports only resources tagged
// ddbs-test:owner=ddbs-test (even when untagged ones are named ddbs-test-*), --older-than reads the
// ddbs-test:created tag, and teardown sends no delete for anything that lacks the tag.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { DeleteTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand, ListTagsOfResourceCommand } from '@aws-sdk/client-dynamodb';
import {
  DeleteEventSourceMappingCommand,
  DeleteFunctionCommand,
  GetEventSourceMappingCommand,
  GetFunctionCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  ListFunctionsCommand,
  ListTagsCommand,
} from '@aws-sdk/client-lambda';
import { DeleteRoleCommand, GetRoleCommand, IAMClient, ListAttachedRolePoliciesCommand, ListRolePoliciesCommand, ListRolesCommand, ListRoleTagsCommand } from '@aws-sdk/client-iam';
import { CloudWatchLogsClient, DeleteLogGroupCommand, DescribeLogGroupsCommand, ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { STSClient } from '@aws-sdk/client-sts';
import type { Clients } from '../../src/aws/clients.ts';
import { findTaggedResources, parseAge } from '../../src/aws/sweep.ts';
import { teardownResources } from '../../src/aws/teardown.ts';
import { StateStore, type ResourceKind } from '../../src/core/state.ts';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const HOUR = 3_600_000;
const iso = (msAgo: number): string => new Date(NOW - msAgo).toISOString();
const ACCOUNT = '000000000000';
const config = { region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } };

type Tags = Record<string, string>;
const ours = (createdMsAgo?: number, runId?: string): Tags => ({
  'ddbs-test:owner': 'ddbs-test',
  ...(createdMsAgo !== undefined ? { 'ddbs-test:created': iso(createdMsAgo) } : {}),
  ...(runId ? { 'ddbs-test:run': runId } : {}),
});

/** One fake account: resources of each kind with their tags, served through mocked SDK clients. */
interface World {
  tables: Record<string, Tags>;
  functions: Record<string, { tags: Tags; mappings: string[] }>;
  roles: Record<string, Tags>;
  logGroups: Record<string, Tags>;
}

function fakeAccount(world: World, pageSize = 2) {
  const dynamodb = new DynamoDBClient(config);
  const lambda = new LambdaClient(config);
  const iam = new IAMClient(config);
  const logs = new CloudWatchLogsClient(config);
  const m = { dynamodb: mockClient(dynamodb), lambda: mockClient(lambda), iam: mockClient(iam), logs: mockClient(logs) };
  const deletes: string[] = [];
  // Paging by index in a sorted list, like the real APIs: every list call sees at most pageSize.
  const page = <T>(all: T[], start: number): { items: T[]; next: number | undefined } => {
    const items = all.slice(start, start + pageSize);
    return { items, next: start + pageSize < all.length ? start + pageSize : undefined };
  };
  const tableArn = (n: string) => `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${n}`;
  const fnArn = (n: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${n}`;
  const esmArn = (u: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:event-source-mapping:${u}`;
  const lgArn = (n: string) => `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${n}`;
  const notFound = (name: string) => Object.assign(new Error(`${name}: not found`), { name, $metadata: { httpStatusCode: 404 } });

  const tableNames = Object.keys(world.tables).sort();
  m.dynamodb.on(ListTablesCommand).callsFake((i: { ExclusiveStartTableName?: string }) => {
    const start = i.ExclusiveStartTableName ? tableNames.indexOf(i.ExclusiveStartTableName) + 1 : 0;
    const p = page(tableNames, start);
    return { TableNames: p.items, ...(p.next !== undefined ? { LastEvaluatedTableName: p.items.at(-1) } : {}) };
  });
  m.dynamodb.on(DescribeTableCommand).callsFake((i: { TableName: string }) => {
    if (!world.tables[i.TableName]) throw notFound('ResourceNotFoundException');
    return { Table: { TableName: i.TableName, TableArn: tableArn(i.TableName), TableStatus: 'ACTIVE', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] } };
  });
  m.dynamodb.on(ListTagsOfResourceCommand).callsFake((i: { ResourceArn: string }) => {
    const name = i.ResourceArn.split('/').at(-1) ?? '';
    return { Tags: Object.entries(world.tables[name] ?? {}).map(([Key, Value]) => ({ Key, Value })) };
  });
  m.dynamodb.on(DeleteTableCommand).callsFake((i: { TableName: string }) => (deletes.push(`table ${i.TableName}`), {}));

  const fnNames = Object.keys(world.functions).sort();
  const mappingOwner = new Map(Object.entries(world.functions).flatMap(([fn, f]) => f.mappings.map((u) => [u, fn] as const)));
  m.lambda.on(ListFunctionsCommand).callsFake((i: { Marker?: string }) => {
    const p = page(fnNames, Number(i.Marker ?? 0));
    return { Functions: p.items.map((n) => ({ FunctionName: n, FunctionArn: fnArn(n) })), ...(p.next !== undefined ? { NextMarker: String(p.next) } : {}) };
  });
  m.lambda.on(ListTagsCommand).callsFake((i: { Resource: string }) => {
    const id = i.Resource.split(':').at(-1) ?? '';
    const fn = world.functions[id] ?? world.functions[mappingOwner.get(id) ?? ''];
    return { Tags: fn?.tags ?? {} };
  });
  m.lambda.on(ListEventSourceMappingsCommand).callsFake((i: { FunctionName: string }) => {
    const name = i.FunctionName.split(':').at(-1) ?? '';
    return { EventSourceMappings: (world.functions[name]?.mappings ?? []).map((u) => ({ UUID: u, EventSourceMappingArn: esmArn(u), FunctionArn: fnArn(name) })) };
  });
  m.lambda.on(GetFunctionCommand).callsFake((i: { FunctionName: string }) => {
    const f = world.functions[i.FunctionName];
    if (!f) throw notFound('ResourceNotFoundException');
    return { Configuration: { FunctionName: i.FunctionName, FunctionArn: fnArn(i.FunctionName) }, Tags: f.tags };
  });
  m.lambda.on(GetEventSourceMappingCommand).callsFake((i: { UUID: string }) => {
    if (!mappingOwner.has(i.UUID)) throw notFound('ResourceNotFoundException');
    return { UUID: i.UUID, EventSourceMappingArn: esmArn(i.UUID), State: 'Enabled' };
  });
  m.lambda.on(DeleteFunctionCommand).callsFake((i: { FunctionName: string }) => (deletes.push(`function ${i.FunctionName}`), {}));
  m.lambda.on(DeleteEventSourceMappingCommand).callsFake((i: { UUID: string }) => (deletes.push(`mapping ${i.UUID}`), {}));

  const roleNames = Object.keys(world.roles).sort();
  m.iam.on(ListRolesCommand).callsFake((i: { Marker?: string }) => {
    const p = page(roleNames, Number(i.Marker ?? 0));
    return { Roles: p.items.map((n) => ({ RoleName: n, Arn: `arn:aws:iam::${ACCOUNT}:role/${n}`, Path: '/', RoleId: n, CreateDate: new Date(NOW) })), IsTruncated: p.next !== undefined, ...(p.next !== undefined ? { Marker: String(p.next) } : {}) };
  });
  m.iam.on(ListRoleTagsCommand).callsFake((i: { RoleName: string }) => ({ Tags: Object.entries(world.roles[i.RoleName] ?? {}).map(([Key, Value]) => ({ Key, Value })) }));
  m.iam.on(GetRoleCommand).callsFake((i: { RoleName: string }) => {
    const tags = world.roles[i.RoleName];
    if (!tags) throw notFound('NoSuchEntityException');
    return { Role: { RoleName: i.RoleName, Arn: `arn:aws:iam::${ACCOUNT}:role/${i.RoleName}`, Path: '/', RoleId: i.RoleName, CreateDate: new Date(NOW), Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) } };
  });
  m.iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: [] });
  m.iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
  m.iam.on(DeleteRoleCommand).callsFake((i: { RoleName: string }) => (deletes.push(`role ${i.RoleName}`), {}));

  const groupNames = Object.keys(world.logGroups).sort();
  m.logs.on(DescribeLogGroupsCommand).callsFake((i: { logGroupNamePrefix?: string; nextToken?: string }) => {
    const matching = groupNames.filter((n) => n.startsWith(i.logGroupNamePrefix ?? ''));
    const p = page(matching, Number(i.nextToken ?? 0));
    return { logGroups: p.items.map((n) => ({ logGroupName: n, arn: `${lgArn(n)}:*` })), ...(p.next !== undefined ? { nextToken: String(p.next) } : {}) };
  });
  m.logs.on(ListTagsForResourceCommand).callsFake((i: { resourceArn: string }) => {
    assert.doesNotMatch(i.resourceArn, /:\*$/, 'tags are asked for the ARN without the trailing :*');
    const name = i.resourceArn.split(':log-group:')[1] ?? '';
    return { tags: world.logGroups[name] ?? {} };
  });
  m.logs.on(DeleteLogGroupCommand).callsFake((i: { logGroupName: string }) => (deletes.push(`log-group ${i.logGroupName}`), {}));

  const clients: Clients = {
    dynamodb,
    lambda,
    iam,
    logs,
    streams: new DynamoDBStreamsClient(config),
    sts: new STSClient(config),
    destroy: () => {},
  };
  return { clients, deletes };
}

/** Named like ours, none tagged: a user's own resources that happen to share the prefix. */
const LOOKALIKES: World = {
  tables: { 'ddbs-test-mine': {}, 'ddbs-test-other-owner': { 'ddbs-test:owner': 'someone-else' }, orders: {} },
  functions: { 'ddbs-test-fn-untagged': { tags: { team: 'payments' }, mappings: ['uuid-untagged-1'] } },
  roles: { 'ddbs-test-role-untagged': {}, 'ddbs-test-role-wrong': { 'ddbs-test:owner': 'DDBS-TEST' } },
  logGroups: { '/aws/lambda/ddbs-test-fn-untagged': {} },
};

function world(): World {
  return {
    tables: {
      ...LOOKALIKES.tables,
      'ddbs-test-aaa-old': ours(48 * HOUR, 'runold'),
      'ddbs-test-zzz-new': ours(1 * HOUR, 'runnew'),
      'zz-renamed-by-user': ours(72 * HOUR),
      'ddbs-test-no-created': ours(undefined),
    },
    functions: {
      ...LOOKALIKES.functions,
      'ddbs-test-fn-old': { tags: ours(30 * HOUR, 'runold'), mappings: ['uuid-old'] },
      'ddbs-test-fn-new': { tags: ours(2 * HOUR, 'runnew'), mappings: ['uuid-new'] },
    },
    roles: { ...LOOKALIKES.roles, 'ddbs-test-fn-old': ours(30 * HOUR), 'ddbs-test-fn-new': ours(2 * HOUR), 'unrelated-role': ours(99 * HOUR) },
    logGroups: { ...LOOKALIKES.logGroups, '/aws/lambda/ddbs-test-fn-old': ours(30 * HOUR), '/aws/lambda/ddbs-test-fn-new': ours(2 * HOUR) },
  };
}

const ids = (found: Array<{ kind: ResourceKind; id: string }>): string[] => found.map((r) => `${r.kind} ${r.id}`).sort();

describe('findTaggedResources: the tag decides, not the name', () => {
  it('returns every tagged resource across pages and none of the untagged ddbs-test-* look-alikes', async () => {
    const { clients, deletes } = fakeAccount(world());
    const found = await findTaggedResources(clients, undefined, NOW);
    assert.deepEqual(ids(found), [
      'function ddbs-test-fn-new',
      'function ddbs-test-fn-old',
      'log-group /aws/lambda/ddbs-test-fn-new',
      'log-group /aws/lambda/ddbs-test-fn-old',
      'mapping uuid-new',
      'mapping uuid-old',
      'role ddbs-test-fn-new',
      'role ddbs-test-fn-old',
      'table ddbs-test-aaa-old',
      'table ddbs-test-no-created',
      'table ddbs-test-zzz-new',
      'table zz-renamed-by-user',
    ]);
    const byId = new Map(found.map((r) => [`${r.kind} ${r.id}`, r]));
    assert.equal(byId.get('table ddbs-test-aaa-old')?.createdAt, iso(48 * HOUR), 'createdAt comes from the ddbs-test:created tag');
    assert.equal(byId.get('table ddbs-test-aaa-old')?.runId, 'runold');
    assert.deepEqual(deletes, [], 'finding deletes nothing');
  });

  it('an account holding only look-alikes yields nothing', async () => {
    const { clients } = fakeAccount(LOOKALIKES, 1);
    assert.deepEqual(await findTaggedResources(clients, undefined, NOW), []);
  });

  it('--older-than 24h keeps only tagged resources whose ddbs-test:created is at least 24 h old; no created tag → left out', async () => {
    const { clients } = fakeAccount(world());
    const age = parseAge('24h');
    assert.equal(age, 24 * HOUR);
    const found = await findTaggedResources(clients, age, NOW);
    assert.deepEqual(ids(found), [
      'function ddbs-test-fn-old',
      'log-group /aws/lambda/ddbs-test-fn-old',
      'mapping uuid-old',
      'role ddbs-test-fn-old',
      'table ddbs-test-aaa-old',
      'table zz-renamed-by-user',
    ]);
    for (const r of found) assert.ok(NOW - Date.parse(r.createdAt ?? '') >= 24 * HOUR, `${r.kind} ${r.id} is old enough`);
  });

  it('--older-than is inclusive at the boundary and exclusive just below it', async () => {
    const { clients } = fakeAccount({ tables: { 'ddbs-test-edge': ours(2 * HOUR) }, functions: {}, roles: {}, logGroups: {} });
    assert.deepEqual(ids(await findTaggedResources(clients, 2 * HOUR, NOW)), ['table ddbs-test-edge']);
    assert.deepEqual(ids(await findTaggedResources(clients, 2 * HOUR + 1, NOW)), []);
  });

  it('parseAge accepts s, m, h, d and rejects everything else', () => {
    assert.deepEqual(['90s', '30m', '24h', '2d'].map(parseAge), [90_000, 1_800_000, 86_400_000, 172_800_000]);
    for (const bad of ['', '24', 'h', '-1h', '1.5h', '24 hours', '1w', '1h30m']) assert.equal(parseAge(bad), undefined, bad);
  });
});

describe('teardownResources: never deletes a resource without the ownership tag', () => {
  const KEY = 'aws:default:us-east-1';
  const record = (kind: ResourceKind, id: string) => ({ kind, id, target: KEY, createdAt: iso(HOUR) });

  it('untagged and wrongly tagged resources are skipped with no delete call; tagged ones are deleted; missing ones are skipped', async () => {
    const w = world();
    const { clients, deletes } = fakeAccount(w);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-sweep-'));
    const state = new StateStore(home);
    const records = [
      record('table', 'ddbs-test-mine'),
      record('table', 'ddbs-test-other-owner'),
      record('function', 'ddbs-test-fn-untagged'),
      record('mapping', 'uuid-untagged-1'),
      record('role', 'ddbs-test-role-untagged'),
      record('role', 'ddbs-test-role-wrong'),
      record('log-group', '/aws/lambda/ddbs-test-fn-untagged'),
      record('table', 'ddbs-test-zzz-new'),
      record('function', 'ddbs-test-fn-new'),
      record('mapping', 'uuid-new'),
      record('role', 'ddbs-test-fn-new'),
      record('log-group', '/aws/lambda/ddbs-test-fn-new'),
      record('table', 'ddbs-test-gone'),
    ];
    for (const r of records) state.addResource(r);
    const result = await teardownResources(records, clients, state, KEY);

    assert.deepEqual(result.failed, []);
    assert.deepEqual([...deletes].sort(), ['function ddbs-test-fn-new', 'log-group /aws/lambda/ddbs-test-fn-new', 'mapping uuid-new', 'role ddbs-test-fn-new', 'table ddbs-test-zzz-new']);
    assert.deepEqual(ids(result.deleted), ['function ddbs-test-fn-new', 'log-group /aws/lambda/ddbs-test-fn-new', 'mapping uuid-new', 'role ddbs-test-fn-new', 'table ddbs-test-zzz-new']);
    const skipped = new Map(result.skipped.map((s) => [`${s.kind} ${s.id}`, s.reason ?? '']));
    for (const id of ['table ddbs-test-mine', 'table ddbs-test-other-owner', 'function ddbs-test-fn-untagged', 'mapping uuid-untagged-1', 'role ddbs-test-role-untagged', 'role ddbs-test-role-wrong', 'log-group /aws/lambda/ddbs-test-fn-untagged']) {
      assert.match(skipped.get(id) ?? 'not skipped', /not tagged as created by ddbs-test; left alone/, id);
    }
    assert.match(skipped.get('table ddbs-test-gone') ?? '', /already gone/);
    // Dependency order: the mapping goes before its function, the function before its role, the table last.
    const order = deletes.map((d) => d.split(' ')[0]);
    assert.ok(order.indexOf('mapping') < order.indexOf('function') && order.indexOf('function') < order.indexOf('role') && order.indexOf('log-group') < order.indexOf('table'), `order: ${order.join(', ')}`);
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('sweep end to end: what findTaggedResources found is deleted; a tag removed between finding and deleting is respected', async () => {
    const w = world();
    const { clients, deletes } = fakeAccount(w);
    const found = await findTaggedResources(clients, 24 * HOUR, NOW);
    // Between the sweep's listing and the deletion, someone adopts the old table (drops our tag).
    delete w.tables['ddbs-test-aaa-old']?.['ddbs-test:owner'];
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-sweep-'));
    const result = await teardownResources(found.map((r) => record(r.kind, r.id)), clients, new StateStore(home), KEY);
    assert.ok(!deletes.includes('table ddbs-test-aaa-old'), 'the adopted table is not deleted');
    assert.match(result.skipped.find((s) => s.id === 'ddbs-test-aaa-old')?.reason ?? '', /not tagged/);
    assert.deepEqual(deletes.sort(), ['function ddbs-test-fn-old', 'log-group /aws/lambda/ddbs-test-fn-old', 'mapping uuid-old', 'role ddbs-test-fn-old', 'table zz-renamed-by-user']);
    for (const d of deletes) assert.doesNotMatch(d, /untagged|mine|other-owner|role-wrong|-new/, `never a look-alike or a young resource: ${d}`);
    fs.rmSync(home, { recursive: true, force: true });
  });
});
