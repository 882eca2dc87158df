// Which log streams lost their beginning: the rule that keeps a deleted stream from looking like
// records lost by Streams, and keeps an environment that began before the window from looking like
// a deleted stream.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchLogsClient, DescribeLogStreamsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { findLogGaps, StreamHeads } from '../../src/aws/log-gaps.ts';
import type { LogsApi } from '../../src/aws/clients.ts';

const START = 1_000_000;
const GROUP = '/aws/lambda/fn';

function logsWith(firstEvents: Record<string, number>): { api: LogsApi; calls: () => number } {
  const mock = mockClient(CloudWatchLogsClient);
  mock.on(DescribeLogStreamsCommand).callsFake((input: { logStreamNamePrefix: string }) => ({
    logStreams: Object.entries(firstEvents)
      .filter(([name]) => name.startsWith(input.logStreamNamePrefix))
      .map(([logStreamName, firstEventTimestamp]) => ({ logStreamName, firstEventTimestamp })),
  }));
  return { api: new CloudWatchLogsClient({ region: 'us-east-1' }) as unknown as LogsApi, calls: () => mock.commandCalls(DescribeLogStreamsCommand).length };
}

describe('log streams that lost their beginning', () => {
  it('a stream that opens with INIT_START (or its JSON or snapshot forms) is whole, and costs no call', async () => {
    const heads = new StreamHeads();
    heads.note('a', START + 10, 'INIT_START Runtime Version: nodejs:20.v1');
    heads.note('a', START + 20, 'START RequestId: 1 Version: $LATEST');
    heads.note('b', START + 10, '{"type":"platform.initStart","record":{}}');
    heads.note('c', START + 15, 'RESTORE_START Runtime Version: python:3.12');
    const { api, calls } = logsWith({});
    assert.equal(await findLogGaps(api, GROUP, START, heads), undefined);
    assert.equal(calls(), 0);
  });

  it('the earliest event decides, whatever order the pages come in; same millisecond: INIT_START first', async () => {
    const heads = new StreamHeads();
    heads.note('a', START + 20, 'START RequestId: 1 Version: $LATEST');
    heads.note('a', START + 10, 'INIT_START Runtime Version: nodejs:20.v1');
    heads.note('b', START + 30, 'START RequestId: 2 Version: $LATEST');
    heads.note('b', START + 30, 'INIT_START Runtime Version: nodejs:20.v1');
    assert.deepEqual(heads.suspects(), []);
  });

  it('a stream beginning with START inside the window lost its beginning: named, with the group', async () => {
    const heads = new StreamHeads();
    heads.note('2026/12/02/[$LATEST]abc', START + 500, 'START RequestId: 9 Version: $LATEST');
    const { api } = logsWith({ '2026/12/02/[$LATEST]abc': START + 500, '2026/12/02/[$LATEST]abcdef': START - 5 });
    const gap = await findLogGaps(api, GROUP, START, heads);
    assert.match(gap ?? '', /^1 log stream\(s\) of \/aws\/lambda\/fn lost their beginning during the run .*\[\$LATEST\]abc;/);
  });

  it('an environment that began before the window (its INIT_START is earlier than the read) is not a gap', async () => {
    const heads = new StreamHeads();
    heads.note('warm', START + 100, 'START RequestId: 3 Version: $LATEST');
    const { api } = logsWith({ warm: START - 60_000 });
    assert.equal(await findLogGaps(api, GROUP, START, heads), undefined);
  });

  it('a stream that no longer exists at all counts as lost', async () => {
    const heads = new StreamHeads();
    heads.note('gone', START + 100, 'START RequestId: 4 Version: $LATEST');
    const { api } = logsWith({});
    assert.match((await findLogGaps(api, GROUP, START, heads)) ?? '', /1 log stream\(s\)/);
  });
});
