// Shared by the adversarial e2e tests: a sandbox with one stack per file, helpers that create a
// table, attach a consumer and seed it through the real CLI, and an independent reader (boto3) of
// the consumer's log group and the table's stream, so no expectation rests on ddbs-test's own output.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCliSandbox, type CliSandbox, type CliResult } from './cli.ts';
import { cliEnv } from './stack.ts';
import type { LocalStack } from '../../src/local/server.ts';
import { InitGate } from '../../src/local/lambda/runtime/init-gate.ts';

export interface AdversarySandbox {
  box: CliSandbox;
  /** Environment for boto3 / the AWS CLI against the sandbox's stack (fake credentials, SigV4). */
  env: NodeJS.ProcessEnv;
  /** Folder for handler code written by the tests. */
  dir: string;
  /**
   * Runs a setup command (create-table, attach, seed) when fewer than three others are running. Cases
   * run in parallel; started all at once, their CLI processes starve the consumers' cold starts on a
   * two-core machine until an init overruns Lambda's 10 s limit. Never nest: a slot holder must not wait for another.
   */
  setupSlot<T>(task: () => Promise<T>): Promise<T>;
}

/** At most `n` tasks at once, through the stack's own slot gate (the slot passes straight to the next task). */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  // Held no longer than the longest setup command may run (180 s).
  const gate = new InitGate(n, 240_000);
  return async (task) => {
    const leave = await gate.enter();
    try {
      return await task();
    } finally {
      leave();
    }
  };
}

export async function startAdversarySandbox(): Promise<AdversarySandbox> {
  const box = await createCliSandbox();
  const started = await box.run(['local', 'start'], { timeoutMs: 180_000 });
  if (started.code !== 0) throw new Error(`local start failed: ${started.stderr}`);
  const env = cliEnv({ url: `http://127.0.0.1:${box.port}` } as LocalStack);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-adv-code-'));
  return { box, env, dir, setupSlot: limiter(3) };
}

export async function stopAdversarySandbox(sb: AdversarySandbox | undefined): Promise<void> {
  if (!sb) return;
  await sb.box.cleanup();
  fs.rmSync(sb.dir, { recursive: true, force: true });
}

export function python(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile('python3', ['-c', script, ...args], { env, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr }));
  });
}

/** Writes handler code into its own folder and returns the folder. */
export function writeHandler(sb: AdversarySandbox, name: string, file: string, source: string): string {
  const folder = path.join(sb.dir, name);
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, file), source);
  return folder;
}

export interface Attached {
  table: string;
  logGroup: string;
  mappingUuid: string;
  functionName: string;
}

/** create-table + attach-consumer (with `attachArgs`) through the CLI. */
export async function createAndAttach(sb: AdversarySandbox, table: string, attachArgs: string[]): Promise<Attached> {
  const made = await sb.setupSlot(() => sb.box.run(['create-table', '--table', table]));
  if (made.code !== 0) throw new Error(`create-table ${table}: ${made.stderr}`);
  return attach(sb, table, attachArgs);
}

export async function attach(sb: AdversarySandbox, table: string, attachArgs: string[]): Promise<Attached> {
  const att = await sb.setupSlot(() => sb.box.run(['attach-consumer', '--table', table, ...attachArgs, '--json'], { timeoutMs: 180_000 }));
  if (att.code !== 0) throw new Error(`attach-consumer ${table}: ${att.stdout} ${att.stderr}`);
  const doc = JSON.parse(att.stdout) as { logGroup: string; mappingUuid: string; functionName: string };
  return { table, logGroup: doc.logGroup, mappingUuid: doc.mappingUuid, functionName: doc.functionName };
}

export async function seed(sb: AdversarySandbox, table: string, items: number): Promise<string> {
  const seeded = await sb.setupSlot(() => sb.box.run(['seed', '--table', table, '--items', String(items), '--json'], { timeoutMs: 180_000 }));
  if (seeded.code !== 0) throw new Error(`seed ${table}: ${seeded.stderr}`);
  return (JSON.parse(seeded.stdout) as { runId: string }).runId;
}

export interface CountCell {
  verdict: string;
  written: number;
  inStream: number | null;
  delivered: number;
  processed: number;
  duplicates: number;
  invocations: number;
  functionErrors: number;
  missingByHop: Record<string, number>;
  stoppedBecause?: string;
  notes: string[];
  why?: string;
}

export async function countJson(sb: AdversarySandbox, args: string[]): Promise<{ code: number; cell: CountCell; raw: CliResult }> {
  const raw = await sb.box.run(['count', ...args, '--json'], { timeoutMs: 240_000 });
  let cell: CountCell;
  try {
    cell = JSON.parse(raw.stdout) as CountCell;
  } catch {
    throw new Error(`count ${args.join(' ')} printed no JSON (exit ${raw.code}): ${raw.stdout} ${raw.stderr}`);
  }
  return { code: raw.code, cell, raw };
}

/**
 * The independent reference: boto3 reads the consumer's log group (START/REPORT platform lines,
 * marker lines, runtime error lines) and every shard of the table's stream from TRIM_HORIZON.
 */
