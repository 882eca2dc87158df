// Cold starts share this machine's cores, so the stack lets only so many environments initialize at
// once; the others wait before their INIT_START. The wait is not init time (no init overruns its limit
// for having waited), and the gate never keeps anyone waiting for good.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InitGate } from '../../src/local/lambda/runtime/init-gate.ts';
import { createTestService } from '../fixtures/handlers/service-kit.ts';

describe('InitGate', { timeout: 10_000 }, () => {
  it('lets `slots` in, queues the rest in order, and passes a slot on when it is given back', async () => {
    const gate = new InitGate(2, 60_000);
    const a = await gate.enter();
    const b = await gate.enter();
    const order: string[] = [];
    const c = gate.enter().then((leave) => (order.push('c'), leave));
    const d = gate.enter().then((leave) => (order.push('d'), leave));
    await Promise.resolve();
    assert.deepEqual(order, [], 'both slots are taken');
    a();
    a(); // a second call gives nothing back twice
    const leaveC = await c;
    assert.deepEqual(order, ['c'], 'one slot freed, one waiter in');
    b();
    const leaveD = await d;
    assert.deepEqual(order, ['c', 'd']);
    leaveC();
    leaveD();
    const e = await gate.enter();
    e();
  });

  it('takes a slot back from a holder after holdMs, so a hanging init cannot block the others', async () => {
    const gate = new InitGate(1, 50);
    await gate.enter(); // never given back
    const leave = await gate.enter();
    leave();
  });

  it('open() lets every waiter through (the stack is closing)', async () => {
    const gate = new InitGate(1, 60_000);
    const held = await gate.enter();
    const waiting = [gate.enter(), gate.enter()];
    gate.open();
    await Promise.all(waiting);
    held();
  });
});

describe('the local Lambda initializes at most concurrentInits environments at once', { timeout: 120_000 }, () => {
  const INIT_MS = 1500;
  // A limit no loaded machine reaches: the check is on order, not on time.
  const kit = createTestService({ concurrentInits: 1, initTimeoutMs: 60_000 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-init-gate-'));
  after(async () => {
    await kit.service.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('three slow inits run one after another, none overruns the limit, and every invocation succeeds', async () => {
    const names = ['gate-a', 'gate-b', 'gate-c'];
    for (const name of names) {
      const made = await kit.create(name, 'node-slow-init', { Timeout: 30, Environment: { Variables: { INIT_COUNT_FILE: path.join(dir, name), FIRST_INIT_MS: String(INIT_MS) } } });
      assert.equal(made.status, 201, String(made.body));
    }
    // Together, each init alone takes INIT_MS; had they run side by side nothing would show it, so the
    // check is on the log: each INIT_START comes after the previous environment's init ended (its START).
    const results = await Promise.all(names.map((name) => kit.invoke(name, {})));
    for (const res of results) assert.equal(res.headers!['x-amz-function-error'], undefined, String(res.body));
    const windows = names.map((name) => {
      const events = [...kit.logs.groups.get(`/aws/lambda/${name}`)!.values()].flat();
      const at = (prefix: string) => events.find((e) => e.message.startsWith(prefix))!;
      assert.doesNotMatch(events.map((e) => e.message).join('\n'), /Status: timeout/, `${name}: no init overran for having waited`);
      return { initStart: at('INIT_START').timestamp, initEnd: at('START RequestId').timestamp };
    });
    windows.sort((x, y) => x.initStart - y.initStart);
    for (let i = 1; i < windows.length; i++) {
      assert.ok(windows[i].initStart >= windows[i - 1].initEnd, `init ${i} began before init ${i - 1} ended: ${JSON.stringify(windows)}`);
    }
  });
});
