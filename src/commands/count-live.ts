// The live part of `count`: reads the evidence that exists right now — the consumer's log lines,
// the table's stream, the mapping — and judges it. Polls until the verdict is settled with --wait.
import { ConsumerLogReader, InsightsLogReader, countPatternLines, countPatternLinesWithInsights, type LineSource } from '../aws/logs-reader.ts';
import { describeTable, type TableInfo } from '../aws/table.ts';
import { scanItems } from '../aws/scan.ts';
import { findLogGaps } from '../aws/log-gaps.ts';
import { createStreamReader, listStreamShards, type StreamReader } from '../aws/stream-reader.ts';
import { readMappingView, type MappingFacts } from '../aws/mapping-view.ts';
import { pause as sleep } from '../core/timing.ts';
import type { ProgressEvent } from '../core/io.ts';
import type { Target } from '../aws/target.ts';
import type { Clients } from '../aws/clients.ts';
import { reconcile, type Reconciliation, type WriteRequestTiming } from '../core/reconcile.ts';
import { placeRecords, HOPS, type HopReport } from '../core/hops.ts';
import { decideVerdict, type VerdictDecision } from '../core/verdict.ts';
import { StreamFacts, droppedByFilter, filterView, foreignStreamView, seededKeyOf, seededStreamView, type FilterView, type RunStreamView } from '../core/stream-view.ts';
import { keysOfItem, identityOfItem, type WireKeys } from '../core/identity.ts';
import type { AttachmentRecord } from '../core/state.ts';
import { errorName } from '../aws/errors.ts';
import { invocationIntervals, maxOverlap, type InvocationInterval } from '../core/invocations.ts';
import { recordVersion } from '../consumer/ddbs_identity.mjs';

/** While new lines keep arriving, the stream is not read; it is read once they pause this long. */
const STREAM_QUIET_MS = 1000;
/** The fastest poll once the log has been quiet for STREAM_QUIET_MS. */
const QUIET_POLL_MS = 500;

/**
 * How long after a log line is written count trusts that the lines before it are readable too.
 * Local: the stack hands events to its log store within 200 ms, 2 s is ample. AWS: CloudWatch Logs
 * usually makes events searchable within seconds but gives no bound; 10 s covers the usual
 * ingestion delay while keeping `count --wait` short.
 */
export function ingestionGraceMs(target: Target): number {
  return target.kind === 'local' ? 2_000 : 10_000;
}

export interface LiveRun {
  label: string;
  table: string;
  logGroup: string;
  /** `updates` K: each item written K+1 times; `records`: how many of those writes were acknowledged. */
  seeded?: { runId: string; items: number; updates?: number; records?: number; writes?: WriteRequestTiming[]; lastAckAt: number | null };
  startTime: number;
  att: AttachmentRecord | undefined;
}

export interface LiveOptions {
  wait: boolean;
  idleS: number;
  timeoutS: number;
  pollMs: number;
  pattern?: string;
  insights?: boolean;
  signal?: AbortSignal;
  now(): number;
  onProgress?(event: ProgressEvent): void;
  /** false = judge from the log lines alone, as if the stream could not be read (measures what the stream read costs). */
  streamRead?: boolean;
}

export type StopReason = 'complete' | 'drained' | 'evidence-gone' | 'idle' | 'timeout' | 'single-pass';

export interface LiveCount {
  r: Reconciliation;
  hops: HopReport;
  decision: VerdictDecision;
  mapping: MappingFacts;
  stoppedBecause: StopReason;
  shards: number | null;
  eventNames: { INSERT: number; MODIFY: number; REMOVE: number } | null;
  /** The most invocations of the function at once (START to REPORT); null when none ran. */
  maxConcurrency: number | null;
  /** Each invocation's span from its START to its REPORT line (what the concurrency chart draws). */
  intervals: InvocationInterval[];
  streamNote?: string;
}

interface Evidence {
  logs: LineSource;
  stream?: StreamReader;
  facts: StreamFacts;
  /** The mapping's filter criteria, judged on each record while the read holds it whole. */
  filter?: FilterView;
  streamProblem?: string;
  streamReadAt: number;
  /**
   * Evidence other than the logs that is gone: a table written by another tool that no longer exists
   * has no items to scan, so "nothing was written" would be a guess.
   */
  goneProblem?: string;
  /** Log streams that lost their beginning during the run: deliveries logged there are gone. */
  logGaps?: string;
  /** Lists the stream's shards without reading records (for the shard count when the read is skipped). */
  listShards?(): Promise<number | undefined>;
}

