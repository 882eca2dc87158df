// What a web page can send to the local stack (text/plain and form POSTs, with an Origin, without
// a signature, through a rebound host name, with browser Fetch Metadata) is refused with 403 and
// changes nothing; AWS clients (SDK v3, boto3, the AWS CLI) and an allowed origin still get in.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateFunctionCommand, LambdaClient, waitUntilFunctionActiveV2 } from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand } from '@aws-sdk/client-cloudwatch-logs';
import { cliEnv, fakeSigV4, rawRequest, sdkConfig, startTestStack, type RawRequest } from '../helpers/stack.ts';
import { zipFiles } from '../fixtures/handlers/package.ts';
import type { LocalStack } from '../../src/local/server.ts';

const run = promisify(execFile);
const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';
const TRUSTED = 'http://trusted.example:3000';
const EVIL = 'http://evil.example';
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

let stack: LocalStack;
let dir: string;
const logLines: string[] = [];

/** A handler that leaves a file behind when it runs: the proof of code execution. */
const writer = (file: string): string => `exports.handler = async () => { require('fs').writeFileSync(${JSON.stringify(file)}, 'ran'); return 'ran'; };`;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-guard-'));
  stack = await startTestStack({ allowOrigins: [TRUSTED], log: (l) => logLines.push(l) });
  // What the attacks aim at: an existing function, table and log stream (made through SDK v3).
  const lambda = new LambdaClient(sdkConfig(stack));
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'victim-fn', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zipFiles({ 'index.js': writer(path.join(dir, 'victim-ran')) }) } }));
  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: 'victim-fn' });
  await new DynamoDBClient(sdkConfig(stack)).send(new CreateTableCommand({ TableName: 'victim-table', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
  const logs = new CloudWatchLogsClient(sdkConfig(stack));
  await logs.send(new CreateLogGroupCommand({ logGroupName: 'victim-group' }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: 'victim-group', logStreamName: 'victim-stream' }));
});
after(async () => {
  await stack?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

interface Attack {
  name: string;
  service: string;
  request: RawRequest;
}

function attacks(): Attack[] {
  const createBody = JSON.stringify({ FunctionName: 'pwned-fn', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: Buffer.from(zipFiles({ 'index.js': writer(path.join(dir, 'pwned-ran')) })).toString('base64') } });
  const text = { 'content-type': 'text/plain' };
  const ddb = (op: string, body: unknown): Attack => ({ name: `DynamoDB ${op}`, service: 'dynamodb', request: { method: 'POST', path: '/', headers: { ...text, 'x-amz-target': `DynamoDB_20120810.${op}` }, body: JSON.stringify(body) } });
  const logs = (op: string, body: unknown): Attack => ({ name: `Logs ${op}`, service: 'logs', request: { method: 'POST', path: '/', headers: { ...text, 'x-amz-target': `Logs_20140328.${op}` }, body: JSON.stringify(body) } });
  return [
    { name: 'Lambda CreateFunction', service: 'lambda', request: { method: 'POST', path: '/2015-03-31/functions', headers: text, body: createBody } },
    { name: 'Lambda Invoke', service: 'lambda', request: { method: 'POST', path: '/2015-03-31/functions/victim-fn/invocations', headers: text, body: '{}' } },
    ddb('ListTables', {}),
    ddb('CreateTable', { TableName: 'pwned-table', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }),
    ddb('PutItem', { TableName: 'victim-table', Item: { pk: { S: 'pwned' } } }),
    { name: 'IAM CreateRole', service: 'iam', request: { method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ Action: 'CreateRole', Version: '2010-05-08', RoleName: 'pwned-role', AssumeRolePolicyDocument: TRUST }).toString() } },
    logs('CreateLogGroup', { logGroupName: 'pwned-group' }),
    logs('PutLogEvents', { logGroupName: 'victim-group', logStreamName: 'victim-stream', logEvents: [{ timestamp: Date.now(), message: 'pwned' }] }),
  ];
}

interface Variant {
  name: string;
  signed: boolean;
  headers: () => Record<string, string>;
  code: 'MissingAuthenticationToken' | 'AccessDenied';
}

const VARIANTS: Variant[] = [
  { name: 'Origin, no Authorization', signed: false, headers: () => ({ origin: EVIL }), code: 'AccessDenied' },
  { name: 'no Authorization', signed: false, headers: () => ({}), code: 'MissingAuthenticationToken' },
  { name: 'signed, foreign Host', signed: true, headers: () => ({ host: `evil.example:${stack.port}` }), code: 'AccessDenied' },
  { name: 'signed, Origin', signed: true, headers: () => ({ origin: EVIL }), code: 'AccessDenied' },
  { name: 'signed, Sec-Fetch-Site: cross-site', signed: true, headers: () => ({ 'sec-fetch-site': 'cross-site' }), code: 'AccessDenied' },
  { name: 'signed, Sec-Fetch-Mode: no-cors', signed: true, headers: () => ({ 'sec-fetch-mode': 'no-cors' }), code: 'AccessDenied' },
];

