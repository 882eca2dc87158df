// DynamoDB Local's supervisor and the request guard in front of it, driven by a fake JVM launcher
// and an injected clock: a crash is noticed, the routing state is reset, requests for lost tables
// get ResourceNotFoundException with the reason (never a connection error), and a JVM that keeps
// dying is given up on with its own last error.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DynamoDbLocalSupervisor } from '../../src/local/dynamodb/jvm-supervisor.ts';
import { guardDynamoDb, type GuardedResponse } from '../../src/local/dynamodb/jvm-guard.ts';
import { LineRing, MEMORY_HINT, type DynamoDbLocalProcess, type JvmExit, type startDynamoDbLocal } from '../../src/local/dynamodb/jvm.ts';
import { LocalStackError } from '../../src/errors.ts';

type LaunchOpts = Parameters<typeof startDynamoDbLocal>[0];

/** A launcher whose JVMs die when told to; `failStarts` makes the next starts fail as -Xmx1k does. */
function fakeJvms() {
  const clock = { t: Date.parse('2030-01-01T00:00:00Z') };
  const running: Array<{ proc: DynamoDbLocalProcess; die(e?: Partial<JvmExit>): void }> = [];
  let failStarts = 0;
  let starts = 0;
  const launch = async (opts: LaunchOpts): Promise<DynamoDbLocalProcess> => {
    starts += 1;
    if (failStarts > 0) {
      failStarts -= 1;
      throw new LocalStackError('DynamoDB Local exited with code 1 before it was ready: Error occurred during initialization of VM / Too small maximum heap', { hint: MEMORY_HINT });
    }
    const n = starts;
    const proc: DynamoDbLocalProcess = { port: 40_000 + n, pid: 9_000 + n, lastLines: () => [], stop: async () => {} };
    running.push({ proc, die: (e = {}) => opts.onExit?.({ at: clock.t, code: null, signal: 'SIGKILL', lastLines: [], ...e }) });
    return proc;
  };
  return {
    clock,
    launch,
    now: () => clock.t,
    last: () => running.at(-1) as { proc: DynamoDbLocalProcess; die(e?: Partial<JvmExit>): void },
    failNext: (n: number) => (failStarts = n),
    starts: () => starts,
  };
}

const quiet = (): void => {};
const ok = (body = '{}'): GuardedResponse => ({ status: 200, headers: {}, body: Buffer.from(body) });
const req = (o: Record<string, unknown>): Buffer => Buffer.from(JSON.stringify(o));
const refused = (): never => {
  throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:40001'), { code: 'ECONNREFUSED' });
};

describe('DynamoDbLocalSupervisor', () => {
  it('a JVM that exits is noticed at once, its tables are declared lost, and a fresh one takes over', async () => {
    const f = fakeJvms();
    const sup = await DynamoDbLocalSupervisor.start({ log: quiet, launch: f.launch, now: f.now });
    assert.equal(sup.pid, 9001);
    const lost: number[] = [];
    sup.onTablesLost((at) => lost.push(at));
    f.last().die({ lastLines: ['java.lang.OutOfMemoryError: Java heap space'] });
    assert.deepEqual(lost, [f.clock.t], 'told synchronously, with the time it stopped');
    assert.equal(sup.status, 'restarting');
    assert.equal(await sup.ready(5_000), true);
    assert.equal(sup.pid, 9002);
    assert.equal(sup.port, 40_002, 'the new JVM\'s port is used from now on');
    const h = sup.health();
    assert.equal(h.restarts, 1);
    assert.equal(h.stoppedAt, new Date(f.clock.t).toISOString());
    assert.ok(h.lastRestartAt);
    assert.deepEqual(h.lastExit, { how: 'signal SIGKILL', lastLines: ['java.lang.OutOfMemoryError: Java heap space'] });
    assert.equal(h.gaveUp, undefined);
    await sup.stop();
  });

  it('three crashes within 60 s: restarts stop, and the reason names the JVM\'s last error and the memory hint', async () => {
    const f = fakeJvms();
    const sup = await DynamoDbLocalSupervisor.start({ log: quiet, launch: f.launch, now: f.now });
    for (let i = 0; i < 2; i++) {
      f.last().die();
      assert.equal(await sup.ready(5_000), true);
      f.clock.t += 10_000;
    }
    f.last().die({ code: 3, signal: null, lastLines: ['Exception in thread "main" java.lang.OutOfMemoryError: Java heap space'] });
    assert.equal(sup.status, 'gave-up');
    assert.equal(await sup.ready(1_000), false);
    assert.match(sup.failure?.reason ?? '', /^DynamoDB Local stopped 3 times within 60 s, so the local stack stopped restarting it; its last error: exited with code 3: .*OutOfMemoryError/);
    assert.equal(sup.failure?.hint, MEMORY_HINT);
    assert.equal(f.starts(), 3, 'no fourth JVM');
    await sup.stop();
  });

  it('crashes further apart than the window keep being restarted', async () => {
    const f = fakeJvms();
    const sup = await DynamoDbLocalSupervisor.start({ log: quiet, launch: f.launch, now: f.now });
    for (let i = 0; i < 4; i++) {
      f.clock.t += 61_000;
      f.last().die();
      assert.equal(await sup.ready(5_000), true, `restart ${i + 1}`);
    }
    assert.equal(sup.health().restarts, 4);
    await sup.stop();
  });

  it('a JVM that dies on every start: start() throws the JVM\'s own error after 3 attempts', async () => {
    const f = fakeJvms();
    f.failNext(99);
    await assert.rejects(DynamoDbLocalSupervisor.start({ log: quiet, launch: f.launch, now: f.now }), (err: LocalStackError) => {
      assert.match(err.message, /^DynamoDB Local failed to start 3 times within 60 s.*Too small maximum heap/);
      assert.equal(err.hint, MEMORY_HINT);
      return true;
    });
    assert.equal(f.starts(), 3);
  });
});

