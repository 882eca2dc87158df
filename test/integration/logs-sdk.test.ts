// CloudWatch Logs through the real SDK v3 client against a real local stack.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  DescribeQueriesCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  GetQueryResultsCommand,
  ListTagsForResourceCommand,
  ListTagsLogGroupCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  StartQueryCommand,
  StopQueryCommand,
  TagLogGroupCommand,
  TagResourceCommand,
  UntagResourceCommand,
  paginateFilterLogEvents,
  type GetQueryResultsCommandOutput,
} from '@aws-sdk/client-cloudwatch-logs';
import { sdkConfig, startTestStack, TEST_REGION } from '../helpers/stack.ts';
import type { LocalStack } from '../../src/local/index.ts';

const GROUP = '/aws/lambda/sdk-test';
const ARN = `arn:aws:logs:${TEST_REGION}:000000000000:log-group:${GROUP}`;

/** Polls GetQueryResults until the query leaves Scheduled/Running (AWS clients must poll too). */
async function waitForQuery(client: CloudWatchLogsClient, queryId: string): Promise<GetQueryResultsCommandOutput> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const out = await client.send(new GetQueryResultsCommand({ queryId }));
    if (out.status !== 'Running' && out.status !== 'Scheduled') return out;
  }
  throw new Error('query never completed');
}

const rowsOf = (out: GetQueryResultsCommandOutput) => (out.results ?? []).map((r) => Object.fromEntries(r.filter((f) => f.field !== '@ptr').map((f) => [f.field, f.value])));

