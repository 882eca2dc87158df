// Ownership checks and deletion per resource kind, for teardown. A resource is deleted only when it
// carries the ownership tag; a missing one counts as already gone.
import { DeleteEventSourceMappingCommand, DeleteFunctionCommand, GetEventSourceMappingCommand, GetFunctionCommand, ListTagsCommand } from '@aws-sdk/client-lambda';
import { DeleteRoleCommand, DeleteRolePolicyCommand, DetachRolePolicyCommand, GetRoleCommand, ListAttachedRolePoliciesCommand, ListRolePoliciesCommand } from '@aws-sdk/client-iam';
import { DeleteLogGroupCommand, DescribeLogGroupsCommand, ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { Clients } from './clients.ts';
import { errorName } from './errors.ts';
import { isOwnedTagList, isOwnedTagMap } from './ownership.ts';
import { deleteTable, describeTable, tableTags } from './table.ts';
import type { ResourceKind } from '../core/state.ts';

export type Ownership = 'owned' | 'foreign' | 'missing';

interface KindOps {
  ownership(c: Clients, id: string): Promise<Ownership>;
  remove(c: Clients, id: string): Promise<void>;
}

const NOT_FOUND = new Set(['ResourceNotFoundException', 'NoSuchEntityException', 'NoSuchEntity']);
const isNotFound = (err: unknown): boolean => NOT_FOUND.has(errorName(err) ?? '');

async function orMissing(check: () => Promise<Ownership>): Promise<Ownership> {
  try {
    return await check();
  } catch (err) {
    if (isNotFound(err)) return 'missing';
    throw err;
  }
}

async function ignoreMissing(action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

const owned = (yes: boolean): Ownership => (yes ? 'owned' : 'foreign');

export const RESOURCE_OPS: Record<ResourceKind, KindOps> = {
  mapping: {
    ownership: (c, uuid) =>
      orMissing(async () => {
        const m = await c.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
        const tags = await c.lambda.send(new ListTagsCommand({ Resource: m.EventSourceMappingArn }));
        return owned(isOwnedTagMap(tags.Tags));
      }),
    remove: (c, uuid) => ignoreMissing(() => c.lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid }))),
  },
  function: {
    ownership: (c, name) => orMissing(async () => owned(isOwnedTagMap((await c.lambda.send(new GetFunctionCommand({ FunctionName: name }))).Tags))),
    remove: (c, name) => ignoreMissing(() => c.lambda.send(new DeleteFunctionCommand({ FunctionName: name }))),
  },
  role: {
    ownership: (c, name) => orMissing(async () => owned(isOwnedTagList((await c.iam.send(new GetRoleCommand({ RoleName: name }))).Role?.Tags))),
    async remove(c, name) {
      await ignoreMissing(async () => {
        const inline = await c.iam.send(new ListRolePoliciesCommand({ RoleName: name }));
        for (const p of inline.PolicyNames ?? []) await c.iam.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: p }));
        const attached = await c.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name }));
        for (const p of attached.AttachedPolicies ?? []) await c.iam.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn: p.PolicyArn }));
        await c.iam.send(new DeleteRoleCommand({ RoleName: name }));
      });
    },
  },
  'log-group': {
    ownership: (c, name) =>
      orMissing(async () => {
        const out = await c.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
        const group = out.logGroups?.find((g) => g.logGroupName === name);
        if (!group?.arn) return 'missing';
        const tags = await c.logs.send(new ListTagsForResourceCommand({ resourceArn: group.arn.replace(/:\*$/, '') }));
        return owned(isOwnedTagMap(tags.tags));
      }),
    remove: (c, name) => ignoreMissing(() => c.logs.send(new DeleteLogGroupCommand({ logGroupName: name }))),
  },
  table: {
    ownership: (c, name) =>
      orMissing(async () => {
        const info = await describeTable(c.dynamodb, name).catch((err: { code?: string }) => {
          if (err.code === 'ResourceNotFoundException') throw Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' });
          throw err;
        });
        return owned(isOwnedTagMap(await tableTags(c.dynamodb, info.arn)));
      }),
    remove: (c, name) => ignoreMissing(() => deleteTable(c.dynamodb, name)),
  },
};

/** Teardown order: what depends on others goes first. */
export const TEARDOWN_ORDER: ResourceKind[] = ['mapping', 'function', 'role', 'log-group', 'table'];
