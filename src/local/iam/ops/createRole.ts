// CreateRole: ARN arn:aws:iam::<account>:role<path><name>, RoleId AROA + 17 characters.
import { roleAlreadyExists } from '../errors.ts';
import type { QueryOperation } from '../operation.ts';
import { readRoleName } from '../operation.ts';
import { roleShape } from '../render.ts';
import { checkRange, checkString, checkTags, checkTrustPolicy, parsePolicyArn, RULES } from '../validate.ts';

const DEFAULT_MAX_SESSION_DURATION = 3600;

export const createRole: QueryOperation = ({ store, ctx }, params) => {
  const name = readRoleName(params);
  const document = params.required('AssumeRolePolicyDocument');
  const path = checkString('path', params.string('Path') ?? '/', RULES.path);
  const description = params.string('Description');
  if (description !== undefined) checkString('description', description, RULES.description);
  const maxSessionDuration = params.integer('MaxSessionDuration');
  if (maxSessionDuration !== undefined) checkRange('maxSessionDuration', maxSessionDuration, 3600, 43200);
  const boundary = params.string('PermissionsBoundary');
  if (boundary !== undefined) parsePolicyArn(boundary);
  const tags = checkTags(params.structList('Tags', ['Key', 'Value']));
  checkTrustPolicy('assumeRolePolicyDocument', document);
  if (store.hasRole(name)) throw roleAlreadyExists(name);

  const role = {
    name,
    path,
    id: store.newId('AROA'),
    arn: `arn:aws:iam::${ctx.accountId}:role${path}${name}`,
    createDate: ctx.clock.now(),
    assumeRolePolicyDocument: document,
    description,
    maxSessionDuration: maxSessionDuration ?? DEFAULT_MAX_SESSION_DURATION,
    maxSessionDurationGiven: maxSessionDuration !== undefined,
    permissionsBoundaryArn: boundary,
    tags,
    inlinePolicies: new Map(),
    attachedPolicies: new Map(),
  };
  store.addRole(role);
  return { Role: roleShape(role, 'create') };
};
