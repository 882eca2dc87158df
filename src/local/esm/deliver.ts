// Delivering one batch to the function, with Lambda's error handling for stream sources:
// - an error before the function ran (not found, pending, throttled) is retried with backoff and
//   never counts toward MaximumRetryAttempts;
// - a function error is retried until 1 + MaximumRetryAttempts invocations, then the batch is skipped;
// - BisectBatchOnFunctionError splits a failing batch in two (first half first) without counting;
// - ReportBatchItemFailures commits the records before the lowest failed sequence number and retries
//   from there (counted as a retry); a malformed response fails the whole batch;
// - records older than MaximumRecordAgeInSeconds are discarded before each invocation.
// Settings are read from the mapping on every attempt, so an update applies to the next attempt.
import { pauseOn, type Clock } from '../clock.ts';
import { LambdaInvokeError, type LambdaInvoker } from '../context.ts';
import type { Mapping } from './mapping.ts';
import { backoffMs, type EsmTimings } from './timing.ts';

export interface BatchItem {
  seq: string;
  record: Record<string, unknown>;
  /** Serialized size of the record, for the 6 MB payload cap. */
  bytes: number;
  /** The latest moment the record can have been written (for record age), epoch ms. */
  createdMs: number;
}

export type SettleReason = 'delivered' | 'retries-exhausted' | 'record-age-exceeded';

export interface DeliveryContext {
  mapping: Mapping;
  lambda: LambdaInvoker;
  timings: EsmTimings;
  signal: AbortSignal;
  /** Record ages and retry backoffs are measured on this clock. */
  clock: Clock;
  log(message: string): void;
  /** Marks records finished (delivered or deliberately skipped); the shard checkpoint may advance. */
  settle(items: BatchItem[], reason: SettleReason): void;
}

type Verdict = { kind: 'success' } | { kind: 'partial'; index: number } | { kind: 'failure' } | { kind: 'function-error' };

/**
 * Reads a ReportBatchItemFailures response: no body, null, `[]`, `{}` or an empty/null
 * batchItemFailures list are complete successes; an identifier that is empty, not a string or not in
 * the batch fails the whole batch; otherwise the batch resumes at the lowest failed record.
 */
export function judgeResponse(payload: Buffer, items: BatchItem[]): Verdict {
  const text = payload.toString('utf8').trim();
  if (text === '' || text === 'null') return { kind: 'success' };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { kind: 'failure' };
  }
  if (Array.isArray(body)) return body.length === 0 ? { kind: 'success' } : { kind: 'failure' };
  if (typeof body !== 'object' || body === null) return { kind: 'failure' };
  const failures = (body as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures)) return { kind: 'failure' };
  if (failures.length === 0) return { kind: 'success' };
  let lowest = Infinity;
  for (const f of failures) {
    const id = (f as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '') return { kind: 'failure' };
    const index = items.findIndex((i) => i.seq === id);
    // AWS documents an identifier that is not in the batch as a whole-batch failure.
    if (index < 0) return { kind: 'failure' };
    lowest = Math.min(lowest, index);
  }
  return { kind: 'partial', index: lowest };
}

/**
 * AWS sends ApproximateCreationDateTime as a float (`1764064800.0`); a Python handler sees a float
 * there, so keep the fraction even when the value is whole.
 */
function recordJson(record: Record<string, unknown>): string {
  return JSON.stringify(record).replace(/("ApproximateCreationDateTime":)(\d+)(?=[,}])/, '$1$2.0');
}

function describeInvokeError(err: unknown): string {
  if (err instanceof LambdaInvokeError) {
    return `PROBLEM: ${err.message} (Service: AWSLambda; Status Code: ${err.statusCode}; Error Code: ${err.code}; Request ID: ${crypto.randomUUID()})`;
  }
  return `PROBLEM: Internal error invoking the function: ${err instanceof Error ? err.message : String(err)}`;
}

/** Delivers `items` (in sequence order). Resolves true when every item is settled, false if stopped. */
export async function deliverBatch(items: BatchItem[], dc: DeliveryContext, failedInvocations = 0): Promise<boolean> {
  let current = items;
  let failures = failedInvocations;
  let unreachable = 0;
  while (current.length > 0) {
    if (dc.signal.aborted) return false;
    const { mapping } = dc;
    const s = mapping.settings;
    if (s.MaximumRecordAgeInSeconds !== -1) {
      const limit = dc.clock.now() - s.MaximumRecordAgeInSeconds * 1000;
      const expired = current.filter((i) => i.createdMs < limit);
      if (expired.length > 0) {
        dc.log(`esm ${mapping.uuid}: discarding ${expired.length} record(s) older than ${s.MaximumRecordAgeInSeconds} s`);
        dc.settle(expired, 'record-age-exceeded');
        current = current.filter((i) => i.createdMs >= limit);
        continue;
      }
    }
    const payload = Buffer.from(`{"Records":[${current.map((i) => recordJson(i.record)).join(',')}]}`);
    let verdict: Verdict;
    try {
      const outcome = await dc.lambda.invoke(mapping.functionArn, payload, { invocationType: 'RequestResponse' });
      if (outcome.functionError) verdict = { kind: 'function-error' };
      else if (s.FunctionResponseTypes.includes('ReportBatchItemFailures')) verdict = judgeResponse(outcome.payload, current);
      else verdict = { kind: 'success' };
    } catch (err) {
      // The batch never reached the function (throttled, not found, pending): Lambda retries these
      // without counting them toward MaximumRetryAttempts.
      unreachable += 1;
      mapping.lastProcessingResult = describeInvokeError(err);
      await pauseOn(dc.clock, backoffMs(dc.timings, unreachable), dc.signal);
      continue;
    }
    unreachable = 0;
    if (verdict.kind === 'success') {
      mapping.lastProcessingResult = 'OK';
      dc.settle(current, 'delivered');
      return true;
    }
    if (verdict.kind === 'partial') {
      mapping.lastProcessingResult = 'OK';
      if (verdict.index > 0) dc.settle(current.slice(0, verdict.index), 'delivered');
      current = current.slice(verdict.index);
    } else {
      mapping.lastProcessingResult = 'PROBLEM: Function call failed';
      if (verdict.kind === 'function-error' && s.BisectBatchOnFunctionError && current.length > 1) {
        // Splitting does not count as a retry; each half carries the count so far.
        const mid = Math.ceil(current.length / 2);
        if (!(await deliverBatch(current.slice(0, mid), dc, failures))) return false;
        return deliverBatch(current.slice(mid), dc, failures);
      }
    }
    failures += 1;
    if (s.MaximumRetryAttempts !== -1 && failures > s.MaximumRetryAttempts) {
      dc.log(`esm ${mapping.uuid}: skipping ${current.length} record(s) after ${failures} failed invocation(s)`);
      dc.settle(current, 'retries-exhausted');
      return true;
    }
    await pauseOn(dc.clock, backoffMs(dc.timings, failures), dc.signal);
  }
  return true;
}