/** The error code as the service's clients read it: x-amzn-errortype, or the Query XML's <Code>. */
function errorCode(service: string, res: { headers: Headers; text: string }): string {
  if (service === 'iam') return /<Code>([^<]+)<\/Code>/.exec(res.text)?.[1] ?? '';
  return res.headers.get('x-amzn-errortype') ?? '';
}

/** Everything a page could have changed, as boto3 sees it. */
const INVENTORY = String.raw`
import json, boto3
lam = boto3.client('lambda'); ddb = boto3.client('dynamodb'); iam = boto3.client('iam'); logs = boto3.client('logs')
print(json.dumps({
  'functions': sorted(f['FunctionName'] for f in lam.list_functions()['Functions']),
  'tables': sorted(ddb.list_tables()['TableNames']),
  'victimItems': ddb.scan(TableName='victim-table')['Count'],
  'roles': sorted(r['RoleName'] for r in iam.list_roles()['Roles']),
  'logGroups': sorted(g['logGroupName'] for g in logs.describe_log_groups()['logGroups']),
  'victimEvents': [e['message'] for e in logs.get_log_events(logGroupName='victim-group', logStreamName='victim-stream')['events']],
}))
`;

async function inventory(): Promise<Record<string, unknown>> {
  const { stdout } = await run('python3', ['-c', INVENTORY], { env: cliEnv(stack), timeout: 30_000 });
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('stack guard (raw HTTP against a real stack)', () => {
  test('every attack variant gets 403 in the service error shape, one log line each, and changes nothing', async () => {
    for (const attack of attacks()) {
      for (const variant of VARIANTS) {
        const logged = logLines.length;
        const request = { ...attack.request, headers: { ...attack.request.headers, ...variant.headers() } };
        const res = await rawRequest(stack, request, variant.signed ? attack.service : null);
        const label = `${attack.name} (${variant.name})`;
        assert.equal(res.status, 403, `${label}: ${res.text}`);
        const code = errorCode(attack.service, res);
        assert.equal(code, attack.service === 'iam' ? variant.code : `${variant.code}Exception`, label);
        for (const h of res.headers.keys()) assert.ok(!h.startsWith('access-control-'), `${label}: no CORS allowance (${h})`);
        const lines = logLines.slice(logged);
        assert.equal(lines.length, 1, `${label}: one log line, got ${JSON.stringify(lines)}`);
        assert.ok(lines[0].startsWith(`refused POST ${request.path}: `), lines[0]);
      }
    }
    assert.deepEqual(await inventory(), { functions: ['victim-fn'], tables: ['victim-table'], victimItems: 0, roles: [], logGroups: ['victim-group'], victimEvents: [] });
    assert.deepEqual(fs.readdirSync(dir), [], 'no handler ran');
  });

  test('the refusal names the reason: missing token, origin, host, fetch metadata', () => {
    const reasons = logLines.filter((l) => l.startsWith('refused ')).map((l) => l.slice(l.indexOf(': ') + 2));
    assert.ok(reasons.some((r) => r.startsWith('no AWS Signature V4')));
    assert.ok(reasons.some((r) => r.startsWith(`Origin "${EVIL}" is not in DDBS_TEST_ALLOW_ORIGINS`)));
    assert.ok(reasons.some((r) => r.startsWith(`Host "evil.example:${stack.port}" is not a loopback name`)));
    assert.ok(reasons.some((r) => r.startsWith('sec-fetch-site "cross-site"')));
  });

  test('preflights get 403 without CORS headers unless the origin is allowed', async () => {
    const ask = { 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-amz-target' };
    const evil = await rawRequest(stack, { method: 'OPTIONS', path: '/', headers: { origin: EVIL, ...ask } }, null);
    assert.equal(evil.status, 403);
    assert.deepEqual([...evil.headers.keys()].filter((h) => h.startsWith('access-control-')), []);
    const trusted = await rawRequest(stack, { method: 'OPTIONS', path: '/', headers: { origin: TRUSTED, ...ask } }, null);
    assert.equal(trusted.status, 204);
    assert.equal(trusted.headers.get('access-control-allow-origin'), TRUSTED);
    assert.equal(trusted.headers.get('access-control-allow-headers'), ask['access-control-request-headers']);
  });

  test('a signed request from an allowed origin gets in, with CORS headers; unsigned it does not', async () => {
    const listTables = { method: 'POST', path: '/', headers: { origin: TRUSTED, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors', 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' }, body: '{}' };
    const res = await rawRequest(stack, listTables, 'dynamodb');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(JSON.parse(res.text), { TableNames: ['victim-table'] });
    assert.equal(res.headers.get('access-control-allow-origin'), TRUSTED);
    const unsigned = await rawRequest(stack, listTables, null);
    assert.equal(unsigned.status, 403);
    assert.equal(unsigned.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
  });

  test('/health answers unsigned on every loopback name, and 403 to a foreign Host or a browser', async () => {
    for (const host of [`127.0.0.1:${stack.port}`, `localhost:${stack.port}`, `[::1]:${stack.port}`]) {
      const res = await rawRequest(stack, { method: 'GET', path: '/health', headers: { host } }, null);
      assert.equal(res.status, 200, host);
      assert.match(res.text, /ddbs-test-local-stack/);
    }
    const foreign = await rawRequest(stack, { method: 'GET', path: '/health', headers: { host: `evil.example:${stack.port}` } }, null);
    assert.equal(foreign.status, 403);
    assert.doesNotMatch(foreign.text, /ddbs-test-local-stack"/);
    const otherPort = await rawRequest(stack, { method: 'GET', path: '/health', headers: { host: `127.0.0.1:${stack.port + 1}` } }, null);
    assert.equal(otherPort.status, 403);
    const browser = await rawRequest(stack, { method: 'GET', path: '/health', headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' } }, null);
    assert.equal(browser.status, 403);
  });

  test('a presigned query counts as signed', async () => {
    const query = new URLSearchParams({ 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256', 'X-Amz-Credential': 'test/20250101/us-east-1/lambda/aws4_request', 'X-Amz-Date': '20250101T000000Z', 'X-Amz-SignedHeaders': 'host', 'X-Amz-Signature': '0'.repeat(64) });
    const res = await rawRequest(stack, { method: 'GET', path: `/2015-03-31/functions/?${query.toString()}` }, null);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual((JSON.parse(res.text) as { Functions: { FunctionName: string }[] }).Functions.map((f) => f.FunctionName), ['victim-fn']);
    assert.equal(fakeSigV4('lambda').startsWith('AWS4-HMAC-SHA256 Credential='), true);
  });

  test('AWS clients still get in: the same operations through boto3 and the AWS CLI', async () => {
    const env = cliEnv(stack);
    const script = String.raw`
import io, json, sys, time, zipfile, boto3
buf = io.BytesIO()
with zipfile.ZipFile(buf, 'w') as z:
    z.writestr('index.js', 'exports.handler = async (e) => ({ echo: e });')
lam = boto3.client('lambda'); ddb = boto3.client('dynamodb'); iam = boto3.client('iam'); logs = boto3.client('logs')
lam.create_function(FunctionName='boto-fn', Runtime='nodejs20.x', Role=sys.argv[1], Handler='index.handler', Code={'ZipFile': buf.getvalue()})
lam.get_waiter('function_active_v2').wait(FunctionName='boto-fn')
out = {'invoke': json.loads(lam.invoke(FunctionName='boto-fn', Payload=b'{"a":1}')['Payload'].read())}
ddb.create_table(TableName='boto-table', AttributeDefinitions=[{'AttributeName': 'pk', 'AttributeType': 'S'}], KeySchema=[{'AttributeName': 'pk', 'KeyType': 'HASH'}], BillingMode='PAY_PER_REQUEST')
ddb.put_item(TableName='boto-table', Item={'pk': {'S': 'x'}})
out['items'] = ddb.scan(TableName='boto-table')['Count']
out['role'] = iam.create_role(RoleName='boto-role', AssumeRolePolicyDocument=sys.argv[2])['Role']['RoleName']
logs.create_log_group(logGroupName='boto-group')
logs.create_log_stream(logGroupName='boto-group', logStreamName='s')
logs.put_log_events(logGroupName='boto-group', logStreamName='s', logEvents=[{'timestamp': int(time.time() * 1000), 'message': 'hello'}])
out['events'] = [e['message'] for e in logs.get_log_events(logGroupName='boto-group', logStreamName='s')['events']]
print(json.dumps(out))
`;
    const { stdout } = await run('python3', ['-c', script, ROLE, TRUST], { env, timeout: 60_000 });
    assert.deepEqual(JSON.parse(stdout), { invoke: { echo: { a: 1 } }, items: 1, role: 'boto-role', events: ['hello'] });

    const role = await run('aws', ['iam', 'create-role', '--role-name', 'cli-role', '--assume-role-policy-document', TRUST], { env });
    assert.equal((JSON.parse(role.stdout) as { Role: { RoleName: string } }).Role.RoleName, 'cli-role');
    const outFile = path.join(dir, 'cli-invoke.json');
    await run('aws', ['lambda', 'invoke', '--function-name', 'boto-fn', '--payload', '{"b":2}', outFile], { env });
    assert.deepEqual(JSON.parse(fs.readFileSync(outFile, 'utf8')), { echo: { b: 2 } });
  });
});
