// What `count --wait` takes for activity besides the consumer's own lines: an environment that is
// initializing (INIT_START, no START after it yet) and an invocation started but not reported keep the
// function "busy", so a slow cold start never reads as idle; every platform line moves the clock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConsumerLogReader } from '../../src/aws/logs-reader.ts';
import type { LogsApi } from '../../src/aws/clients.ts';

const T = 1_700_000_000_000;
const TIMEOUT_MS = 30_000;

interface Event { stream: string; ts: number; message: string }

/** A log group whose FilterLogEvents answer is whatever `events` holds at the time of the call. */
function groupOf(events: Event[]): LogsApi {
  let id = 0;
  const ids = new Map<Event, string>();
  return {
    send: (async () => ({
      events: events.map((e) => {
        if (!ids.has(e)) ids.set(e, String(++id));
        return { eventId: ids.get(e), timestamp: e.ts, message: e.message, logStreamName: e.stream };
      }),
    })) as unknown as LogsApi['send'],
  };
}

const reader = (events: Event[]) => new ConsumerLogReader(groupOf(events), { logGroup: '/aws/lambda/fn', startTime: T - 60_000 });

describe('the log reader tells when the function is at work', () => {
  it('an environment initializing is busy until its START, and at most for the init limit', async () => {
    const events: Event[] = [{ stream: 'a', ts: T, message: 'INIT_START Runtime Version: nodejs:20.v1\tRuntime Version ARN: x' }];
    const logs = reader(events);
    assert.equal(await logs.poll(), 0, 'no consumer line');
    assert.equal(logs.newestEventAt, T, 'a platform line moves the clock');
    assert.equal(logs.busy(T + 8_000, TIMEOUT_MS), true, 'an init of 8 s is still an init');
    assert.equal(logs.busy(T + 18_000, TIMEOUT_MS), true, 'the local stack stretches the 10 s limit by the time a loaded host kept the init from a CPU');
    assert.equal(logs.busy(T + 60_000, TIMEOUT_MS), false, 'an init never lasts a minute: that environment is gone');
    events.push({ stream: 'a', ts: T + 9_000, message: 'START RequestId: r1 Version: $LATEST' });
    await logs.poll();
    assert.equal(logs.newestEventAt, T + 9_000);
    assert.equal(logs.busy(T + 12_000, TIMEOUT_MS), true, 'the invocation has started and not ended');
    events.push({ stream: 'a', ts: T + 12_000, message: 'END RequestId: r1' }, { stream: 'a', ts: T + 12_001, message: 'REPORT RequestId: r1\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tInit Duration: 9000.00 ms' });
    await logs.poll();
    assert.equal(logs.busy(T + 12_500, TIMEOUT_MS), false, 'ended: nothing is at work');
  });

  it('an invocation started and never reported counts as at work only until its timeout (stretched at most twice) has passed', async () => {
    const logs = reader([{ stream: 'a', ts: T, message: 'START RequestId: r1 Version: $LATEST' }]);
    await logs.poll();
    assert.equal(logs.busy(T + TIMEOUT_MS - 1, TIMEOUT_MS), true);
    assert.equal(logs.busy(T + 2 * TIMEOUT_MS - 1, TIMEOUT_MS), true);
    assert.equal(logs.busy(T + 2 * TIMEOUT_MS + 10_000, TIMEOUT_MS), false);
  });

  it('the order lines are read in does not matter: a START older than the INIT_START of the same stream does not end that init', async () => {
    const logs = reader([
      { stream: 'a', ts: T + 1_000, message: 'REPORT RequestId: r1\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB' },
      { stream: 'a', ts: T, message: 'START RequestId: r1 Version: $LATEST' },
      { stream: 'b', ts: T + 2_000, message: '{"time":"x","type":"platform.initStart","record":{}}' },
      { stream: 'b', ts: T + 1_500, message: 'START RequestId: old Version: $LATEST' },
      { stream: 'b', ts: T + 1_600, message: 'REPORT RequestId: old\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB' },
    ]);
    await logs.poll();
    assert.equal(logs.busy(T + 3_000, TIMEOUT_MS), true, 'stream b is initializing (JSON log format)');
    assert.equal(logs.busy(T + 30_000, TIMEOUT_MS), false);
  });
});
