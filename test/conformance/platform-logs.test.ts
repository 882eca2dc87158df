// Conformance: the START / END / REPORT lines and the Node.js application line format in a function's
// log group, as aws-semantics §6.4 documents them from AWS's docs and real logs: tab-separated REPORT
// fields, Duration with 2 decimals, integer Billed Duration, Init Duration only on the cold start, the
// timeout REPORT ending in `Status: timeout`, and the log stream name format.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CloudWatchLogsClient, DescribeLogStreamsCommand, FilterLogEventsCommand, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { CreateFunctionCommand, InvokeCommand, LambdaClient, waitUntilFunctionActiveV2 } from '@aws-sdk/client-lambda';
import type { LocalStack } from '../../src/local/index.ts';
import { zipFiles } from '../fixtures/handlers/package.ts';
import { sdkConfig, startTestStack } from '../helpers/stack.ts';

const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const START = new RegExp(`^START RequestId: (${UUID}) Version: \\$LATEST\\s*$`);
const END = new RegExp(`^END RequestId: (${UUID})\\s*$`);
/** Trailing tab (and newline) vary by era (§6.4): tolerated, nothing else is. */
const REPORT = new RegExp(
  `^REPORT RequestId: (${UUID})\\tDuration: (\\d+\\.\\d{2}) ms\\tBilled Duration: (\\d+) ms\\tMemory Size: (\\d+) MB\\tMax Memory Used: (\\d+) MB` +
    `(?:\\tInit Duration: (\\d+\\.\\d{2}) ms)?(?:\\tStatus: (timeout|error)(?:\\tError Type: [^\\t]+)?)?\\t?\\n?$`,
);
/** Node.js console.log in text format: `<ISO-8601 UTC with ms>\t<requestId>\tINFO\t<message>`. */
const APP_LINE = new RegExp(`^(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z)\\t(${UUID})\\tINFO\\t(.*)\\n?$`, 's');
const STREAM_NAME = /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/;

let stack: LocalStack;
let lambda: LambdaClient;
let logs: CloudWatchLogsClient;

interface Report {
  requestId: string;
  duration: number;
  billed: number;
  memory: number;
  maxUsed: number;
  init: number | undefined;
  status: string | undefined;
}

function parseReport(message: string): Report {
  const m = REPORT.exec(message);
  assert.ok(m, `REPORT line format: ${JSON.stringify(message)}`);
  return { requestId: m[1]!, duration: Number(m[2]), billed: Number(m[3]), memory: Number(m[4]), maxUsed: Number(m[5]), init: m[6] === undefined ? undefined : Number(m[6]), status: m[7] };
}

/** Log events of the group, oldest first, once `done` accepts them (polls with backoff to a deadline). */
async function eventsOf(group: string, done: (events: FilteredLogEvent[]) => boolean): Promise<FilteredLogEvent[]> {
  const deadline = Date.now() + 20_000;
  let delay = 50;
  for (;;) {
    const out = await logs.send(new FilterLogEventsCommand({ logGroupName: group })).catch((err: Error) => {
      if (err.name === 'ResourceNotFoundException') return { events: [] };
      throw err;
    });
    const events = out.events ?? [];
    if (done(events)) return events;
    if (Date.now() > deadline) assert.fail(`log group ${group} never got the expected lines: ${JSON.stringify(events.map((e) => e.message))}`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 400);
  }
}

const reportsIn = (events: FilteredLogEvent[]) => events.filter((e) => e.message!.startsWith('REPORT '));

async function createActive(name: string, code: string, timeout?: number): Promise<void> {
  await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Timeout: timeout, Code: { ZipFile: zipFiles({ 'index.js': code }) } }));
  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: name });
}

before(async () => {
  stack = await startTestStack();
  lambda = new LambdaClient(sdkConfig(stack));
  logs = new CloudWatchLogsClient(sdkConfig(stack));
});

after(async () => {
  lambda?.destroy();
  logs?.destroy();
  await stack?.close();
});

