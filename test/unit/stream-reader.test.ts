// count's own stream read against a mocked Streams API: paging of DescribeStream, lineage, positions
// kept between polls, iterator loss, trimming, throttling with backoff, pacing per shard, abort.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { mockClient } from 'aws-sdk-client-mock';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  LimitExceededException,
  ResourceNotFoundException,
  TrimmedDataAccessException,
  type _Record,
  type GetShardIteratorCommandInput,
} from '@aws-sdk/client-dynamodb-streams';
import { compareSequenceNumbers, createStreamReader, readStream, StreamGoneError, type StreamReaderDeps, type StreamRecordFact } from '../../src/aws/stream-reader.ts';
import { AwsError } from '../../src/errors.ts';

const ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2026-01-01T00:00:00.000';
const meta = { $metadata: {} };

interface FakeShard {
  id: string;
  parent?: string;
  closed: boolean;
  records: _Record[];
  /** Index of the oldest record still retained. */
  horizon: number;
  /** Records a GetRecords returns at most (the service's 1,000, smaller to make many pages). */
  pageSize: number;
}

interface Call {
  op: 'describe' | 'iterator' | 'records';
  shardId?: string;
  t: number;
  input: Record<string, unknown>;
}

/** An in-memory DynamoDB stream behind a mocked SDK client, with a simulated clock. */
class FakeStream {
  readonly shards: FakeShard[] = [];
  readonly calls: Call[] = [];
  readonly pauses: number[] = [];
  readonly inFlight = new Map<string, number>();
  maxInFlightPerShard = 0;
  maxInFlightTotal = 0;
  describePageSize = 100;
  t = 1_000_000;
  /** Throws from a call before it is served, when it returns an error. */
  fault: (call: Call) => Error | undefined = () => undefined;
  private seq = 0;
  readonly client = new DynamoDBStreamsClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });

  constructor() {
    const mock = mockClient(this.client);
    mock.on(DescribeStreamCommand).callsFake((input) => this.describe(input));
    mock.on(GetShardIteratorCommand).callsFake((input) => this.iterator(input));
    mock.on(GetRecordsCommand).callsFake((input) => this.getRecords(input));
  }

  deps(extra: Partial<StreamReaderDeps> = {}): StreamReaderDeps {
    return {
      streams: this.client,
      now: () => this.t,
      pause: async (ms) => {
        this.pauses.push(ms);
        this.t += ms;
      },
      random: () => 0.5,
      ...extra,
    };
  }

  addShard(id: string, opts: Partial<FakeShard> = {}): FakeShard {
    const s: FakeShard = { id, closed: false, records: [], horizon: 0, pageSize: 1000, ...opts };
    this.shards.push(s);
    return s;
  }

  write(shard: FakeShard, n: number, eventName: 'INSERT' | 'MODIFY' | 'REMOVE' = 'INSERT', prefix = shard.id): void {
    for (let i = 0; i < n; i++) {
      this.seq += 1;
      shard.records.push({
        eventName,
        dynamodb: {
          SequenceNumber: String(this.seq).padStart(21, '0'),
          Keys: { pk: { S: `${prefix}#${shard.records.length}` }, sk: { N: String(i) } },
          ApproximateCreationDateTime: new Date(1_700_000_000_000 + this.seq * 1000),
          SizeBytes: 50,
        },
      });
    }
  }

  calledOn(op: Call['op'], shardId?: string): Call[] {
    return this.calls.filter((c) => c.op === op && (shardId === undefined || c.shardId === shardId));
  }

  private record(op: Call['op'], input: Record<string, unknown>, shardId?: string): void {
    const call = { op, input, t: this.t, ...(shardId ? { shardId } : {}) };
    this.calls.push(call);
    const err = this.fault(call);
    if (err) throw err;
  }

  private async describe(input: { ExclusiveStartShardId?: string; StreamArn?: string }) {
    this.record('describe', input);
    const from = input.ExclusiveStartShardId ? this.shards.findIndex((s) => s.id === input.ExclusiveStartShardId) + 1 : 0;
    const page = this.shards.slice(from, from + this.describePageSize);
    const more = from + page.length < this.shards.length;
    return {
      StreamDescription: {
        StreamArn: ARN,
        StreamStatus: 'ENABLED',
        StreamViewType: 'KEYS_ONLY',
        Shards: page.map((s) => ({
          ShardId: s.id,
          ...(s.parent ? { ParentShardId: s.parent } : {}),
          SequenceNumberRange: {
            StartingSequenceNumber: s.records[0]?.dynamodb?.SequenceNumber ?? '0',
            ...(s.closed ? { EndingSequenceNumber: s.records.at(-1)?.dynamodb?.SequenceNumber ?? '0' } : {}),
          },
        })),
        ...(more ? { LastEvaluatedShardId: page.at(-1)?.id } : {}),
      },
    };
  }

  private shard(id: string | undefined): FakeShard {
    const s = this.shards.find((x) => x.id === id);
    if (!s) throw new ResourceNotFoundException({ message: 'Requested resource not found: Shard does not exist', ...meta });
    return s;
  }

  private async iterator(input: GetShardIteratorCommandInput) {
    this.record('iterator', { ...input }, input.ShardId);
    const s = this.shard(input.ShardId);
    let pos = s.horizon;
    if (input.ShardIteratorType === 'AFTER_SEQUENCE_NUMBER') {
      const at = s.records.findIndex((r) => r.dynamodb?.SequenceNumber === input.SequenceNumber);
      if (at < s.horizon) throw new TrimmedDataAccessException({ message: 'trimmed', ...meta });
      pos = at + 1;
    }
    return { ShardIterator: `${s.id}|${pos}` };
  }

  private async getRecords(input: { ShardIterator?: string; Limit?: number }) {
    const [id, p] = String(input.ShardIterator).split('|');
    this.record('records', input, id);
    const now = (this.inFlight.get(id!) ?? 0) + 1;
    this.inFlight.set(id!, now);
    this.maxInFlightPerShard = Math.max(this.maxInFlightPerShard, now);
    this.maxInFlightTotal = Math.max(this.maxInFlightTotal, [...this.inFlight.values()].reduce((a, b) => a + b, 0));
    await tick();
    this.inFlight.set(id!, now - 1);
    const s = this.shard(id);
    const pos = Number(p);
    if (pos < s.horizon) throw new TrimmedDataAccessException({ message: 'trimmed', ...meta });
    const page = s.records.slice(pos, pos + Math.min(s.pageSize, input.Limit ?? 1000));
    const next = pos + page.length;
    return { Records: page, ...(s.closed && next >= s.records.length ? {} : { NextShardIterator: `${s.id}|${next}` }) };
  }
}

