import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { mockClient } from 'aws-sdk-client-mock';
import {
  BatchWriteItemCommand,
  DynamoDBClient,
  InternalServerError,
  ProvisionedThroughputExceededException,
  ThrottlingException,
  type AttributeValue,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { batchSizeFor, itemSizeBytes, seedItems, type SeedItemsOptions } from '../../src/aws/seeder.ts';
import { AwsError, UsageError } from '../../src/errors.ts';

type Item = Record<string, AttributeValue>;
const PK = [{ name: 'pk', type: 'S' as const }];
const base = { table: 't1', runId: 'abcd1234', concurrency: 4, itemSize: 128 };

/** A mocked client whose BatchWriteItem runs `handle` on the put requests of table t1. */
type Reply = { UnprocessedItems?: Record<string, WriteRequest[]>; $metadata?: { attempts?: number } };
function fakeDdb(handle: (puts: WriteRequest[], call: number) => Promise<Reply> | Reply) {
  const client = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const mock = mockClient(client);
  let call = 0;
  mock.on(BatchWriteItemCommand).callsFake((input: { RequestItems: Record<string, WriteRequest[]> }) => handle(input.RequestItems.t1 ?? [], call++));
  return { client, mock, calls: () => call };
}

const pkOf = (w: WriteRequest): string => w.PutRequest?.Item?.pk?.S ?? '';
const seqOf = (w: WriteRequest): number => Number(pkOf(w).split('#')[1]);

/** Fake clock: sleeping advances it, nothing waits in real time. */
function fakeClock(start = 1_700_000_000_000) {
  let t = start;
  const delays: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      delays.push(ms);
      t += ms;
    },
    delays,
  };
}

