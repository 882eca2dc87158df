// IAM and STS over the AWS Query protocol: a form-encoded POST naming an Action, answered in XML.
// Each operation lives in ops/<name>.ts and is looked up in a table per service; this file only
// parses, dispatches and wraps results and errors in the envelopes clients expect.
import { randomUUID } from 'node:crypto';
import type { StackContext } from '../context.ts';
import type { StackRequest, StackResponse } from '../http.ts';
import { invalidAction, QueryError } from './errors.ts';
import type { OperationEnv, QueryOperation } from './operation.ts';
import { QueryParams } from './query.ts';
import { IamStore } from './store.ts';
import { errorXml, shapeXml, successXml } from './xml.ts';
import { attachRolePolicy } from './ops/attachRolePolicy.ts';
import { createRole } from './ops/createRole.ts';
import { deleteRole } from './ops/deleteRole.ts';
import { deleteRolePolicy } from './ops/deleteRolePolicy.ts';
import { detachRolePolicy } from './ops/detachRolePolicy.ts';
import { getCallerIdentity } from './ops/getCallerIdentity.ts';
import { getRole } from './ops/getRole.ts';
import { getRolePolicy } from './ops/getRolePolicy.ts';
import { listAttachedRolePolicies } from './ops/listAttachedRolePolicies.ts';
import { listRolePolicies } from './ops/listRolePolicies.ts';
import { listRoles } from './ops/listRoles.ts';
import { listRoleTags } from './ops/listRoleTags.ts';
import { putRolePolicy } from './ops/putRolePolicy.ts';
import { tagRole } from './ops/tagRole.ts';
import { untagRole } from './ops/untagRole.ts';
import { updateAssumeRolePolicy } from './ops/updateAssumeRolePolicy.ts';

interface QueryService {
  version: string;
  namespace: string;
  operations: Readonly<Record<string, QueryOperation>>;
}

const IAM: QueryService = {
  version: '2010-05-08',
  namespace: 'https://iam.amazonaws.com/doc/2010-05-08/',
  operations: {
    CreateRole: createRole,
    GetRole: getRole,
    ListRoles: listRoles,
    DeleteRole: deleteRole,
    UpdateAssumeRolePolicy: updateAssumeRolePolicy,
    PutRolePolicy: putRolePolicy,
    GetRolePolicy: getRolePolicy,
    DeleteRolePolicy: deleteRolePolicy,
    ListRolePolicies: listRolePolicies,
    AttachRolePolicy: attachRolePolicy,
    DetachRolePolicy: detachRolePolicy,
    ListAttachedRolePolicies: listAttachedRolePolicies,
    TagRole: tagRole,
    UntagRole: untagRole,
    ListRoleTags: listRoleTags,
  },
};

const STS: QueryService = {
  version: '2011-06-15',
  namespace: 'https://sts.amazonaws.com/doc/2011-06-15/',
  operations: { GetCallerIdentity: getCallerIdentity },
};

export type QueryHandler = (req: StackRequest) => Promise<StackResponse>;

export function createIamService(ctx: StackContext): { handleIam: QueryHandler; handleSts: QueryHandler } {
  const env: OperationEnv = { store: new IamStore(), ctx };
  return {
    handleIam: (req) => handleQuery(IAM, env, req),
    handleSts: (req) => handleQuery(STS, env, req),
  };
}

async function handleQuery(service: QueryService, env: OperationEnv, req: StackRequest): Promise<StackResponse> {
  const requestId = randomUUID();
  const headers = { 'content-type': 'text/xml', 'x-amzn-requestid': requestId };
  const params = QueryParams.fromRequest(req);
  const action = params.string('Action') ?? '';
  try {
    const operation = Object.hasOwn(service.operations, action) ? service.operations[action] : undefined;
    if (!operation) throw invalidAction(action, params.string('Version') ?? service.version);
    const result = await operation(env, params);
    return { status: 200, headers, body: successXml(action, service.namespace, requestId, result && shapeXml(result)) };
  } catch (err) {
    if (!(err instanceof QueryError)) throw err;
    env.ctx.log(`${action}: ${err.code} ${err.message}`);
    return { status: err.status, headers, body: errorXml(service.namespace, requestId, err) };
  }
}
