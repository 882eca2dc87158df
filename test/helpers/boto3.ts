// Independent readers and writers for e2e checks: plain boto3 in a python3 child process pointed at
// a sandbox's local stack (test credentials, 127.0.0.1 only). ddbs-test's numbers are compared with
// what these read from the same log group or stream.
import { execFile } from 'node:child_process';
import { cliEnv } from './stack.ts';
import type { LocalStack } from '../../src/local/server.ts';

export interface PyResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** boto3's environment for a sandbox stack on `port`. */
export function boto3Env(port: number): NodeJS.ProcessEnv {
  return cliEnv({ url: `http://127.0.0.1:${port}` } as LocalStack);
}

export function python(script: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<PyResult> {
  return new Promise((resolve) => {
    execFile('python3', ['-c', script, ...args], { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr }));
  });
}

/** Runs a script that prints one JSON document; fails with its stderr otherwise. */
export async function pythonJson<T>(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<T> {
  const out = await python(script, args, env);
  if (out.code !== 0) throw new Error(`python3 failed: ${out.stderr}`);
  return JSON.parse(out.stdout) as T;
}

/**
 * Every consumer batch line in a log group (the marker found wherever it starts in an event):
 * {records: deliveries summed over lines, keys: distinct seeded identities "<run>#<seq>" and hashes}.
 */
export const READ_CONSUMER_LOGS = `
import boto3, json, sys
logs = boto3.client('logs')
n = 0
ids = set()
for page in logs.get_paginator('filter_log_events').paginate(logGroupName=sys.argv[1]):
    for e in page['events']:
        m = e['message']
        i = m.find('{"ddbsTest":"v1","kind":"batch"')
        if i < 0:
            continue
        line = json.loads(m[i:])
        for run, seqs in line['s'].items():
            n += len(seqs)
            ids.update(f'{run}#{s}' for s in seqs)
        n += len(line['h'])
        ids.update(line['h'])
print(json.dumps({'records': n, 'distinct': len(ids)}))
`;

/**
 * The table's whole stream read with boto3, every shard (open and closed) from TRIM_HORIZON:
 * {byEvent: {INSERT, MODIFY, REMOVE}, shards, records: [[eventName, keys-json, newImage-json|null]]}.
 */
export const READ_STREAM = `
import boto3, json, sys
ddb = boto3.client('dynamodb')
streams = boto3.client('dynamodbstreams')
arn = ddb.describe_table(TableName=sys.argv[1])['Table']['LatestStreamArn']
shards, start = [], None
while True:
    kw = {'StreamArn': arn}
    if start:
        kw['ExclusiveStartShardId'] = start
    d = streams.describe_stream(**kw)['StreamDescription']
    shards += d['Shards']
    start = d.get('LastEvaluatedShardId')
    if not start:
        break
by = {'INSERT': 0, 'MODIFY': 0, 'REMOVE': 0}
records = []
for s in shards:
    it = streams.get_shard_iterator(StreamArn=arn, ShardId=s['ShardId'], ShardIteratorType='TRIM_HORIZON')['ShardIterator']
    empty = 0
    while it and empty < 3:
        page = streams.get_records(ShardIterator=it, Limit=1000)
        rs = page['Records']
        empty = 0 if rs else empty + 1
        for r in rs:
            by[r['eventName']] += 1
            records.append([r['eventName'], json.dumps(r['dynamodb']['Keys'], sort_keys=True), json.dumps(r['dynamodb'].get('NewImage'), sort_keys=True) if 'NewImage' in r['dynamodb'] else None])
        it = page.get('NextShardIterator')
print(json.dumps({'byEvent': by, 'shards': len(shards), 'records': records}))
`;

export interface StreamRead {
  byEvent: { INSERT: number; MODIFY: number; REMOVE: number };
  shards: number;
  records: Array<[string, string, string | null]>;
}