describe('guardDynamoDb', () => {
  async function setup() {
    const f = fakeJvms();
    const sup = await DynamoDbLocalSupervisor.start({ log: quiet, launch: f.launch, now: f.now });
    let resets = 0;
    const guard = guardDynamoDb(sup, () => {
      resets += 1;
      return ['us-east-1/orders'];
    });
    return { f, sup, guard, resets: () => resets };
  }

  it('a request in flight when the JVM dies gets ResourceNotFoundException saying when and why, no connection error', async () => {
    const { f, sup, guard, resets } = await setup();
    const put = req({ RequestItems: { orders: [{ PutRequest: { Item: { pk: { S: 'a' } } } }] } });
    const raw = await guard.run('DynamoDB_20120810.BatchWriteItem', put, 'us-east-1', async () => {
      f.last().die();
      return refused();
    });
    assert.equal(resets(), 1, 'the routing state was reset');
    assert.equal(raw.status, 400);
    const body = JSON.parse(raw.body.toString()) as { __type: string; message: string };
    assert.equal(body.__type, 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException');
    assert.equal(body.message, `DynamoDB Local stopped at ${new Date(f.clock.t).toISOString()} and its in-memory tables are gone (table orders with them); the local stack restarts it empty`);
    assert.doesNotMatch(raw.body.toString(), /ECONNREFUSED/);
    await sup.stop();
  });

  it('while restarting, a lost table is answered at once; after the restart DynamoDB Local\'s "not found" carries the reason until the name is created again', async () => {
    const { f, sup, guard } = await setup();
    f.last().die();
    let forwarded = 0;
    const notFound = (): GuardedResponse => ({ status: 400, headers: {}, body: Buffer.from('{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Cannot do operations on a non-existent table"}') });
    const during = await guard.run('DynamoDB_20120810.DescribeTable', req({ TableName: 'Orders' }), 'us-east-1', async () => (forwarded++, notFound()));
    assert.equal(during.status, 400);
    assert.match(during.body.toString(), /DynamoDB Local stopped at .* in-memory tables are gone \(table Orders with them\)/, 'names are case-insensitive');
    assert.equal(await sup.ready(5_000), true);
    const afterRestart = await guard.run('DynamoDB_20120810.DescribeTable', req({ TableName: 'orders' }), 'us-east-1', async () => (forwarded++, notFound()));
    assert.match(afterRestart.body.toString(), /DynamoDB Local stopped at/);
    const stream = await guard.run('DynamoDBStreams_20120810.GetRecords', req({ ShardIterator: 'arn:aws:dynamodb:ddblocal:000000000000:table/orders/stream/2030|x' }), 'us-east-1', async () => (forwarded++, notFound()));
    assert.match(stream.body.toString(), /table orders with them/, 'stream requests name their table through the ARN');
    const created = await guard.run('DynamoDB_20120810.CreateTable', req({ TableName: 'orders' }), 'us-east-1', async () => (forwarded++, ok()));
    assert.equal(created.status, 200, 'a lost name can be created again');
    const plain = await guard.run('DynamoDB_20120810.DescribeTable', req({ TableName: 'orders' }), 'us-east-1', async () => (forwarded++, notFound()));
    assert.equal(plain.body.toString(), notFound().body.toString(), 'a table deleted later is DynamoDB\'s own business again');
    assert.equal(forwarded, 4);
    await sup.stop();
  });

  it('a request naming no table during a crash gets 503 ServiceUnavailable (SDKs retry it), not the socket error', async () => {
    const { f, sup, guard } = await setup();
    const raw = await guard.run('DynamoDB_20120810.ListTables', req({}), 'us-east-1', async () => {
      f.last().die();
      return refused();
    });
    assert.equal(raw.status, 503);
    assert.match(raw.body.toString(), /"__type":"com\.amazonaws\.dynamodb\.v20120810#ServiceUnavailable".*restarting it/);
    assert.doesNotMatch(raw.body.toString(), /ECONNREFUSED/);
    await sup.stop();
  });

  it('after giving up, every answer carries the JVM\'s last error and the hint', async () => {
    const { f, sup, guard } = await setup();
    f.failNext(99);
    f.last().die({ lastLines: ['java.lang.OutOfMemoryError: Java heap space'] });
    assert.equal(await sup.ready(10_000), false);
    const list = await guard.run('DynamoDB_20120810.ListTables', req({}), 'us-east-1', async () => ok());
    assert.equal(list.status, 503);
    assert.match(list.body.toString(), /stopped restarting it.*Too small maximum heap.*DDBS_TEST_JAVA_OPTS=-Xmx2g/);
    const get = await guard.run('DynamoDB_20120810.GetItem', req({ TableName: 'orders' }), 'us-east-1', async () => ok());
    assert.equal(get.status, 400);
    assert.match(get.body.toString(), /in-memory tables are gone \(table orders with them\); the local stack stopped restarting it/);
    await sup.stop();
  });
});

describe('LineRing', () => {
  it('keeps the last lines across chunk boundaries, bounded', () => {
    const ring = new LineRing(3);
    ring.push('one\ntw');
    ring.push('o\nthree\nfour\n\n');
    ring.push('fi');
    assert.deepEqual(ring.snapshot(), ['three', 'four', 'fi']);
    ring.push('ve\n');
    assert.deepEqual(ring.snapshot(), ['three', 'four', 'five']);
  });
});
