// IAM / STS errors as AWS names them: the wire code (NoSuchEntity, not NoSuchEntityException), the
// HTTP status from the service model, and the message texts real IAM returns (LocalStack's
// AWS-validated snapshots, tests/aws/services/iam/test_iam_roles.snapshot.json).

export class QueryError extends Error {
  readonly code: string;
  readonly status: number;
  readonly type: 'Sender' | 'Receiver';

  constructor(code: string, message: string, status: number, type: 'Sender' | 'Receiver' = 'Sender') {
    super(message);
    this.name = code;
    this.code = code;
    this.status = status;
    this.type = type;
  }
}

export function noSuchRole(roleName: string): QueryError {
  return new QueryError('NoSuchEntity', `The role with name ${roleName} cannot be found.`, 404);
}

export function noSuchRolePolicy(policyName: string): QueryError {
  return new QueryError('NoSuchEntity', `The role policy with name ${policyName} cannot be found.`, 404);
}

export function policyNotAttached(policyArn: string): QueryError {
  return new QueryError('NoSuchEntity', `Policy ${policyArn} was not found.`, 404);
}

export function roleAlreadyExists(roleName: string): QueryError {
  return new QueryError('EntityAlreadyExists', `Role with name ${roleName} already exists.`, 409);
}

export function deleteConflict(what: 'inline' | 'attached'): QueryError {
  const message = what === 'inline' ? 'Cannot delete entity, must delete policies first.' : 'Cannot delete entity, must detach all policies first.';
  return new QueryError('DeleteConflict', message, 409);
}

export function malformedPolicy(message: string): QueryError {
  return new QueryError('MalformedPolicyDocument', message, 400);
}

export function limitExceeded(message: string): QueryError {
  return new QueryError('LimitExceeded', message, 409);
}

export function invalidInput(message: string): QueryError {
  return new QueryError('InvalidInput', message, 400);
}

/** AWS's validation wording: "1 validation error detected: Value 'x' at 'roleName' failed to satisfy
 *  constraint: Member must …". A null value is written without quotes. */
export function validationError(field: string, value: string | number | null, constraint: string): QueryError {
  const shown = value === null ? 'null' : `'${String(value)}'`;
  return new QueryError('ValidationError', `1 validation error detected: Value ${shown} at '${field}' failed to satisfy constraint: Member ${constraint}`, 400);
}

/** For messages that do not follow the "1 validation error detected" template (e.g. bad ARNs). */
export function plainValidationError(message: string): QueryError {
  return new QueryError('ValidationError', message, 400);
}

export function invalidAction(action: string, version: string): QueryError {
  return new QueryError('InvalidAction', `Could not find operation ${action} for version ${version}`, 400);
}
