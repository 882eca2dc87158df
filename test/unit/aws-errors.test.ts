// translateAwsError: every SDK or network failure becomes one AwsError (exit 3) whose message says
// what we were doing and whose hint names the fix. The credentials, region and connection errors are
// produced by real SDK calls (no network beyond a closed 127.0.0.1 port), not hand-built look-alikes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient, LimitExceededException, ListTablesCommand, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { ExpiredTokenException, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { translateAwsError } from '../../src/aws/errors.ts';
import { AwsError, DdbsError, UsageError } from '../../src/errors.ts';

const meta = { $metadata: { httpStatusCode: 400 } };

/** Asserts the shape every translated error must have; returns it for more checks. */
function translated(err: unknown, doing: string): DdbsError {
  const e = translateAwsError(err, doing);
  assert.ok(e instanceof AwsError, `an AwsError, got ${e?.constructor?.name}`);
  assert.equal(e.exitCode, 3);
  assert.ok(e.message.startsWith(`${doing}: `), `message says what we were doing: ${e.message}`);
  assert.doesNotMatch(e.message, /\n/, 'one line');
  assert.ok(e.hint && e.hint.length > 0, 'has a hint');
  assert.doesNotMatch(e.hint, /\n/, 'hint is one line');
  assert.doesNotMatch(e.hint, /see the AWS error above/, 'a specific hint, not the generic fallback');
  return e;
}