const INDEPENDENT = `
import boto3, json, re, sys, collections
group, table = sys.argv[1], sys.argv[2]
out = {}
if group != '-':
    logs = boto3.client('logs')
    events = []
    try:
        for page in logs.get_paginator('filter_log_events').paginate(logGroupName=group):
            events += page['events']
        out['groupExists'] = True
    except logs.exceptions.ResourceNotFoundException:
        out['groupExists'] = False
    starts, reports, errors, failed = set(), set(), set(), set()
    batch, done = {}, collections.defaultdict(list)
    # What a failure message shows: how environments began and how invocations ended.
    out['platform'] = [e['message'].strip()[:160] for e in events if e['message'].startswith(('INIT_START', 'INIT_REPORT')) or (e['message'].startswith('REPORT') and 'Status' in e['message'])][:30]
    for e in events:
        m = e['message']
        r = re.search(r'START RequestId: (\\S+)', m)
        if r: starts.add(r.group(1)); continue
        r = re.search(r'REPORT RequestId: (\\S+)', m)
        if r:
            reports.add(r.group(1))
            if re.search(r'Status: (?!success)', m): failed.add(r.group(1))
            continue
        r = re.search(r'RequestId: (\\S+) Error: ', m)
        if r: errors.add(r.group(1)); failed.add(r.group(1)); continue
        i = m.find('{"ddbsTest":"v1"')
        while i >= 0:
            try: o = json.JSONDecoder().raw_decode(m[i:])[0]
            except ValueError: o = {}
            i = m.find('{"ddbsTest":"v1"', i + 1)
            if 'rid' not in o: continue
            if o.get('kind') == 'batch': batch.setdefault(o['rid'], []).append(o)
            elif o.get('kind') == 'done': done[o['rid']].append(o)
    real = [rid for rid in batch if rid in starts]
    records = collections.Counter(); hashes = collections.Counter()
    for rid in real:
        for p in batch[rid]:
            for run, seqs in p['s'].items():
                for q in seqs: records[run + '#' + str(q)] += 1
            for h in p['h']: hashes[h] += 1
    out.update({'starts': len(starts), 'reports': len(reports), 'runtimeErrors': len(errors),
                'ridsWithoutStart': len([r for r in batch if r not in starts]),
                'failedWithoutBatch': len([r for r in failed if r not in batch and (r in starts or r in reports)]),
                'invocations': len(real), 'seededRecordsDelivered': len(records), 'hashedRecordsDelivered': len(hashes),
                'doneOk': len([r for r in real if any(d.get('ok') for d in done[r])])})
if table != '-':
    ddb = boto3.client('dynamodb'); streams = boto3.client('dynamodbstreams')
    try:
        arn = ddb.describe_table(TableName=table)['Table'].get('LatestStreamArn')
    except ddb.exceptions.ResourceNotFoundException:
        arn = None
        out['tableExists'] = False
    if arn:
        desc = streams.describe_stream(StreamArn=arn)['StreamDescription']
        names = collections.Counter(); n = 0
        for sh in desc['Shards']:
            it = streams.get_shard_iterator(StreamArn=arn, ShardId=sh['ShardId'], ShardIteratorType='TRIM_HORIZON')['ShardIterator']
            empty = 0
            while it and empty < 2:
                res = streams.get_records(ShardIterator=it, Limit=1000)
                for rec in res['Records']: names[rec['eventName']] += 1; n += 1
                empty = empty + 1 if not res['Records'] else 0
                it = res.get('NextShardIterator')
        out.update({'shards': len(desc['Shards']), 'streamRecords': n, 'eventNames': dict(names)})
print(json.dumps(out))
`;

export interface IndependentRead {
  groupExists?: boolean;
  starts?: number;
  reports?: number;
  runtimeErrors?: number;
  ridsWithoutStart?: number;
  /** Invocations the platform ended in error (REPORT status, runtime error line) that logged no batch line. */
  failedWithoutBatch?: number;
  /** Invocations with a consumer batch line whose request id has a platform START line. */
  invocations?: number;
  seededRecordsDelivered?: number;
  /** Distinct whole-key hashes delivered (records of tables written by other tools). */
  hashedRecordsDelivered?: number;
  doneOk?: number;
  tableExists?: boolean;
  shards?: number;
  streamRecords?: number;
  eventNames?: Record<string, number>;
  /** The log group's INIT_START, INIT_REPORT and failed-REPORT lines (at most 30), for failure messages. */
  platform?: string[];
}

/** A failure message's context: count's verdict and why it stopped, and what the independent read saw. */
export function explain(ind: IndependentRead, cell?: CountCell): string {
  const counted = cell ? `count: ${cell.verdict} (stopped: ${cell.stoppedBecause ?? '?'}) ${cell.why ?? ''}\n` : '';
  const { platform, ...facts } = ind;
  return `${counted}independent: ${JSON.stringify(facts)}\n${(platform ?? []).join('\n')}`;
}

export async function readIndependently(sb: AdversarySandbox, logGroup: string | undefined, table: string | undefined): Promise<IndependentRead> {
  const res = await python(INDEPENDENT, [logGroup ?? '-', table ?? '-'], sb.env);
  if (res.code !== 0) throw new Error(`independent read failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as IndependentRead;
}

/** Runs a short boto3 snippet with `args` as sys.argv[1:]. */
export async function boto3(sb: AdversarySandbox, script: string, ...args: string[]): Promise<string> {
  const res = await python(`import boto3, sys, json\n${script}`, args, sb.env);
  if (res.code !== 0) throw new Error(`boto3 snippet failed: ${res.stderr}`);
  return res.stdout;
}
