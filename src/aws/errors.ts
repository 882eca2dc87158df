// Turns SDK exceptions into one clear line with the fix (exit 3), instead of a stack trace.
import { AwsError, DdbsError } from '../errors.ts';

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

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/** Wraps any SDK or network error as an AwsError naming what we were doing. */
export function translateAwsError(err: unknown, doing: string): DdbsError {
  if (err instanceof DdbsError) return err;
  const e = err as SdkError & NodeJS.ErrnoException;
  const name = e?.name ?? 'Error';
  if (UNREACHABLE.has(e?.code ?? '') || name === 'TimeoutError') {
    return new AwsError(`${doing}: the endpoint did not answer (${e.code ?? name})`, {
      code: 'EndpointUnreachable',
      hint: 'if this is the local stack, check `ddbs-test local status` (restart it with `ddbs-test local start`); otherwise check --endpoint-url and the network',
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
