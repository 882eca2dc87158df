// The daemon's early DynamoDB Local: the supervisor's first launch takes the JVM already booting,
// later launches (restarts) start new ones, an exit is always reported to the supervisor, and a JVM
// nobody took is stopped.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startEarlyJvm } from '../../src/local/dynamodb/early-jvm.ts';
import type { DynamoDbLocalProcess, JvmExit, startDynamoDbLocal } from '../../src/local/dynamodb/jvm.ts';

type StartOpts = Parameters<typeof startDynamoDbLocal>[0];

function fakeStarts() {
  const calls: StartOpts[] = [];
  const stopped: number[] = [];
  const start = async (opts: StartOpts): Promise<DynamoDbLocalProcess> => {
    calls.push(opts);
    const port = 9000 + calls.length;
    return { port, pid: port, lastLines: () => [], stop: async () => void stopped.push(port) };
  };
  return { start, calls, stopped };
}

const EXIT: JvmExit = { at: 1, code: 137, signal: null, lastLines: ['killed'] };

describe('startEarlyJvm', () => {
  it('starts at once; the first launch takes that JVM, later launches start new ones', async () => {
    const f = fakeStarts();
    const early = startEarlyJvm(() => {}, f.start);
    assert.equal(f.calls.length, 1, 'the JVM starts before anyone asks for it');
    const first = await early.launch({ log: () => {}, onExit: () => {} });
    assert.equal(first.port, 9001);
    assert.equal(f.calls.length, 1, 'the first launch started nothing new');
    const restart = await early.launch({ log: () => {}, skipJavaCheck: true });
    assert.equal(restart.port, 9002);
    assert.equal(f.calls[1]?.skipJavaCheck, true, 'a restart gets the supervisor\'s own options');
    await early.discard();
    assert.deepEqual(f.stopped, [], 'discard leaves a JVM the supervisor took alone');
  });

  it('forwards the early JVM\'s exit to the supervisor, also one that came before the hand-over', async () => {
    const f = fakeStarts();
    const early = startEarlyJvm(() => {}, f.start);
    f.calls[0]?.onExit?.(EXIT); // dies before the supervisor took it
    const seen: JvmExit[] = [];
    await early.launch({ log: () => {}, onExit: (e) => seen.push(e) });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(seen, [EXIT]);
    f.calls[0]?.onExit?.({ ...EXIT, at: 2 });
    assert.equal(seen.length, 2);
  });

  it('discard stops a JVM nobody took, and a failed early start is not an unhandled rejection', async () => {
    const f = fakeStarts();
    const early = startEarlyJvm(() => {}, f.start);
    await early.discard();
    assert.deepEqual(f.stopped, [9001]);
    const failing = startEarlyJvm(() => {}, async () => {
      throw new Error('no java');
    });
    await new Promise((r) => setImmediate(r));
    await assert.rejects(failing.launch({ log: () => {} }), /no java/);
  });
});
