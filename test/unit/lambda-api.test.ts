// Lambda control plane through the service's REST handler: validation texts, states, list, tags, delete.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createTestService, ROLE } from '../fixtures/handlers/service-kit.ts';
import { zipFiles } from '../fixtures/handlers/package.ts';

describe('lambda control plane', () => {
  const kit = createTestService();
  after(() => kit.service.close());

  it('CreateFunction returns 201 with the recorded FunctionConfiguration shape', async () => {
    const res = await kit.create('shape-fn', 'node-actions', { Environment: { Variables: { A: '1' } }, Tags: { team: 'x' } });
    assert.equal(res.status, 201);
    const c = res.json();
    assert.equal(c.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:shape-fn');
    assert.equal(c.State, 'Pending');
    assert.equal(c.StateReasonCode, 'Creating');
    assert.equal(c.Version, '$LATEST');
    assert.equal(c.PackageType, 'Zip');
    assert.equal(c.Timeout, 3);
    assert.equal(c.MemorySize, 128);
    assert.deepEqual(c.Environment, { Variables: { A: '1' } });
    assert.deepEqual(c.LoggingConfig, { LogFormat: 'Text', LogGroup: '/aws/lambda/shape-fn' });
    assert.match(c.LastModified, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    assert.match(c.CodeSha256, /^[A-Za-z0-9+/]{43}=$/);
    assert.ok(c.CodeSize > 0);
    const got = (await kit.call('GET', '/2015-03-31/functions/shape-fn')).json();
    assert.equal(got.Configuration.State, 'Active');
    assert.equal(got.Configuration.LastUpdateStatus, 'Successful');
    assert.deepEqual(got.Tags, { team: 'x' });
  });

  it('rejects bad input with AWS error codes, statuses and message members', async () => {
    const cases: Array<[Record<string, unknown>, number, string, RegExp]> = [
      [{ Role: 'r1' }, 400, 'ValidationException', /Value 'r1' at 'role' failed to satisfy constraint/],
      [{ Runtime: 'java21' }, 400, 'InvalidParameterValueException', /Value java21 at 'runtime' failed to satisfy constraint: Member must satisfy enum value set/],
      [{ Timeout: 0 }, 400, 'ValidationException', /greater than or equal to 1/],
      [{ Timeout: 901 }, 400, 'ValidationException', /less than or equal to 900/],
      [{ MemorySize: 64 }, 400, 'ValidationException', /greater than or equal to 128/],
      [{ MemorySize: 20000 }, 400, 'InvalidParameterValueException', /less than or equal to 10240/],
      [{ Environment: { Variables: { BIG: 'x'.repeat(5000) } } }, 400, 'InvalidParameterValueException', /exceeded the 4KB limit/],
      [{ Code: { ZipFile: Buffer.from('not a zip').toString('base64') } }, 400, 'InvalidParameterValueException', /^Could not unzip uploaded file/],
      [{ Environment: { Variables: { AWS_ACCESS_KEY_ID: 'x' } } }, 400, 'InvalidParameterValueException', /reserved keys .*: AWS_ACCESS_KEY_ID$/],
      [{ FunctionName: 'x'.repeat(65) }, 400, 'InvalidParameterValueException', /length less than or equal to 64/],
    ];
    for (const [override, status, code, message] of cases) {
      const res = await kit.create('bad-fn', 'node-actions', override);
      assert.equal(res.status, status, JSON.stringify(override).slice(0, 60));
      assert.equal(res.headers?.['x-amzn-errortype'], code);
      const body = res.json();
      assert.match(body.message ?? body.Message, message);
    }
    assert.equal((await kit.call('GET', '/2015-03-31/functions/bad-fn')).status, 404);
  });

  it('duplicate create is 409 ResourceConflictException, missing function is 404 with capital Message', async () => {
    await kit.create('dup-fn', 'node-actions');
    const dup = await kit.create('dup-fn', 'node-actions');
    assert.equal(dup.status, 409);
    assert.equal(dup.headers?.['x-amzn-errortype'], 'ResourceConflictException');
    assert.deepEqual(dup.json(), { Type: 'User', message: 'Function already exist: dup-fn' });
    const missing = await kit.call('GET', '/2015-03-31/functions/nope/configuration');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json(), { Type: 'User', Message: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope' });
    const otherRegion = await kit.call('GET', `/2015-03-31/functions/${encodeURIComponent('arn:aws:lambda:eu-west-1:000000000000:function:dup-fn')}`);
    assert.equal(otherRegion.json().Message, "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')");
  });

  it('resolves names, partial ARNs and full ARNs alike', async () => {
    await kit.create('arn-fn', 'node-actions');
    for (const ref of ['arn-fn', '000000000000:function:arn-fn', 'arn:aws:lambda:us-east-1:000000000000:function:arn-fn', 'arn-fn:$LATEST']) {
      const res = await kit.call('GET', `/2015-03-31/functions/${encodeURIComponent(ref)}/configuration`);
      assert.equal(res.status, 200, ref);
    }
    assert.equal(kit.service.invoker.resolveFunctionArn('000000000000:function:arn-fn'), 'arn:aws:lambda:us-east-1:000000000000:function:arn-fn');
    assert.equal(kit.service.invoker.resolveFunctionArn('missing-fn'), undefined);
  });

  it('ListFunctions pages with MaxItems and NextMarker', async () => {
    for (const n of ['list-a', 'list-b', 'list-c']) await kit.create(n, 'node-actions');
    const seen: string[] = [];
    let marker = '';
    for (let i = 0; i < 20; i++) {
      const page = (await kit.call('GET', '/2015-03-31/functions', undefined, {}, `MaxItems=2${marker ? `&Marker=${marker}` : ''}`)).json();
      assert.ok(page.Functions.length <= 2);
      seen.push(...page.Functions.map((f: { FunctionName: string }) => f.FunctionName));
      if (!page.NextMarker) break;
      marker = page.NextMarker;
    }
    for (const n of ['list-a', 'list-b', 'list-c']) assert.ok(seen.includes(n));
    assert.equal(new Set(seen).size, seen.length);
  });

  it('UpdateFunctionConfiguration reports InProgress, then Successful; conflicting update while in progress is 409', async () => {
    const kit2 = createTestService({ stateTransitionDelayMs: 80 });
    try {
      await kit2.create('upd-fn', 'node-actions');
      const pendingInvoke = await kit2.invoke('upd-fn', {});
      assert.equal(pendingInvoke.status, 409);
      assert.equal(pendingInvoke.json().message, 'The operation cannot be performed at this time. The function is currently in the following state: Pending');
      await waitFor(async () => (await kit2.call('GET', '/2015-03-31/functions/upd-fn')).json().Configuration.State === 'Active');
      const upd = await kit2.call('PUT', '/2015-03-31/functions/upd-fn/configuration', { Timeout: 10, Environment: { Variables: { B: '2' } } });
      assert.equal(upd.status, 200);
      assert.equal(upd.json().LastUpdateStatus, 'InProgress');
      assert.equal(upd.json().Timeout, 10);
      const again = await kit2.call('PUT', '/2015-03-31/functions/upd-fn/configuration', { Timeout: 11 });
      assert.equal(again.status, 409);
      assert.match(again.json().message, /An update is in progress for resource: arn:aws:lambda:us-east-1:000000000000:function:upd-fn/);
      await waitFor(async () => (await kit2.call('GET', '/2015-03-31/functions/upd-fn')).json().Configuration.LastUpdateStatus === 'Successful');
    } finally {
      await kit2.service.close();
    }
  });

  it('UpdateFunctionCode swaps the code: the next invocation runs the new handler', async () => {
    await kit.create('code-fn', 'node-actions');
    assert.ok((await kit.invoke('code-fn', {})).json().echo);
    const zip = zipFiles({ 'index.js': 'exports.handler = async () => "v2";' });
    const upd = await kit.call('PUT', '/2015-03-31/functions/code-fn/code', { ZipFile: Buffer.from(zip).toString('base64') });
    assert.equal(upd.status, 200);
    assert.equal(upd.json().CodeSize, zip.length);
    assert.equal(String((await kit.invoke('code-fn', {})).body), '"v2"');
  });

  it('tags: TagResource, ListTags, UntagResource on /2017-03-31/tags/{arn}', async () => {
    await kit.create('tag-fn', 'node-actions');
    const arn = encodeURIComponent('arn:aws:lambda:us-east-1:000000000000:function:tag-fn');
    assert.equal((await kit.call('POST', `/2017-03-31/tags/${arn}`, { Tags: { a: '1', b: '2' } })).status, 204);
    assert.deepEqual((await kit.call('GET', `/2017-03-31/tags/${arn}`)).json(), { Tags: { a: '1', b: '2' } });
    assert.equal((await kit.call('DELETE', `/2017-03-31/tags/${arn}`, undefined, {}, 'tagKeys=a')).status, 204);
    assert.deepEqual((await kit.call('GET', `/2017-03-31/tags/${arn}`)).json(), { Tags: { b: '2' } });
  });

  it('DeleteFunction answers 204, removes the code directory, and a second delete is 404', async () => {
    await kit.create('del-fn', 'node-actions');
    const root = (await kit.invoke('del-fn', { action: 'env' })).json().env.LAMBDA_TASK_ROOT as string;
    assert.ok(existsSync(root));
    const del = await kit.call('DELETE', '/2015-03-31/functions/del-fn');
    assert.equal(del.status, 204);
    assert.equal(existsSync(root), false);
    assert.equal((await kit.call('DELETE', '/2015-03-31/functions/del-fn')).status, 404);
  });

  it('GetAccountSettings counts functions', async () => {
    const res = (await kit.call('GET', '/2016-08-19/account-settings')).json();
    assert.equal(res.AccountLimit.ConcurrentExecutions, 1000);
    assert.ok(res.AccountUsage.FunctionCount >= 1);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (let delay = 10; Date.now() < end; delay = Math.min(delay * 2, 200)) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, delay));
  }
  throw new Error('condition not met in time');
}

void ROLE;