async function rejection(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

describe('CloudWatch Logs via @aws-sdk/client-cloudwatch-logs', () => {
  let stack: LocalStack;
  let client: CloudWatchLogsClient;
  // Timestamps are relative to now: the stack rejects events > 14 days old or > 2 h ahead, like AWS.
  const base = Date.now() - 60 * 60_000;

  before(async () => {
    stack = await startTestStack();
    client = new CloudWatchLogsClient(sdkConfig(stack));
    await client.send(new CreateLogGroupCommand({ logGroupName: GROUP, tags: { team: 'ddbs' } }));
    await client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 'stream-a' }));
    await client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 'stream-b' }));
    // 3,000 events, interleaved across two streams: even ms in a, odd ms in b; every 3rd one is a marker line.
    for (const stream of ['stream-a', 'stream-b']) {
      const offset = stream === 'stream-a' ? 0 : 1;
      const logEvents = Array.from({ length: 1500 }, (_, i) => {
        const n = 2 * i + offset;
        return { timestamp: base + n, message: n % 3 === 0 ? `{"marker":"ddbsTest","n":${n}}` : `plain line ${n} INFO` };
      });
      await client.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, logEvents }));
    }
  });

  after(async () => {
    client?.destroy();
    await stack?.close();
  });

  it('CreateLogGroup twice: ResourceAlreadyExistsException as the SDK sees it', async () => {
    const err = await rejection(client.send(new CreateLogGroupCommand({ logGroupName: GROUP })));
    assert.deepEqual(err, { name: 'ResourceAlreadyExistsException', message: 'The specified log group already exists', status: 400 });
  });

  it('missing group: ResourceNotFoundException for streams, events and filters', async () => {
    const expected = { name: 'ResourceNotFoundException', message: 'The specified log group does not exist.', status: 400 };
    assert.deepEqual(await rejection(client.send(new CreateLogStreamCommand({ logGroupName: '/nope', logStreamName: 's' }))), expected);
    assert.deepEqual(await rejection(client.send(new FilterLogEventsCommand({ logGroupName: '/nope' }))), expected);
    assert.deepEqual(await rejection(client.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: 'nope', logEvents: [{ timestamp: Date.now(), message: 'x' }] }))), {
      ...expected,
      message: 'The specified log stream does not exist.',
    });
  });

  it('DescribeLogGroups: prefix, both ARN forms, limit + nextToken, prefix/pattern exclusive', async () => {
    await client.send(new CreateLogGroupCommand({ logGroupName: '/aws/lambda/sdk-test-2' }));
    const { logGroups } = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: GROUP }));
    assert.deepEqual(logGroups?.map((g) => g.logGroupName), [GROUP, '/aws/lambda/sdk-test-2']);
    assert.equal(logGroups?.[0]?.arn, `${ARN}:*`);
    assert.equal(logGroups?.[0]?.logGroupArn, ARN);
    const page1 = await client.send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'sdk-test', limit: 1 }));
    assert.equal(page1.logGroups?.length, 1);
    assert.ok(page1.nextToken);
    const page2 = await client.send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'sdk-test', limit: 1, nextToken: page1.nextToken }));
    assert.equal(page2.logGroups?.[0]?.logGroupName, '/aws/lambda/sdk-test-2');
    assert.equal(page2.nextToken, undefined);
    const err = await rejection(client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'a', logGroupNamePattern: 'b' })));
    assert.equal(err.name, 'InvalidParameterException');
    await client.send(new DeleteLogGroupCommand({ logGroupName: '/aws/lambda/sdk-test-2' }));
  });

  it('DescribeLogStreams: by name and by LastEventTime descending, with stream ARNs', async () => {
    const byName = await client.send(new DescribeLogStreamsCommand({ logGroupName: GROUP }));
    assert.deepEqual(byName.logStreams?.map((s) => s.logStreamName), ['stream-a', 'stream-b']);
    assert.equal(byName.logStreams?.[0]?.arn, `${ARN}:log-stream:stream-a`);
    assert.equal(byName.logStreams?.[0]?.firstEventTimestamp, base);
    const byTime = await client.send(new DescribeLogStreamsCommand({ logGroupName: GROUP, orderBy: 'LastEventTime', descending: true, limit: 1 }));
    assert.equal(byTime.logStreams?.[0]?.logStreamName, 'stream-b');
    assert.ok(byTime.nextToken);
  });

  it('PutLogEvents: out-of-order batch rejected; too old / too new reported and skipped', async () => {
    await client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 'edge' }));
    const now = Date.now();
    const err = await rejection(client.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: 'edge', logEvents: [{ timestamp: now, message: 'b' }, { timestamp: now - 1, message: 'a' }] })));
    assert.deepEqual(err, { name: 'InvalidParameterException', message: 'Log events in a single PutLogEvents request must be in chronological order.', status: 400 });
    // Batches may span at most 24 h, so "too old" and "too new" need one batch each.
    const old = await client.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: 'edge', logEvents: [{ timestamp: now - 14 * 86_400_000 - 3_600_000, message: 'too old' }, { timestamp: now - 14 * 86_400_000 + 3_600_000, message: 'ok old' }] }));
    assert.deepEqual(old.rejectedLogEventsInfo, { tooOldLogEventEndIndex: 1 });
    const fresh = await client.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: 'edge', logEvents: [{ timestamp: now, message: 'ok new' }, { timestamp: now + 3 * 3_600_000, message: 'too new' }] }));
    assert.deepEqual(fresh.rejectedLogEventsInfo, { tooNewLogEventStartIndex: 1 });
    const spanErr = await rejection(client.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: 'edge', logEvents: [{ timestamp: now - 2 * 86_400_000, message: 'x' }, { timestamp: now, message: 'y' }] })));
    assert.equal(spanErr.name, 'InvalidParameterException');
    const tooBig = await rejection(client.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: 'edge', logEvents: [{ timestamp: now, message: 'x'.repeat(1_048_576) }] })));
    assert.deepEqual(tooBig, { name: 'InvalidParameterException', message: 'Upload too large: 1048602 bytes exceeds limit of 1048576', status: 400 });
    const stored = await client.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: 'edge', startFromHead: true }));
    assert.deepEqual(stored.events?.map((e) => e.message), ['ok old', 'ok new']);
  });

  it('FilterLogEvents: quoted-term pattern, limit pagination in timestamp order across streams', async () => {
    const messages: string[] = [];
    let pages = 0;
    let token: string | undefined;
    do {
      const out = await client.send(new FilterLogEventsCommand({ logGroupName: GROUP, logStreamNamePrefix: 'stream-', filterPattern: '"ddbsTest"', limit: 400, nextToken: token }));
      messages.push(...(out.events ?? []).map((e) => e.message!));
      token = out.nextToken;
      pages++;
    } while (token);
    assert.equal(messages.length, 1000);
    assert.equal(pages, 3);
    const ns = messages.map((m) => (JSON.parse(m) as { n: number }).n);
    assert.deepEqual(ns, [...ns].sort((a, b) => a - b), 'interleaved in timestamp order');
    assert.equal(ns[0], 0);
    assert.equal(ns[999], 2997);
  });

  it('FilterLogEvents: JSON pattern, inclusive time window, stream names, the SDK paginator', async () => {
    const json = await client.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: '{ $.marker = "ddbsTest" && $.n >= 2991 }' }));
    assert.deepEqual(json.events?.map((e) => JSON.parse(e.message!).n), [2991, 2994, 2997]);
    const window = await client.send(new FilterLogEventsCommand({ logGroupName: GROUP, startTime: base + 10, endTime: base + 12 }));
    assert.deepEqual(window.events?.map((e) => [e.logStreamName, e.timestamp! - base]), [['stream-a', 10], ['stream-b', 11], ['stream-a', 12]]);
    const onlyB = await client.send(new FilterLogEventsCommand({ logGroupName: GROUP, logStreamNames: ['stream-b'], filterPattern: 'INFO -"line 1"', limit: 3 }));
    // The quoted exclusion is a substring: "line 1" also removes lines 11, 13, 17 and 19.
    assert.deepEqual(onlyB.events?.map((e) => e.message), ['plain line 5 INFO', 'plain line 7 INFO', 'plain line 23 INFO']);
    let total = 0;
    for await (const page of paginateFilterLogEvents({ client, pageSize: 2500 }, { logGroupName: GROUP, logStreamNamePrefix: 'stream-' })) total += page.events?.length ?? 0;
    assert.equal(total, 3000);
    const tooMany = await rejection(client.send(new FilterLogEventsCommand({ logGroupName: GROUP, limit: 10_001 })));
    assert.deepEqual(tooMany, { name: 'InvalidParameterException', message: "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000", status: 400 });
  });

  it('GetLogEvents: forward from the head and backward from the tail, tokens repeat at the end', async () => {
    const first = await client.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: 'stream-a', startFromHead: true, limit: 1000 }));
    assert.equal(first.events?.length, 1000);
    assert.equal(first.events?.[0]?.timestamp, base);
    assert.match(first.nextForwardToken!, /^f\/\d{56}$/);
    const second = await client.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: 'stream-a', startFromHead: true, limit: 1000, nextToken: first.nextForwardToken }));
    assert.equal(second.events?.length, 500);
    assert.equal(second.events?.[499]?.timestamp, base + 2998);
    const end = await client.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: 'stream-a', startFromHead: true, nextToken: second.nextForwardToken }));
    assert.equal(end.events?.length, 0);
    assert.equal(end.nextForwardToken, second.nextForwardToken);

    const latest = await client.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: 'stream-a', limit: 10 }));
    assert.deepEqual(latest.events?.map((e) => e.timestamp! - base), [2980, 2982, 2984, 2986, 2988, 2990, 2992, 2994, 2996, 2998]);
    const older = await client.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: 'stream-a', limit: 10, nextToken: latest.nextBackwardToken }));
    assert.equal(older.events?.[9]?.timestamp, base + 2978);
    assert.equal(older.events?.[0]?.timestamp, base + 2960);
  });

  it('Insights: fields @message | filter @message like "…" | stats count(*), verbatim', async () => {
    const { queryId } = await client.send(new StartQueryCommand({
      logGroupName: GROUP,
      startTime: Math.floor(base / 1000) - 60,
      endTime: Math.floor(Date.now() / 1000) + 60,
      queryString: 'fields @message | filter @message like "ddbsTest" | stats count(*)',
    }));
    const out = await waitForQuery(client, queryId!);
    assert.equal(out.status, 'Complete');
    assert.deepEqual(rowsOf(out), [{ 'count(*)': '1000' }]);
    assert.equal(out.statistics?.recordsMatched, 1000);
    const described = await client.send(new DescribeQueriesCommand({ logGroupName: GROUP }));
    assert.ok(described.queries?.some((q) => q.queryId === queryId && q.status === 'Complete'));
    const stop = await rejection(client.send(new StopQueryCommand({ queryId })));
    assert.equal(stop.name, 'InvalidParameterException');
  });

  it('Insights: stats count(*) by bin(1m) and a JSON-field aggregate', async () => {
    const startTime = Math.floor(base / 1000) - 60;
    const endTime = Math.floor(Date.now() / 1000) + 60;
    const binned = await client.send(new StartQueryCommand({ logGroupName: GROUP, startTime, endTime, queryString: 'filter @logStream like "stream-" | stats count(*) by bin(1m)' }));
    const rows = rowsOf(await waitForQuery(client, binned.queryId!));
    const total = rows.reduce((sum, r) => sum + Number(r['count(*)']), 0);
    assert.equal(total, 3000);
    for (const r of rows) assert.match(r['bin(1m)']!, /^\d{4}-\d\d-\d\d \d\d:\d\d:00\.000$/);
    const agg = await client.send(new StartQueryCommand({ logGroupNames: [GROUP], startTime, endTime, queryString: 'filter marker = "ddbsTest" | stats max(n) as top, count_distinct(@logStream) as streams' }));
    assert.deepEqual(rowsOf(await waitForQuery(client, agg.queryId!)), [{ top: '2997', streams: '2' }]);
  });

  it('Insights errors: MalformedQueryException with a location; missing group', async () => {
    const bad = await client.send(new StartQueryCommand({ logGroupName: GROUP, startTime: 0, endTime: 1, queryString: 'fields @message | stats count(*) by' })).catch((e: unknown) => e as Error & { queryCompileError?: { location?: { startCharOffset?: number } } });
    assert.ok(bad instanceof Error);
    assert.equal(bad.name, 'MalformedQueryException');
    assert.equal(bad.queryCompileError?.location?.startCharOffset, 35);
    const missing = await rejection(client.send(new StartQueryCommand({ logGroupName: '/nope', startTime: 0, endTime: 1, queryString: 'stats count(*)' })));
    assert.deepEqual(missing, { name: 'ResourceNotFoundException', message: "Log group '/nope' does not exist for account ID '000000000000'", status: 400 });
  });

  it('retention and tags (resource ARN and the older log-group forms)', async () => {
    await client.send(new PutRetentionPolicyCommand({ logGroupName: GROUP, retentionInDays: 7 }));
    let g = (await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: GROUP }))).logGroups?.[0];
    assert.equal(g?.retentionInDays, 7);
    assert.equal((await rejection(client.send(new PutRetentionPolicyCommand({ logGroupName: GROUP, retentionInDays: 4 })))).name, 'InvalidParameterException');
    await client.send(new DeleteRetentionPolicyCommand({ logGroupName: GROUP }));
    g = (await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: GROUP }))).logGroups?.[0];
    assert.equal(g?.retentionInDays, undefined);

    await client.send(new TagResourceCommand({ resourceArn: ARN, tags: { env: 'local' } }));
    await client.send(new TagLogGroupCommand({ logGroupName: GROUP, tags: { owner: 'me' } }));
    assert.deepEqual((await client.send(new ListTagsForResourceCommand({ resourceArn: ARN }))).tags, { team: 'ddbs', env: 'local', owner: 'me' });
    await client.send(new UntagResourceCommand({ resourceArn: `${ARN}:*`, tagKeys: ['team'] }));
    assert.deepEqual((await client.send(new ListTagsLogGroupCommand({ logGroupName: GROUP }))).tags, { env: 'local', owner: 'me' });
    assert.equal((await rejection(client.send(new ListTagsForResourceCommand({ resourceArn: `${ARN}-missing` })))).name, 'ResourceNotFoundException');
  });
});
