// CloudWatch Logs through the AWS CLI (v1) and boto3, unmodified, pointed at a real local stack.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cliEnv, startTestStack } from '../helpers/stack.ts';
import type { LocalStack } from '../../src/local/index.ts';

const run = promisify(execFile);

/** One boto3 session doing the whole round trip; prints one JSON document of observations. */
const BOTO3_SCRIPT = String.raw`
import json, sys, time
import boto3
from botocore.exceptions import ClientError

logs = boto3.client("logs")
group, out = "/aws/lambda/boto3-test", {}
logs.create_log_group(logGroupName=group, tags={"via": "boto3"})
try:
    logs.create_log_group(logGroupName=group)
except ClientError as e:
    out["duplicate"] = [e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
try:
    logs.describe_log_streams(logGroupName="/missing")
except logs.exceptions.ResourceNotFoundException as e:
    out["missing"] = [e.response["Error"]["Code"], e.response["Error"]["Message"]]
logs.create_log_stream(logGroupName=group, logStreamName="s1")
base = int(time.time() * 1000) - 600000
events = [{"timestamp": base + i, "message": ("ddbsTest item %d" % i) if i % 2 == 0 else ("other %d" % i)} for i in range(50)]
logs.put_log_events(logGroupName=group, logStreamName="s1", logEvents=events)

pages, found = 0, []
for page in logs.get_paginator("filter_log_events").paginate(logGroupName=group, filterPattern='"ddbsTest"', PaginationConfig={"PageSize": 10}):
    pages += 1
    found += [e["message"] for e in page["events"]]
out["filter"] = {"pages": pages, "count": len(found), "first": found[0], "last": found[-1]}

fwd = logs.get_log_events(logGroupName=group, logStreamName="s1", startFromHead=True, limit=20)
fwd2 = logs.get_log_events(logGroupName=group, logStreamName="s1", startFromHead=True, limit=20, nextToken=fwd["nextForwardToken"])
back = logs.get_log_events(logGroupName=group, logStreamName="s1", limit=5)
back2 = logs.get_log_events(logGroupName=group, logStreamName="s1", limit=5, nextToken=back["nextBackwardToken"])
out["get"] = {"fwd": [fwd["events"][0]["message"], fwd2["events"][0]["message"]], "back": [back["events"][-1]["message"], back2["events"][-1]["message"]]}

def query(q):
    qid = logs.start_query(logGroupName=group, startTime=base // 1000 - 60, endTime=int(time.time()) + 60, queryString=q)["queryId"]
    for _ in range(20):
        r = logs.get_query_results(queryId=qid)
        if r["status"] not in ("Running", "Scheduled"):
            return [{f["field"]: f["value"] for f in row if f["field"] != "@ptr"} for row in r["results"]], r["status"]
    raise SystemExit("query did not finish")
out["count"] = query('fields @message | filter @message like "ddbsTest" | stats count(*)')
out["bins"] = query("stats count(*) by bin(1m)")
try:
    logs.start_query(logGroupName=group, startTime=0, endTime=1, queryString="stats count(*) by")
except ClientError as e:
    out["malformed"] = e.response["Error"]["Code"]
print(json.dumps(out))
`;

describe('CloudWatch Logs via the AWS CLI and boto3', () => {
  let stack: LocalStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(async () => {
    await stack?.close();
  });

  it('boto3: errors, paginated filter, get events both ways, Insights count and bin(1m)', async () => {
    const { stdout } = await run('python3', ['-c', BOTO3_SCRIPT], { env: cliEnv(stack) });
    const out = JSON.parse(stdout);
    assert.deepEqual(out.duplicate, ['ResourceAlreadyExistsException', 'The specified log group already exists', 400]);
    assert.deepEqual(out.missing, ['ResourceNotFoundException', 'The specified log group does not exist.']);
    assert.deepEqual(out.filter, { pages: 3, count: 25, first: 'ddbsTest item 0', last: 'ddbsTest item 48' });
    assert.deepEqual(out.get, { fwd: ['ddbsTest item 0', 'ddbsTest item 20'], back: ['other 49', 'ddbsTest item 44'] });
    assert.deepEqual(out.count, [[{ 'count(*)': '25' }], 'Complete']);
    const [bins, status] = out.bins as [Array<Record<string, string>>, string];
    assert.equal(status, 'Complete');
    assert.equal(bins.reduce((n, b) => n + Number(b['count(*)']), 0), 50);
    for (const b of bins) assert.match(b['bin(1m)']!, /^\d{4}-\d\d-\d\d \d\d:\d\d:00\.000$/);
    assert.equal(out.malformed, 'MalformedQueryException');
  });

  it('AWS CLI: create, put, auto-paginated filter-log-events, get-log-events, duplicate-group error', async () => {
    const env = cliEnv(stack);
    const aws = async (...args: string[]) => JSON.parse((await run('aws', ['logs', ...args, '--output', 'json'], { env })).stdout || '{}');
    await aws('create-log-group', '--log-group-name', 'cli-group');
    await aws('create-log-stream', '--log-group-name', 'cli-group', '--log-stream-name', 'cli-stream');
    const base = Date.now() - 60_000;
    const events = Array.from({ length: 30 }, (_, i) => ({ timestamp: base + i, message: i % 3 === 0 ? `{"level":"ERROR","n":${i}}` : `{"level":"INFO","n":${i}}` }));
    await aws('put-log-events', '--log-group-name', 'cli-group', '--log-stream-name', 'cli-stream', '--log-events', JSON.stringify(events));
    // --page-size 4 makes the CLI follow nextToken itself and merge the pages.
    const filtered = await aws('filter-log-events', '--log-group-name', 'cli-group', '--filter-pattern', '{ $.level = "ERROR" }', '--page-size', '4');
    assert.deepEqual(filtered.events.map((e: { message: string }) => JSON.parse(e.message).n), [0, 3, 6, 9, 12, 15, 18, 21, 24, 27]);
    const got = await aws('get-log-events', '--log-group-name', 'cli-group', '--log-stream-name', 'cli-stream', '--start-from-head', '--limit', '3');
    assert.deepEqual(got.events.map((e: { timestamp: number }) => e.timestamp - base), [0, 1, 2]);
    const dup = await run('aws', ['logs', 'create-log-group', '--log-group-name', 'cli-group'], { env }).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    assert.ok(dup, 'duplicate create must fail');
    assert.equal(dup.code, 255);
    assert.match(dup.stderr, /ResourceAlreadyExistsException.*The specified log group already exists/);
  });
});
