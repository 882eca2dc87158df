// An init that overruns Lambda's init limit (10 s on AWS; shortened here) is not a failed invocation:
// Lambda logs INIT_REPORT with Status: timeout and runs the init again, from scratch, inside the first
// invocation under the function's own timeout. A loaded machine whose cold starts are slow must see
// its invocations succeed, not a stream of killed environments.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestService, tailOf } from '../fixtures/handlers/service-kit.ts';

// Long enough for any runtime process to start and reach its init code on a loaded machine (the
// test relies on the first init having begun), while the first init itself never ends in time.
const LIMIT_MS = 4000;
const NEVER_IN_TIME = String(LIMIT_MS * 15);

describe('an init that overruns the init limit is retried inside the invocation', { timeout: 120_000, concurrency: true }, () => {
  const kit = createTestService({ initTimeoutMs: LIMIT_MS });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-init-limit-'));
  after(async () => {
    await kit.service.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const create = (name: string, variables: Record<string, string>, timeout: number) =>
    kit.create(name, 'node-slow-init', { Timeout: timeout, Environment: { Variables: { INIT_COUNT_FILE: path.join(dir, name), ...variables } } });

  it('a slow first init: INIT_REPORT timeout, the init runs again, and the invocation succeeds', async () => {
    await create('slow-once', { FIRST_INIT_MS: NEVER_IN_TIME }, 10);
    const res = await kit.invoke('slow-once', {}, { 'x-amz-log-type': 'Tail' });
    assert.equal(res.headers!['x-amz-function-error'], undefined, res.body?.toString());
    assert.equal(res.json().inits, 2, 'the handler runs in the retried init');
    const tail = tailOf(res);
    assert.match(tail, new RegExp(`INIT_REPORT Init Duration: ${LIMIT_MS}\\.00 ms\\tPhase: init\\tStatus: timeout`));
    assert.match(tail, /REPORT RequestId: [0-9a-f-]{36}\tDuration: [\d.]+ ms\t.*Init Duration/);
    const report = tail.split('\n').find((l) => l.startsWith('REPORT '))!;
    assert.doesNotMatch(report, /Status:/, 'the invocation itself ended well');
    const warm = await kit.invoke('slow-once', {});
    assert.equal(warm.json().pid, res.json().pid, 'the retried environment stays warm');
    assert.equal(warm.json().inits, 2);
  });

  it('a retried init that outlasts the function timeout ends the invocation as a timeout', async () => {
    await create('slow-always', { FIRST_INIT_MS: NEVER_IN_TIME, LATER_INIT_MS: '5000' }, 1);
    const res = await kit.invoke('slow-always', {}, { 'x-amz-log-type': 'Tail' });
    assert.equal(res.headers!['x-amz-function-error'], 'Unhandled');
    assert.equal(res.json().errorType, 'Sandbox.Timedout');
    assert.match(tailOf(res), /Phase: init\tStatus: timeout/);
    assert.match(tailOf(res), /Duration: 1000\.00 ms\t.*Status: timeout/);
  });

  it('a retried init that throws fails the invocation with INIT_REPORT Phase: invoke', async () => {
    await create('fails-later', { FIRST_INIT_MS: NEVER_IN_TIME, FAIL_LATER_INIT: '1' }, 10);
    const res = await kit.invoke('fails-later', {}, { 'x-amz-log-type': 'Tail' });
    assert.equal(res.headers!['x-amz-function-error'], 'Unhandled');
    assert.match(res.json().errorMessage, /later init failed/);
    assert.match(tailOf(res), /INIT_REPORT Init Duration: [\d.]+ ms\tPhase: invoke\tStatus: error\tError Type: \S+/);
    assert.match(tailOf(res), /Status: error\tError Type: \S+/);
  });
});