/** A closed port on 127.0.0.1: bind, note the port, close. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('translateAwsError: SDK service exceptions', () => {
  it('AccessDeniedException → exit 3, hint points at `ddbs-test doctor` to find the missing permission', () => {
    const err = new DynamoDBServiceException({ name: 'AccessDeniedException', $fault: 'client', message: 'User: arn:aws:iam::1:user/x is not authorized to perform: dynamodb:CreateTable', ...meta });
    const e = translated(err, 'creating table t1');
    assert.equal(e.code, 'AccessDeniedException');
    assert.match(e.message, /not authorized to perform: dynamodb:CreateTable/, 'keeps the AWS explanation');
    assert.match(e.hint ?? '', /permission/);
    assert.match(e.hint ?? '', /ddbs-test doctor --target aws/);
  });

  it('AccessDenied (IAM/STS query protocol spelling) gets the same hint', () => {
    const e = translated(Object.assign(new Error('not authorized to perform: iam:CreateRole'), { name: 'AccessDenied', ...meta }), 'creating role r');
    assert.match(e.hint ?? '', /ddbs-test doctor/);
  });

  it('ExpiredTokenException → hint says to refresh the credentials (aws sso login)', () => {
    const err = new ExpiredTokenException({ message: 'The security token included in the request is expired', $metadata: meta.$metadata });
    const e = translated(err, 'finding the AWS account (sts:GetCallerIdentity)');
    assert.equal(e.code, 'ExpiredTokenException');
    assert.match(e.hint ?? '', /expired/);
    assert.match(e.hint ?? '', /refresh your credentials/);
    assert.match(e.hint ?? '', /aws sso login/);
  });

  it('ResourceInUseException → hint: wait, or pick another name', () => {
    const err = new ResourceInUseException({ message: 'Table already exists: t1', $metadata: meta.$metadata });
    const e = translated(err, 'creating table t1');
    assert.equal(e.code, 'ResourceInUseException');
    assert.match(e.hint ?? '', /pick another name/);
  });

  it('LimitExceededException → hint: delete leftovers with `teardown --sweep` or ask for a quota increase', () => {
    const err = new LimitExceededException({ message: 'Subscriber limit exceeded: too many tables', $metadata: meta.$metadata });
    const e = translated(err, 'creating table t1');
    assert.equal(e.code, 'LimitExceededException');
    assert.match(e.hint ?? '', /ddbs-test teardown --sweep/);
    assert.match(e.hint ?? '', /quota increase/);
  });

  it('UnrecognizedClientException (bad keys) → hint names AWS_PROFILE / aws sso login', () => {
    const err = new DynamoDBServiceException({ name: 'UnrecognizedClientException', $fault: 'client', message: 'The security token included in the request is invalid.', ...meta });
    const e = translated(err, 'creating table t1');
    assert.match(e.hint ?? '', /AWS_PROFILE|aws sso login/);
  });

  it('a DdbsError passes through unchanged (its own exit code and hint)', () => {
    const usage = new UsageError('--batch-size must be from 1 to 10000', { hint: 'x' });
    assert.equal(translateAwsError(usage, 'anything'), usage);
  });
});

describe('translateAwsError: errors raised by the SDK itself, produced for real', () => {
  const saved: Record<string, string | undefined> = {};
  let emptyHome: string;
  before(() => {
    // The SDK reads its configuration from the environment at call time: no credentials, no region,
    // no config files, no instance metadata.
    emptyHome = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-aws-errors-'));
    for (const k of Object.keys(process.env)) {
      if (!k.startsWith('AWS_') || k === 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED') continue;
      saved[k] = process.env[k];
      delete process.env[k];
    }
    saved.HOME = process.env.HOME;
    process.env.HOME = emptyHome;
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    process.env.AWS_CONFIG_FILE = path.join(emptyHome, 'no-config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(emptyHome, 'no-credentials');
  });
  after(() => {
    for (const k of ['AWS_EC2_METADATA_DISABLED', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE']) delete process.env[k];
    for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
    fs.rmSync(emptyHome, { recursive: true, force: true });
  });

  it('no credentials anywhere (CredentialsProviderError) → NoCredentials, hint names AWS_PROFILE, aws configure, aws sso login', async () => {
    const sts = new STSClient({ region: 'us-east-1', maxAttempts: 1 });
    const err = await sts.send(new GetCallerIdentityCommand({})).then(
      () => assert.fail('must not find credentials'),
      (e: unknown) => e,
    );
    sts.destroy();
    assert.equal((err as Error).name, 'CredentialsProviderError', 'the SDK error we expect to translate');
    const e = translated(err, 'finding the AWS account (sts:GetCallerIdentity)');
    assert.equal(e.code, 'NoCredentials');
    assert.match(e.message, /no AWS credentials found/);
    assert.match(e.hint ?? '', /AWS_PROFILE/);
    assert.match(e.hint ?? '', /aws configure/);
    assert.match(e.hint ?? '', /aws sso login/);
  });

  it('no region (the SDK\'s "Region is missing") → NoRegion, hint names --region and AWS_REGION', async () => {
    const ddb = new DynamoDBClient({ credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
    const err = await ddb.send(new ListTablesCommand({})).then(
      () => assert.fail('must not find a region'),
      (e: unknown) => e,
    );
    ddb.destroy();
    assert.match((err as Error).message, /Region is missing/);
    const e = translated(err, 'listing tables');
    assert.equal(e.code, 'NoRegion');
    assert.match(e.hint ?? '', /--region/);
    assert.match(e.hint ?? '', /AWS_REGION/);
  });

  it('ECONNREFUSED (nothing listens on the endpoint) → EndpointUnreachable, hint names `ddbs-test local status` and --endpoint-url', async () => {
    const port = await closedPort();
    const ddb = new DynamoDBClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
    const err = await ddb.send(new ListTablesCommand({})).then(
      () => assert.fail('nothing listens there'),
      (e: unknown) => e,
    );
    ddb.destroy();
    assert.equal((err as NodeJS.ErrnoException).code, 'ECONNREFUSED');
    const e = translated(err, 'listing tables');
    assert.equal(e.code, 'EndpointUnreachable');
    assert.match(e.message, /did not answer \(ECONNREFUSED\)/);
    assert.match(e.hint ?? '', /ddbs-test local status/);
    assert.match(e.hint ?? '', /ddbs-test local start/);
    assert.match(e.hint ?? '', /--endpoint-url/);
  });

  it('ECONNRESET and ETIMEDOUT are reported as an unreachable endpoint too', () => {
    for (const code of ['ECONNRESET', 'ETIMEDOUT']) {
      const e = translated(Object.assign(new Error(`socket ${code}`), { code }), 'writing items');
      assert.equal(e.code, 'EndpointUnreachable', code);
    }
  });

  it(
    'ENOTFOUND (a mistyped --endpoint-url host) → the endpoint hint, not "see the AWS error above"',
    () => {
      const err = Object.assign(new Error('getaddrinfo ENOTFOUND no-such-host.invalid'), { code: 'ENOTFOUND', hostname: 'no-such-host.invalid' });
      const e = translated(err, 'listing tables');
      assert.equal(e.code, 'EndpointUnreachable');
      assert.match(e.hint ?? '', /--endpoint-url/);
    },
  );
});
