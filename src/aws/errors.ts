// Turns SDK exceptions into one clear line with the fix (exit 3), instead of a stack trace.
import { AwsError, DdbsError } from '../errors.ts';
import type { TargetKind } from './target.ts';

/** Set on SDK errors by the clients (see createClients), so a hint can fit the target they used. */
export const TARGET_KIND = Symbol.for('ddbs-test.target-kind');

/** Marks an error with the kind of target the failed call went to (objects only; others pass). */
export function tagTargetKind(err: unknown, kind: TargetKind): unknown {
  if (err !== null && typeof err === 'object' && !(TARGET_KIND in err)) {
    try {
      Object.defineProperty(err, TARGET_KIND, { value: kind, enumerable: false });
    } catch {
      // a frozen error keeps no tag: the hint then names both possibilities
    }
  }
  return err;
}

/** What to check when an endpoint does not answer, for the target that was called. */
export function unreachableHint(kind: TargetKind | undefined, host?: string): string {
  if (kind === 'local') return 'the local stack did not answer: check `ddbs-test local status` (restart it with `ddbs-test local start`)';
  if (kind === 'aws') {
    return `check the network connection and any proxy (HTTPS_PROXY, NO_PROXY), and that the region is right${host ? ` (${host})` : ''}: pass --region or set AWS_REGION`;
  }
  if (kind === 'endpoint') return 'check that the service at --endpoint-url (AWS_ENDPOINT_URL) is running and reachable, and any proxy (HTTPS_PROXY, NO_PROXY)';
  return 'if this is the local stack, check `ddbs-test local status` (restart it with `ddbs-test local start`); otherwise check --endpoint-url, the network and the region';
}

interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

const HINTS: Record<string, string> = {
  AccessDeniedException: 'the credentials lack a permission ddbs-test needs; run `ddbs-test doctor --target aws` to see which',
  AccessDenied: 'the credentials lack a permission ddbs-test needs; run `ddbs-test doctor --target aws` to see which',
  UnrecognizedClientException: 'the credentials are not valid for this account/region; check AWS_PROFILE or run `aws sso login`',
  InvalidClientTokenId: 'the credentials are not valid; check AWS_PROFILE or run `aws sso login`',
  ExpiredTokenException: 'the session token has expired; refresh your credentials (e.g. `aws sso login`) and retry',
  ExpiredToken: 'the session token has expired; refresh your credentials (e.g. `aws sso login`) and retry',
  CredentialsProviderError: 'no AWS credentials were found; set AWS_PROFILE, run `aws configure` or `aws sso login`',
  ResourceInUseException: 'the resource is busy or already exists; wait a moment, or pick another name',
  LimitExceededException: 'an AWS account limit was reached; delete unused resources (`ddbs-test teardown --sweep`) or request a quota increase',
  ThrottlingException: 'AWS is throttling requests; retry later or lower --concurrency',
  TooManyRequestsException: 'AWS is throttling requests; retry later or lower --concurrency',
};

/** After DynamoDB Local lost its tables in a crash (the local stack says so in the message). */
export const LOST_TABLES_HINT =
  'run the command again (`ddbs-test run` creates its table anew; for `seed`, first `ddbs-test create-table`); if DynamoDB Local keeps stopping, give it more memory with DDBS_TEST_JAVA_OPTS=-Xmx2g and `ddbs-test local stop`';

/** The local stack's explanation when a table vanished with a DynamoDB Local crash, if this is one. */
export function lostLocalTable(err: unknown): string | undefined {
  const message = (err as SdkError)?.message ?? '';
  return (err as SdkError)?.name === 'ResourceNotFoundException' && message.includes('DynamoDB Local stopped at') ? message : undefined;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/**
 * Wraps any SDK or network error as an AwsError naming what we were doing. `target` picks the hint
 * for an unreachable endpoint; without it, the kind the clients tagged on the error is used.
 */
export function translateAwsError(err: unknown, doing: string, target?: TargetKind): DdbsError {
  if (err instanceof DdbsError) return err;
  const e = err as SdkError & NodeJS.ErrnoException & { hostname?: string; [TARGET_KIND]?: TargetKind };
  const name = e?.name ?? 'Error';
  if (UNREACHABLE.has(e?.code ?? '') || name === 'TimeoutError') {
    return new AwsError(`${doing}: the endpoint did not answer (${e.code ?? name})`, {
      code: 'EndpointUnreachable',
      hint: unreachableHint(target ?? e?.[TARGET_KIND], e?.hostname),
      cause: err,
    });
  }
  if (lostLocalTable(err)) {
    // The local stack lost its tables in a DynamoDB Local crash: the message already says it all.
    return new AwsError(`${doing}: ${e.message}`, {
      code: 'LocalTablesLost',
      hint: LOST_TABLES_HINT,
      cause: err,
    });
  }
  if (/Region is missing/i.test(e?.message ?? '')) {
    return new AwsError(`${doing}: no AWS region is set`, { code: 'NoRegion', hint: 'pass --region or set AWS_REGION', cause: err });
  }
  if (/Could not load credentials|credential/i.test(e?.message ?? '') && name.includes('Credential')) {
    return new AwsError(`${doing}: no AWS credentials found`, { code: 'NoCredentials', hint: HINTS.CredentialsProviderError, cause: err });
  }
  return new AwsError(`${doing}: ${name}: ${e?.message ?? String(err)}`, { code: name, hint: HINTS[name] ?? 'see the AWS error above', cause: err });
}

export function errorName(err: unknown): string | undefined {
  return (err as SdkError)?.name;
}