/** The shard count, or undefined when the stream could not be described (never fails the count). */
async function countShards(ev: Evidence): Promise<number | undefined> {
  try {
    return await ev.listShards?.();
  } catch {
    return undefined;
  }
}

async function pollStream(ev: Evidence, now: () => number): Promise<void> {
  if (!ev.stream || ev.streamProblem) return;
  try {
    const filter = ev.filter;
    // The version attribute places a seeded record among its key's writes (seed --updates).
    const res = await ev.stream.poll((f, raw) => ev.facts.add({ ...f, version: recordVersion(raw.dynamodb as Parameters<typeof recordVersion>[0]), ...(filter ? { filtered: droppedByFilter(filter, raw) } : {}) }));
    // A read that could not finish is partial evidence, like trimmed records: never "not in stream".
    ev.facts.setShards(res.shards, res.trimmed || res.incomplete !== undefined);
    ev.streamReadAt = now();
  } catch (err) {
    ev.streamProblem = `the stream could not be read (${errorName(err) ?? 'error'}: ${(err as Error).message})`;
  }
}

function judge(run: LiveRun, ev: Evidence, table: TableInfo | undefined, scanned: Array<{ id: string; keys: WireKeys }>, mapping: MappingFacts, filter: FilterView | undefined, grace: number, now: number, timeoutMs: number, useStream = true): { r: Reconciliation; hops: HopReport; decision: VerdictDecision } {
  const streamRead = useStream && ev.stream && !ev.streamProblem;
  let view: RunStreamView | undefined;
  const seededExpected = run.seeded ? { kind: 'seeded' as const, runId: run.seeded.runId, items: run.seeded.items, ...(run.seeded.updates ? { updates: run.seeded.updates } : {}), ...(run.seeded.records !== undefined ? { records: run.seeded.records } : {}) } : undefined;
  if (streamRead) view = seededExpected ? seededStreamView(seededExpected.runId, seededExpected.items, ev.facts, filter, seededExpected) : foreignStreamView(ev.facts, scanned, table?.key.length ?? 1, filter);
  const expected = view?.expected ?? seededExpected ?? { kind: 'keys' as const, ids: scanned.map((s) => s.id), compositeKey: (table?.key.length ?? 1) > 1 };
  const r = reconcile({ expected, ...(run.seeded?.writes ? { writes: run.seeded.writes } : {}), lines: ev.logs.lines(), reportedRids: ev.logs.reported, startedRids: ev.logs.started, platformFailedRids: ev.logs.platformFailed, now, functionTimeoutMs: timeoutMs });
  const ack = run.seeded?.lastAckAt ?? null;
  const hops = placeRecords({
    r,
    ...(view ? { placement: view.placement } : {}),
    mapping,
    writtenBeforeGrace: () => (ack === null ? true : ack + grace <= ev.streamReadAt),
    now,
    graceMs: grace,
    keyOf: view?.keyOf ?? ((i) => (seededExpected ? seededKeyOf(seededExpected)(i) : (scanned[i] ? scanned[i]!.id : '?'))),
  });
  const lost = HOPS.reduce((n, h) => n + hops.lost[h], 0);
  const pending = HOPS.reduce((n, h) => n + hops.pending[h], 0);
  const evidenceProblem = ev.logs.problem ?? ev.goneProblem ?? ev.logGaps ?? hops.evidenceProblem;
  const lostSummary = HOPS.filter((h) => hops.lost[h] > 0).map((h) => `${hops.lost[h]} ${h}`).join(', ');
  const reason = [hops.pendingReason, pending > 0 ? failedBeforeBatchReason(r.failedBeforeBatch) : undefined, ev.streamProblem].filter(Boolean).join('; ');
  // Without the table the written records are unknown, so even "0 of 0 accounted for" proves nothing.
  const decision: VerdictDecision = ev.goneProblem
    ? { verdict: 'unverifiable', why: `the records written cannot be known: ${ev.goneProblem}` }
    : decideVerdict({ written: r.written, accounted: r.processed + hops.filtered, lost, pending, evidenceProblem, ...(reason ? { pendingReason: reason } : {}), ...(lostSummary ? { lostSummary } : {}) });
  return { r, hops, decision };
}