function collect(): { facts: StreamRecordFact[]; onRecord(f: StreamRecordFact): void } {
  const facts: StreamRecordFact[] = [];
  return { facts, onRecord: (f) => facts.push(f) };
}

const keysOf = (facts: StreamRecordFact[]): string[] => facts.map((f) => f.keys.pk?.S ?? '').sort();

/** GetRecords calls per shard per simulated second. */
function perSecond(calls: Call[]): Map<string, number> {
  const buckets = new Map<string, number>();
  for (const c of calls) {
    const k = `${c.shardId}@${Math.floor(c.t / 1000)}`;
    buckets.set(k, (buckets.get(k) ?? 0) + 1);
  }
  return buckets;
}

describe('readStream', () => {
  it('reads every shard, open and closed, over paged DescribeStream, and records their lineage', async () => {
    const fake = new FakeStream();
    fake.describePageSize = 2;
    const root = fake.addShard('shardId-1', { closed: true });
    const left = fake.addShard('shardId-2', { closed: true, parent: 'shardId-1' });
    const right = fake.addShard('shardId-3', { parent: 'shardId-1' });
    const grandchild = fake.addShard('shardId-4', { parent: 'shardId-2' });
    const empty = fake.addShard('shardId-5', { closed: true });
    fake.write(root, 2500);
    fake.write(left, 3);
    fake.write(right, 4, 'MODIFY');
    fake.write(grandchild, 1, 'REMOVE');
    empty.records = [];
    const c = collect();
    const r = await readStream(fake.deps(), { streamArn: ARN, onRecord: c.onRecord });

    assert.equal(r.records, 2508);
    assert.equal(c.facts.length, 2508);
    assert.equal(new Set(c.facts.map((f) => f.sequenceNumber)).size, 2508, 'no record twice');
    assert.deepEqual(fake.calledOn('describe').map((d) => d.input.ExclusiveStartShardId), [undefined, 'shardId-2', 'shardId-4']);
    assert.deepEqual(
      r.shards.map((s) => [s.shardId, s.parentShardId, s.closed, s.finished, s.records]),
      [
        ['shardId-1', undefined, true, true, 2500],
        ['shardId-2', 'shardId-1', true, true, 3],
        ['shardId-3', 'shardId-1', false, false, 4],
        ['shardId-4', 'shardId-2', false, false, 1],
        ['shardId-5', undefined, true, true, 0],
      ],
    );
    assert.equal(r.shards[0]?.lastReadSequenceNumber, root.records.at(-1)?.dynamodb?.SequenceNumber);
    assert.equal(r.shards[0]?.endingSequenceNumber, root.records.at(-1)?.dynamodb?.SequenceNumber);
    assert.equal(fake.calledOn('records', 'shardId-1').length, 3, '2,500 records in pages of 1,000');
    assert.ok(fake.calledOn('iterator').every((c) => c.input.ShardIteratorType === 'TRIM_HORIZON'));
    assert.equal(r.trimmed, false);
    assert.equal(r.incomplete, undefined);
    assert.equal(r.streamViewType, 'KEYS_ONLY');
  });

  it('turns each record into a fact: shard, sequence number, event name, whole key, creation time', async () => {
    const fake = new FakeStream();
    const s = fake.addShard('shardId-a', { closed: true });
    fake.write(s, 1, 'INSERT', 'cust');
    fake.write(s, 1, 'MODIFY', 'cust');
    fake.write(s, 1, 'REMOVE', 'cust');
    s.records.push({ eventName: undefined, dynamodb: { SequenceNumber: '000000000000000000099' } }); // unusable: skipped
    const c = collect();
    await readStream(fake.deps(), { streamArn: ARN, onRecord: c.onRecord });
    assert.deepEqual(c.facts, [
      { shardId: 'shardId-a', sequenceNumber: '000000000000000000001', eventName: 'INSERT', keys: { pk: { S: 'cust#0' }, sk: { N: '0' } }, approximateCreationMs: 1_700_000_001_000 },
      { shardId: 'shardId-a', sequenceNumber: '000000000000000000002', eventName: 'MODIFY', keys: { pk: { S: 'cust#1' }, sk: { N: '0' } }, approximateCreationMs: 1_700_000_002_000 },
      { shardId: 'shardId-a', sequenceNumber: '000000000000000000003', eventName: 'REMOVE', keys: { pk: { S: 'cust#2' }, sk: { N: '0' } }, approximateCreationMs: 1_700_000_003_000 },
    ]);
  });

  it('hands onRecord the raw record (images included) alongside each fact', async () => {
    const fake = new FakeStream();
    const s = fake.addShard('shardId-a', { closed: true });
    fake.write(s, 2, 'INSERT', 'img');
    s.records[1]!.dynamodb!.NewImage = { pk: { S: 'img#1' }, colour: { S: 'red' } };
    const seen: Array<[string, unknown]> = [];
    await readStream(fake.deps(), { streamArn: ARN, onRecord: (f, raw) => seen.push([f.sequenceNumber, raw.dynamodb?.NewImage]) });
    assert.deepEqual(seen, [['000000000000000000001', undefined], ['000000000000000000002', { pk: { S: 'img#1' }, colour: { S: 'red' } }]]);
  });

  it('stops reading an open shard once it is caught up (two empty pages in a row by default)', async () => {
    const fake = new FakeStream();
    const s = fake.addShard('shardId-open');
    fake.write(s, 5);
    const r = await readStream(fake.deps(), { streamArn: ARN, onRecord: () => undefined });
    assert.equal(r.records, 5);
    assert.equal(fake.calledOn('records').length, 3, 'one page with the records, then two empty ones');
    const once = new FakeStream();
    fake.write(once.addShard('shardId-open'), 5);
    await readStream(once.deps(), { streamArn: ARN, onRecord: () => undefined, emptyReadsToCatchUp: 1 });
    assert.equal(once.calledOn('records').length, 2);
  });

  it('re-creates an expired iterator after the last record read: nothing lost, nothing twice', async () => {
    const fake = new FakeStream();
    const s = fake.addShard('shardId-x', { closed: true, pageSize: 10 });
    fake.write(s, 35);
    let failed = false;
    fake.fault = (call) => {
      if (call.op === 'records' && call.input.ShardIterator === 'shardId-x|20' && !failed) {
        failed = true;
        return new ExpiredIteratorException({ message: 'Iterator expired', ...meta });
      }
      return undefined;
    };
    const c = collect();
    const r = await readStream(fake.deps(), { streamArn: ARN, onRecord: c.onRecord });
    assert.ok(failed);
    assert.equal(c.facts.length, 35);
    assert.equal(new Set(keysOf(c.facts)).size, 35);
    const iters = fake.calledOn('iterator');
    assert.deepEqual(iters.map((i) => [i.input.ShardIteratorType, i.input.SequenceNumber]), [
      ['TRIM_HORIZON', undefined],
      ['AFTER_SEQUENCE_NUMBER', s.records[19]?.dynamodb?.SequenceNumber],
    ]);
    assert.equal(r.trimmed, false);
  });

  it('marks the read trimmed when records passed retention, and goes on from the new oldest record', async () => {
    const fake = new FakeStream();
    const s = fake.addShard('shardId-t', { closed: true, pageSize: 10 });
    fake.write(s, 40);
    fake.fault = (call) => {
      // Between the second and third page, retention trims the first 25 records.
      if (call.op === 'records' && call.input.ShardIterator === 'shardId-t|20') s.horizon = 25;
      return undefined;
    };
    const c = collect();
    const r = await readStream(fake.deps(), { streamArn: ARN, onRecord: c.onRecord });
    assert.equal(r.trimmed, true);
    assert.equal(r.shards[0]?.trimmed, true);
    assert.equal(c.facts.length, 35, 'records 20..24 are gone; 0..19 and 25..39 were read');
    assert.deepEqual(keysOf(c.facts), [...Array.from({ length: 20 }, (_, i) => i), ...Array.from({ length: 15 }, (_, i) => 25 + i)].map((i) => `shardId-t#${i}`).sort());
    assert.equal(fake.calledOn('iterator').at(-1)?.input.ShardIteratorType, 'TRIM_HORIZON');
    assert.equal(r.shards[0]?.finished, true);
  });

  it('throws StreamGoneError when the stream no longer exists', async () => {
    const fake = new FakeStream();
    fake.fault = (call) => (call.op === 'describe' ? new ResourceNotFoundException({ message: 'Stream does not exist', ...meta }) : undefined);
    await assert.rejects(readStream(fake.deps(), { streamArn: ARN, onRecord: () => undefined }), (err: unknown) => {
      assert.ok(err instanceof StreamGoneError);
      assert.equal(err.streamArn, ARN);
      assert.equal(err.code, 'StreamGone');
      return true;
    });
  });

  it('throws StreamGoneError when the stream disappears in the middle of the read', async () => {
    const fake = new FakeStream();
    const s = fake.addShard('shardId-g', { closed: true, pageSize: 10 });
    fake.write(s, 30);
    fake.fault = (call) => {
      const gone = fake.calledOn('records').length > 1;
      return gone && call.op !== 'iterator' ? new ResourceNotFoundException({ message: 'Stream does not exist', ...meta }) : undefined;
    };
    await assert.rejects(readStream(fake.deps(), { streamArn: ARN, onRecord: () => undefined }), StreamGoneError);
  });

  it('recovers from DynamoDB Local\'s "Invalid ShardId in ShardIterator" while the stream still lists the shard', async () => {
    const fake = new FakeStream();
    const s = fake.addShard('shardId-q', { closed: true, pageSize: 10 });
    fake.write(s, 25);
    let n = 0;
    fake.fault = (call) => (call.op === 'records' && ++n === 2 ? new ResourceNotFoundException({ message: 'Invalid ShardId in ShardIterator', ...meta }) : undefined);
    const c = collect();
    const r = await readStream(fake.deps(), { streamArn: ARN, onRecord: c.onRecord });
    assert.equal(c.facts.length, 25);
    assert.equal(fake.calledOn('describe').length, 2, 're-described to tell a lost iterator from a lost stream');
    assert.equal(r.trimmed, false);
  });

  it('backs off with growing, jittered pauses while throttled, then reads on', async () => {
    const fake = new FakeStream();
    const s = fake.addShard('shardId-h', { closed: true });
    fake.write(s, 10);
    let throttles = 0;
    fake.fault = (call) => (call.op === 'records' && throttles++ < 4 ? new LimitExceededException({ message: 'Rate exceeded', ...meta }) : undefined);
    const c = collect();
    const r = await readStream(fake.deps({ random: () => 0.5 }), { streamArn: ARN, onRecord: c.onRecord });
    assert.equal(c.facts.length, 10);
    assert.equal(r.incomplete, undefined);
    // ceilings 100, 200, 400, 800 ms; each pause is half its ceiling plus jitter (0.5 here).
    assert.deepEqual(fake.pauses.slice(0, 4), [75, 150, 300, 600]);
  });

  it('gives up a shard whose reads keep failing, says so, and still reads the others', async () => {
    const fake = new FakeStream();
    fake.write(fake.addShard('shardId-bad', { closed: true }), 5);
    fake.write(fake.addShard('shardId-ok', { closed: true }), 7);
    fake.fault = (call) => (call.op === 'records' && call.shardId === 'shardId-bad' ? new LimitExceededException({ message: 'Rate exceeded', ...meta }) : undefined);
    const c = collect();
    const r = await readStream(fake.deps(), { streamArn: ARN, onRecord: c.onRecord });
    assert.equal(c.facts.length, 7);
    assert.match(r.incomplete ?? '', /shardId-bad: reads kept failing \(LimitExceededException/);
    assert.equal(r.shards.find((x) => x.shardId === 'shardId-bad')?.finished, false);
    assert.ok(Math.max(...fake.pauses) <= 5000, 'backoff is capped');
  });

  it('throws a clear AwsError on an error that retrying cannot fix', async () => {
    const fake = new FakeStream();
    fake.write(fake.addShard('shardId-d', { closed: true }), 5);
    fake.fault = (call) => (call.op === 'records' ? Object.assign(new Error('not authorized to perform dynamodb:GetRecords'), { name: 'AccessDeniedException' }) : undefined);
    await assert.rejects(readStream(fake.deps(), { streamArn: ARN, onRecord: () => undefined }), (err: unknown) => err instanceof AwsError && /AccessDeniedException/.test(err.message));
  });

  it('paces each shard to 4 GetRecords a second, one in flight, when pages are small', async () => {
    const fake = new FakeStream();
    for (const id of ['shardId-p1', 'shardId-p2', 'shardId-p3']) fake.write(fake.addShard(id, { closed: true, pageSize: 10 }), 400);
    const t0 = fake.t;
    const r = await readStream(fake.deps(), { streamArn: ARN, onRecord: () => undefined, shardConcurrency: 2 });
    assert.equal(r.records, 1200);
    const reads = fake.calledOn('records');
    assert.equal(reads.length, 120);
    assert.ok(Math.max(...perSecond(reads).values()) <= 4, `at most 4 a second per shard: ${JSON.stringify([...perSecond(reads)])}`);
    assert.equal(fake.maxInFlightPerShard, 1);
    assert.ok(fake.maxInFlightTotal <= 2, 'shards are read two at a time');
    assert.ok(fake.t - t0 >= 9_750, '40 reads at 4 a second take ten seconds per shard');
  });

  it('honours maxGetRecordsPerSecondPerShard', async () => {
    const fake = new FakeStream();
    fake.write(fake.addShard('shardId-s', { closed: true, pageSize: 10 }), 100);
    await readStream(fake.deps(), { streamArn: ARN, onRecord: () => undefined, maxGetRecordsPerSecondPerShard: 1 });
    assert.ok(Math.max(...perSecond(fake.calledOn('records')).values()) <= 1);
  });

  it('reads on promptly after full pages, capped at 20 a second per shard', async () => {
    const fake = new FakeStream();
    fake.write(fake.addShard('shardId-f', { closed: true }), 30_000);
    const t0 = fake.t;
    const r = await readStream(fake.deps(), { streamArn: ARN, onRecord: () => undefined });
    assert.equal(r.records, 30_000);
    const reads = fake.calledOn('records');
    assert.equal(reads.length, 30);
    assert.ok(Math.max(...perSecond(reads).values()) <= 20);
    assert.ok(fake.t - t0 <= 1_600, `30 full pages at up to 20 a second, not 4 (took ${fake.t - t0} ms simulated)`);
  });

  it('stops promptly on abort and says the evidence is partial', async () => {
    const fake = new FakeStream();
    fake.write(fake.addShard('shardId-z', { closed: true, pageSize: 10 }), 1000);
    const ac = new AbortController();
    fake.fault = (call) => {
      if (call.op === 'records' && fake.calledOn('records').length === 3) ac.abort();
      return undefined;
    };
    const r = await readStream(fake.deps(), { streamArn: ARN, onRecord: () => undefined, signal: ac.signal });
    assert.equal(r.aborted, true);
    assert.match(r.incomplete ?? '', /stopped/);
    assert.ok(fake.calledOn('records').length <= 4, `stopped within a call (made ${fake.calledOn('records').length})`);
  });
});

describe('createStreamReader', () => {
  it('a second poll reads only new records, picks up new shards and never re-reads finished ones', async () => {
    const fake = new FakeStream();
    const closed = fake.addShard('shardId-c', { closed: true });
    const open = fake.addShard('shardId-o', { parent: 'shardId-c' });
    fake.write(closed, 10);
    fake.write(open, 5);
    const reader = createStreamReader(fake.deps(), { streamArn: ARN });
    const first = collect();
    const r1 = await reader.poll(first.onRecord);
    assert.equal(r1.records, 15);

    fake.write(open, 3);
    const child = fake.addShard('shardId-n', { parent: 'shardId-o' });
    fake.write(child, 2);
    const callsBefore = fake.calls.length;
    const second = collect();
    const r2 = await reader.poll(second.onRecord);
    assert.equal(r2.records, 5);
    assert.equal(r2.totalRecords, 20);
    assert.deepEqual(keysOf(second.facts), ['shardId-n#0', 'shardId-n#1', 'shardId-o#5', 'shardId-o#6', 'shardId-o#7']);
    const later = fake.calls.slice(callsBefore);
    assert.ok(!later.some((c) => c.shardId === 'shardId-c'), 'the finished closed shard is not read again');
    assert.ok(!later.some((c) => c.op === 'iterator' && c.shardId === 'shardId-o'), 'the open shard goes on with the iterator it kept');
    assert.deepEqual(r2.shards.map((s) => [s.shardId, s.parentShardId, s.records]), [
      ['shardId-c', undefined, 10],
      ['shardId-o', 'shardId-c', 8],
      ['shardId-n', 'shardId-o', 2],
    ]);
    const third = collect();
    assert.equal((await reader.poll(third.onRecord)).records, 0);
  });

  it('an iterator kept past ten minutes is re-created after the last record read', async () => {
    const fake = new FakeStream();
    const open = fake.addShard('shardId-o');
    fake.write(open, 5);
    const reader = createStreamReader(fake.deps(), { streamArn: ARN });
    await reader.poll(() => undefined);
    fake.t += 11 * 60_000;
    fake.write(open, 2);
    const c = collect();
    await reader.poll(c.onRecord);
    assert.deepEqual(keysOf(c.facts), ['shardId-o#5', 'shardId-o#6']);
    assert.deepEqual(fake.calledOn('iterator').at(-1)?.input.SequenceNumber, open.records[4]?.dynamodb?.SequenceNumber);
  });

  it('marks trimmed a shard that aged out of the stream before it was read to its end', async () => {
    const fake = new FakeStream();
    const open = fake.addShard('shardId-old');
    fake.write(open, 3);
    const reader = createStreamReader(fake.deps(), { streamArn: ARN });
    await reader.poll(() => undefined);
    fake.shards.splice(0, 1);
    const r = await reader.poll(() => undefined);
    assert.equal(r.trimmed, true);
    assert.deepEqual(r.shards.map((s) => [s.shardId, s.finished, s.trimmed]), [['shardId-old', true, true]]);
  });

  it('runs overlapping polls one after the other', async () => {
    const fake = new FakeStream();
    const open = fake.addShard('shardId-o');
    fake.write(open, 4);
    const reader = createStreamReader(fake.deps(), { streamArn: ARN });
    const a = collect();
    const b = collect();
    const [r1, r2] = await Promise.all([reader.poll(a.onRecord), reader.poll(b.onRecord)]);
    assert.equal(r1.records + r2.records, 4);
    assert.equal(a.facts.length + b.facts.length, 4);
  });
});

describe('compareSequenceNumbers', () => {
  it('orders decimal strings numerically, zero-padded or not', () => {
    assert.ok(compareSequenceNumbers('000000000000000000002', '10') < 0);
    assert.ok(compareSequenceNumbers('100000000000000000000001', '99999999999999999999999') > 0);
    assert.equal(compareSequenceNumbers('0007', '7'), 0);
    assert.ok(compareSequenceNumbers('20', '3') > 0);
  });
});