describe('seedItems', () => {
  it('writes every item once in 25-item requests with <runId>#<seq> keys and records each request', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    const { client } = fakeDdb((puts) => {
      sizes.push(puts.length);
      seen.push(...puts.map(pkOf));
      return {};
    });
    const clock = fakeClock();
    const r = await seedItems(client, { ...base, key: PK, items: 60, now: clock.now, sleep: clock.sleep });
    assert.deepEqual(sizes.sort((a, b) => b - a), [25, 25, 10]);
    assert.deepEqual(seen.sort(), Array.from({ length: 60 }, (_, i) => `abcd1234#${i}`).sort());
    assert.equal(r.written, 60);
    assert.equal(r.retries, 0);
    assert.equal(r.aborted, false);
    assert.deepEqual(r.writes.map((w) => [w.firstSeq, w.count]), [[0, 25], [25, 25], [50, 10]]);
    assert.ok(r.writes.every((w) => w.sentAt === clock.now() && w.ackAt === clock.now()));
    assert.equal(r.firstWriteAt, clock.now());
    assert.equal(r.lastAckAt, clock.now());
  });

  it('re-sends only the UnprocessedItems until every item is written', async () => {
    const table = new Map<string, number>();
    const resent: WriteRequest[][] = [];
    let round = 0;
    const { client, calls } = fakeDdb((puts) => {
      // First send of each request: the odd seqs come back unprocessed; later sends: 1 of them again.
      const first = puts.length === 25;
      if (!first) resent.push(puts);
      const unprocessed = first ? puts.filter((p) => seqOf(p) % 2 === 1) : round++ % 2 === 0 ? puts.slice(0, 1) : [];
      for (const p of puts) if (!unprocessed.includes(p)) table.set(pkOf(p), (table.get(pkOf(p)) ?? 0) + 1);
      return unprocessed.length ? { UnprocessedItems: { t1: unprocessed } } : {};
    });
    const clock = fakeClock();
    const r = await seedItems(client, { ...base, key: PK, items: 50, concurrency: 1, now: clock.now, sleep: clock.sleep, random: () => 0.5 });
    assert.equal(r.written, 50);
    assert.equal(table.size, 50);
    assert.ok([...table.values()].every((n) => n === 1), 'an acknowledged item is never sent again');
    // Request 0 leaves seqs 1,3,..,23 (12 items); request 1 leaves 25,27,..,49 (13 items).
    assert.deepEqual(resent[0]?.map(seqOf), [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23]);
    assert.deepEqual(resent[1]?.map(seqOf), [1], 'the one item left unprocessed, alone');
    assert.equal(r.retries, calls() - 2);
    assert.deepEqual(r.writes.map((w) => [w.firstSeq, w.count]), [[0, 25], [25, 25]]);
  });

  it('retries throttling errors with exponential backoff and full jitter', async () => {
    const failures = [
      new ThrottlingException({ message: 'slow down', $metadata: {} }),
      new ProvisionedThroughputExceededException({ message: 'over', $metadata: {} }),
      new InternalServerError({ message: 'oops', $metadata: { httpStatusCode: 500 } }),
      Object.assign(new Error('limit'), { name: 'RequestLimitExceeded' }),
    ];
    const { client, calls } = fakeDdb((_puts, call) => {
      if (call < failures.length) throw failures[call];
      return {};
    });
    const clock = fakeClock();
    const jitter = [0.9, 0.5, 0.7, 0.3];
    let j = 0;
    const r = await seedItems(client, { ...base, key: PK, items: 25, now: clock.now, sleep: clock.sleep, random: () => jitter[j++] ?? 0, baseDelayMs: 100 });
    assert.equal(r.written, 25);
    assert.equal(r.retries, 4);
    assert.equal(calls(), 5);
    // Caps 100, 200, 400, 800 ms (doubling), each scaled by the injected random draw.
    assert.deepEqual(clock.delays.map(Math.round), [90, 100, 280, 240]);
    // The request's timing spans the retries: sent at the first attempt, acknowledged at the last.
    assert.equal((r.writes[0]?.ackAt ?? 0) - (r.writes[0]?.sentAt ?? 0), 710);
  });

  it('gives up after 10 attempts in a row without progress, naming how many items were written', async () => {
    const { client, calls } = fakeDdb((puts) => {
      if (seqOf(puts[0]!) >= 25) throw new ThrottlingException({ message: 'slow down', $metadata: {} });
      return {};
    });
    const clock = fakeClock();
    await assert.rejects(
      seedItems(client, { ...base, key: PK, items: 75, concurrency: 1, now: clock.now, sleep: clock.sleep }),
      (err: unknown) => {
        assert.ok(err instanceof AwsError);
        assert.equal(err.exitCode, 3);
        assert.match(err.message, /gave up writing to table t1: 10 attempts in a row for items 25-49 .*ThrottlingException.*25 of 75 items were written/);
        assert.ok(err.hint);
        return true;
      },
    );
    assert.equal(calls(), 11, 'one good request, 10 throttled attempts, then nothing more');
    assert.equal(clock.delays.length, 9);
  });

  it('fails at once on an error that retrying cannot fix', async () => {
    const { client, calls } = fakeDdb(() => {
      throw Object.assign(new Error('One or more parameter values were invalid'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    });
    await assert.rejects(seedItems(client, { ...base, key: PK, items: 1000, concurrency: 2 }), /writing items to table t1: ValidationException/);
    assert.ok(calls() <= 2, `no request is started after the failure (${calls()} sent)`);
  });

  it('never has more requests in flight than the concurrency cap', async () => {
    let inFlight = 0;
    let peak = 0;
    const { client, calls } = fakeDdb(async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      for (let i = 0; i < 1 + Math.floor(Math.random() * 4); i++) await tick();
      inFlight--;
      return {};
    });
    const r = await seedItems(client, { ...base, key: PK, items: 2000, concurrency: 5 });
    assert.equal(r.written, 2000);
    assert.equal(calls(), 80);
    assert.equal(peak, 5);
  });

  it('paces request starts evenly to honour --rate (injected clock)', async () => {
    const clock = fakeClock(0);
    const starts: number[] = [];
    const { client } = fakeDdb((puts) => {
      starts.push(clock.now());
      assert.equal(puts.length, 10, '100 items/s: 10-item requests, 10 a second');
      return {};
    });
    const r = await seedItems(client, { ...base, key: PK, items: 100, rate: 100, now: clock.now, sleep: clock.sleep });
    assert.deepEqual(starts, [0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    assert.equal(r.written, 100);
    assert.equal(batchSizeFor(1000), 25);
    assert.equal(batchSizeFor(5), 1);
  });

  it('after a stall the pacing catches up by at most two requests (no burst)', async () => {
    const clock = fakeClock(0);
    const starts: number[] = [];
    const { client } = fakeDdb(() => {
      starts.push(clock.now());
      if (starts.length === 3) clock.sleep(1_000); // the table stalls for a second on the 3rd request
      return {};
    });
    await seedItems(client, { ...base, key: PK, items: 250, rate: 250, concurrency: 1, now: clock.now, sleep: clock.sleep });
    // 100 ms apart, then the stall, then two at once to catch up, then 100 ms apart again.
    assert.deepEqual(starts, [0, 100, 200, 1200, 1200, 1200, 1300, 1400, 1500, 1600]);
  });

  it('writes range keys of type S (ISO time), N (seq) and B (seq bytes)', async () => {
    for (const type of ['S', 'N', 'B'] as const) {
      const items: Item[] = [];
      const { client } = fakeDdb((puts) => {
        items.push(...puts.map((p) => p.PutRequest!.Item!));
        return {};
      });
      await seedItems(client, { ...base, key: [...PK, { name: 'sk', type }], items: 30, now: () => Date.UTC(2025, 0, 2, 3, 4, 5, 6) });
      const byseq = new Map(items.map((i) => [Number(i.pk!.S!.split('#')[1]), i.sk!]));
      assert.equal(byseq.size, 30);
      if (type === 'S') assert.equal(byseq.get(7)?.S, '2025-01-02T03:04:05.006Z');
      if (type === 'N') assert.equal(byseq.get(29)?.N, '29');
      if (type === 'B') assert.deepEqual([byseq.get(1)?.B, byseq.get(29)?.B].map((b) => [...(b ?? [])]), [[0, 0, 0, 1], [0, 0, 0, 29]]);
    }
  });

  it('refuses a table whose hash key is not a string, naming --table', async () => {
    const { client, calls } = fakeDdb(() => ({}));
    await assert.rejects(seedItems(client, { ...base, key: [{ name: 'id', type: 'N' }], items: 10 }), (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.match(err.message, /--table t1: seed needs a string \(S\) hash key, but the hash key id is of type N/);
      return true;
    });
    assert.equal(calls(), 0);
  });

  it('pads items to roughly --item-size bytes', async () => {
    for (const itemSize of [64, 128, 1000, 50_000]) {
      const items: Item[] = [];
      const { client } = fakeDdb((puts) => {
        items.push(...puts.map((p) => p.PutRequest!.Item!));
        return {};
      });
      await seedItems(client, { ...base, key: [...PK, { name: 'timestamp', type: 'S' }], itemSize, items: 12 });
      for (const item of items) {
        const size = itemSizeBytes(item);
        assert.ok(Math.abs(size - itemSize) <= 2, `item of ${size} bytes for --item-size ${itemSize}`);
      }
    }
  });

  it('on abort stops sending, lets requests in flight finish and returns the written prefix', async () => {
    const abort = new AbortController();
    const { client, calls } = fakeDdb(async (_puts, call) => {
      if (call === 2) abort.abort();
      await tick();
      return {};
    });
    const r = await seedItems(client, { ...base, key: PK, items: 1000, concurrency: 3, signal: abort.signal });
    assert.equal(calls(), 3);
    assert.equal(r.aborted, true);
    assert.equal(r.written, 75);
    assert.deepEqual(r.writes.map((w) => w.firstSeq), [0, 25, 50]);
  });

  it('reports progress (throttled) and counts the SDK\'s own retries', async () => {
    const clock = fakeClock(0);
    const { client } = fakeDdb(async () => {
      await clock.sleep(50);
      return { $metadata: { attempts: 2 } };
    });
    const seen: Array<{ written: number; etaSec: number | null; itemsPerSec: number }> = [];
    const opts: SeedItemsOptions = { ...base, key: PK, items: 250, concurrency: 1, now: clock.now, sleep: clock.sleep, onProgress: (p) => seen.push(p) };
    const r = await seedItems(client, opts);
    assert.equal(r.retries, 10, 'one hidden SDK retry per request');
    // 10 requests 50 ms apart, progress at most every 200 ms, plus the final report.
    assert.ok(seen.length >= 3 && seen.length <= 5, `${seen.length} progress reports`);
    assert.deepEqual(seen.at(-1), { written: 250, total: 250, itemsPerSec: 500, etaSec: 0, retries: 10 });
    assert.ok(seen.every((p, i) => i === 0 || p.written >= seen[i - 1]!.written));
  });
});