describe('platform log lines (aws-semantics §6.4)', () => {
  it('cold then warm invocation: START, app line, END, REPORT per request; Init Duration only on the cold start', async () => {
    await createActive('conf-logs-fn', `exports.handler = async (e) => { console.log('hello', e.n); return e.n; };`);
    const requestIds: string[] = [];
    for (const n of [1, 2]) {
      const out = await lambda.send(new InvokeCommand({ FunctionName: 'conf-logs-fn', Payload: Buffer.from(JSON.stringify({ n })) }));
      assert.equal(out.FunctionError, undefined);
      requestIds.push(out.$metadata.requestId!);
    }
    const events = await eventsOf('/aws/lambda/conf-logs-fn', (es) => reportsIn(es).length === 2);

    for (const [i, requestId] of requestIds.entries()) {
      const mine = events.filter((e) => e.message!.includes(requestId));
      const kinds = mine.map((e) => (START.test(e.message!) ? 'START' : END.test(e.message!) ? 'END' : e.message!.startsWith('REPORT ') ? 'REPORT' : APP_LINE.test(e.message!) ? 'APP' : `other: ${e.message}`));
      assert.deepEqual(kinds, ['START', 'APP', 'END', 'REPORT'], `lines of request ${i + 1}, in order`);
      assert.equal(START.exec(mine[0]!.message!)![1], requestId);
      const app = APP_LINE.exec(mine[1]!.message!)!;
      assert.equal(app[2], requestId);
      assert.equal(app[3], `hello ${i + 1}`);
      assert.ok(Math.abs(Date.parse(app[1]!) - mine[1]!.timestamp!) < 1000, 'the line\'s timestamp is the event\'s time');
      const report = parseReport(mine[3]!.message!);
      assert.equal(report.requestId, requestId);
      assert.equal(report.memory, 128);
      assert.ok(report.maxUsed >= 1 && report.maxUsed <= 128, `Max Memory Used ${report.maxUsed}`);
      assert.equal(report.status, undefined);
      if (i === 0) {
        assert.ok(report.init !== undefined && report.init > 0, 'Init Duration on the cold start');
        // INIT is billed since 2025: Billed Duration = ceil(Duration + Init Duration) (±1 for the 2-decimal display).
        assert.ok(Math.abs(report.billed - Math.ceil(report.duration + report.init)) <= 1, `billed ${report.billed} for ${report.duration} + ${report.init}`);
      } else {
        assert.equal(report.init, undefined, 'no Init Duration on a warm start');
        assert.ok(report.billed >= Math.ceil(report.duration) && report.billed <= Math.ceil(report.duration) + 1, `billed ${report.billed} for ${report.duration}`);
      }
    }

    const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/conf-logs-fn' }));
    assert.equal(streams.logStreams?.length, 1, 'both invocations ran in one (warm) environment');
    assert.match(streams.logStreams![0]!.logStreamName!, STREAM_NAME);
    assert.ok(events.every((e) => e.logStreamName === streams.logStreams![0]!.logStreamName));
  });

  it('a timed-out invocation ends with a REPORT carrying Status: timeout', async () => {
    await createActive('conf-logs-timeout', 'exports.handler = () => new Promise((r) => setTimeout(r, 5000));', 1);
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'conf-logs-timeout', Payload: Buffer.from('{}') }));
    assert.equal(out.FunctionError, 'Unhandled');
    const events = await eventsOf('/aws/lambda/conf-logs-timeout', (es) => reportsIn(es).length === 1);
    const report = parseReport(reportsIn(events)[0]!.message!);
    assert.equal(report.requestId, out.$metadata.requestId);
    assert.equal(report.status, 'timeout');
    assert.ok(report.duration >= 1000 && report.duration < 1500, `Duration about the 1 s timeout: ${report.duration}`);
    assert.ok(!events.some((e) => /Task timed out after/.test(e.message!)), 'no separate "Task timed out" line (no longer emitted by AWS)');
  });
});