/** Why records may stay unaccounted for after their invocations ended: the log never named them. */
function failedBeforeBatchReason(n: number): string | undefined {
  if (n === 0) return undefined;
  return `${n} invocation${n === 1 ? '' : 's'} failed before the consumer logged ${n === 1 ? 'its' : 'their'} batch, so the records ${n === 1 ? 'it' : 'they'} carried cannot be named`;
}

export async function countLive(run: LiveRun, clients: Clients, target: Target, o: LiveOptions): Promise<LiveCount> {
  const readerOpts = { logGroup: run.logGroup, startTime: run.startTime, ...(o.signal ? { signal: o.signal } : {}) };
  const logs: LineSource = o.insights ? new InsightsLogReader(clients.logs, readerOpts) : new ConsumerLogReader(clients.logs, readerOpts);
  const ev: Evidence = { logs, facts: new StreamFacts(), streamReadAt: 0 };
  let table: TableInfo | undefined;
  try {
    table = await describeTable(clients.dynamodb, run.table);
  } catch (err) {
    if (errorName(err) !== 'ResourceNotFoundException' && !/not found|does not exist/i.test((err as Error).message)) throw err;
  }
  const mapping = await readMappingView(clients.lambda, run.att);
  let filter: FilterView | undefined;
  try {
    filter = mapping.filters.length > 0 ? filterView(mapping.filters, { streamArn: table?.streamArn ?? '', region: target.region }) : undefined;
  } catch {
    filter = undefined;
  }
  if (o.streamRead === false) ev.streamProblem = 'the stream read was turned off';
  else if (table?.streamArn) {
    // The reader paces itself per shard (the mapping is the stream's other reader).
    ev.stream = createStreamReader({ streams: clients.streams, now: () => Date.now(), pause: sleep }, { streamArn: table.streamArn, ...(o.signal ? { signal: o.signal } : {}) });
    const streamArn = table.streamArn;
    ev.listShards = async () => (await listStreamShards(clients.streams, streamArn, o.signal))?.length;
    if (filter) ev.filter = filter;
  } else ev.streamProblem = table ? `table ${run.table} has no stream enabled` : `table ${run.table} does not exist any more`;
  const scanned: Array<{ id: string; keys: WireKeys }> = [];
  if (!run.seeded && !table) ev.goneProblem = `table ${run.table} does not exist any more (deleted?): what was written to it cannot be read back`;
  if (!run.seeded && table) {
    const names = table.key.map((k) => k.name);
    for (const item of await scanItems(clients.dynamodb, run.table, names, o.signal)) scanned.push({ id: identityOfItem(item, names), keys: keysOfItem(item, names) });
  }
  const grace = ingestionGraceMs(target);
  const timeoutMs = (run.att?.timeoutS ?? 900) * 1000;
  const started = o.now();
  /** When count last saw the log move: new consumer lines, or a newer platform line (an init, a START, a REPORT). */
  let lastNew = o.now();
  let newestSeen = logs.newestEventAt;
  let stoppedBecause: StopReason = 'single-pass';
  let judged: ReturnType<typeof judge>;
  let shardsSeen: number | undefined;
  let passes = 0;
  /** The last judgement from the lines alone, reused while no new lines arrive and the stream is not read yet. */
  let lastLinesOnly: ReturnType<typeof judge> | undefined;
  /** Whether this pass could end the wait on something other than "complete" (which needs the stream read). */
  const mayStop = (): boolean => !o.wait || Boolean(logs.problem ?? ev.goneProblem) || o.now() - lastNew >= Math.min(STREAM_QUIET_MS, o.idleS * 1000) || o.now() - started >= o.timeoutS * 1000;
  for (;;) {
    let provisional = false;
    // Platform lines count as activity too: a slow cold start logs INIT_START and then nothing until
    // its START, and a REPORT can change an invocation's outcome without a consumer line.
    const moved = (await logs.poll()) > 0 || logs.newestEventAt > newestSeen;
    newestSeen = logs.newestEventAt;
    if (moved) lastNew = o.now();
    // A seeded run whose every record the consumer processed is complete whatever the stream holds:
    // a delivered record came through the stream, so in stream = written is proven by delivery. The
    // stream read (bound by GetRecords, one in flight per shard, slow on DynamoDB Local) is then
    // skipped; it is needed only to place records that are not accounted for. It runs after the log
    // read, not beside it: both parse in this process, and overlapping them slowed the common,
    // complete case (measured in BENCHMARKS.md, count-stream).
    // Without new lines the answer from the lines alone cannot have changed: no second reconcile.
    const quiet = mayStop();
    const linesOnly = run.seeded && ev.stream && !ev.streamProblem;
    const early = linesOnly && (moved || passes === 0) ? judge(run, ev, table, scanned, mapping, filter, grace, o.now(), timeoutMs, false) : linesOnly && !quiet ? lastLinesOnly : undefined;
    lastLinesOnly = early;
    if (early?.decision.verdict === 'complete') {
      judged = { ...early, hops: { ...early.hops, inStream: early.r.written } };
      shardsSeen = await countShards(ev);
    } else if (early && !quiet) {
      // Lines are still arriving: no stop but "complete" can be decided now, so the stream read
      // (which would compete with the consumer for CPU on a small machine) waits for a quiet moment.
      judged = early;
      provisional = true;
    } else {
      await pollStream(ev, o.now);
      judged = judge(run, ev, table, scanned, mapping, filter, grace, o.now(), timeoutMs);
      // Before concluding "lost", make sure the log evidence is whole: records whose deliveries were
      // logged in a deleted stream (or a deleted group) are not missing, they are unverifiable.
      if (judged.decision.verdict === 'incomplete' && !ev.logGaps && logs.heads) {
        ev.logGaps = await findLogGaps(clients.logs, run.logGroup, run.startTime, logs.heads, o.signal);
        if (ev.logGaps) judged = judge(run, ev, table, scanned, mapping, filter, grace, o.now(), timeoutMs);
      }
    }
    passes += 1;
    if (!o.wait) break;
    const { r, decision, hops } = judged;
    o.onProgress?.({ phase: `Counting ${run.label}`, done: r.processed + hops.filtered, total: r.written, unit: 'accounted for', detail: `${r.delivered} delivered${r.running ? `, ${r.running} running` : ''}` });
    const pending = HOPS.reduce((n, h) => n + hops.pending[h], 0);
    if (decision.verdict === 'complete') stoppedBecause = 'complete';
    // A judgement from the lines alone can prove "complete", nothing else: keep waiting.
    else if (provisional) stoppedBecause = 'single-pass';
    else if (logs.problem || ev.goneProblem || (ev.logGaps && pending === 0)) stoppedBecause = 'evidence-gone';
    else if (decision.verdict === 'incomplete' && pending === 0) stoppedBecause = 'drained';
    else if (o.now() - started >= o.timeoutS * 1000) stoppedBecause = 'timeout';
    // Idle means nothing at all is happening: no batch at work, and no environment initializing or
    // invocation started that the log shows (a cold start on a loaded machine can take seconds).
    else if (r.running === 0 && o.now() - lastNew >= o.idleS * 1000 && !logs.busy(o.now(), timeoutMs)) stoppedBecause = 'idle';
    if (stoppedBecause !== 'single-pass') break;
    // A short interval serves while lines arrive (the end of a drain); once the log is quiet each
    // pass reads the stream and judges it all, so it goes no faster than QUIET_POLL_MS.
    await sleep(quiet ? Math.max(o.pollMs, QUIET_POLL_MS) : o.pollMs, o.signal);
    o.signal?.throwIfAborted();
  }
  let r = judged.r;
  if (o.pattern && !logs.problem) {
    const countLines = o.insights ? countPatternLinesWithInsights : countPatternLines;
    r = { ...r, patternLines: await countLines(clients.logs, { ...readerOpts, text: o.pattern }) };
  }
  const intervals = invocationIntervals(r.invocationFacts, logs.spans, o.now());
  return {
    ...judged,
    r,
    mapping,
    stoppedBecause,
    shards: shardsSeen ?? (ev.stream && !ev.streamProblem ? ev.facts.shards.size : null),
    // A seeded run's event names are what the consumer saw (no stream read needed); another tool's
    // table: what count's own read of the stream found.
    eventNames: run.seeded ? r.eventNames : ev.stream && !ev.streamProblem ? ev.facts.eventNames() : null,
    maxConcurrency: intervals.length > 0 ? maxOverlap(intervals) : null,
    intervals,
    ...(ev.streamProblem ? { streamNote: ev.streamProblem } : {}),
  };
}
