import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';

const RECORDS0 = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/user-handlers/records0');

describe('count --insights, CI thresholds and doctor on one real run', () => {
  let box: CliSandbox;
  before(async () => {
    box = await createCliSandbox();
  });
  after(async () => {
    await box.cleanup();
  });

  it('gives the same reconciliation and pattern count as reading the events', async () => {
    const ok = async (args: string[]) => {
      const r = await box.run(args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      return r;
    };
    await ok(['create-table', '--table', 'insights']);
    await ok(['attach-consumer', '--table', 'insights', '--batch-size', '10', '--code', RECORDS0, '--handler', 'index.handler']);
    await ok(['seed', '--table', 'insights', '--items', '120']);
    const viaEvents = JSON.parse((await ok(['count', '--wait', '--idle', '10', '--pattern', 'processed', '--json'])).stdout);
    const viaInsights = JSON.parse((await ok(['count', '--insights', '--pattern', 'processed', '--json'])).stdout);
    assert.equal(viaEvents.delivered, 120);
    for (const field of ['written', 'delivered', 'processed', 'missing', 'duplicates', 'invocations', 'patternLines'] as const) {
      assert.equal(viaInsights[field], viaEvents[field], field);
    }
    assert.deepEqual(viaInsights.batch, viaEvents.batch);
    assert.equal(viaInsights.patternLines, viaInsights.invocations, 'the Records[0] handler logs once per invocation');
    // CI thresholds on the same run: a breach exits 1 and names the threshold; an unknown one is a usage error.
    const breach = await box.run(['count', '--max-p99-ms', '0']);
    assert.equal(breach.code, 1, breach.stderr);
    assert.match(breach.stderr, /--max-p99-ms 0: p99 \d+ ms/);
    assert.match(breach.stdout, /COMPLETE: run/, 'the result is still printed');
    assert.equal((await box.run(['count', '--max-duplicates', '0', '--max-missing', '0'])).code, 0);
    const unknown = await box.run(['count', '--max-latency', '5']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown option '--max-latency'/);
    const doctor = await box.run(['doctor']);
    assert.equal(doctor.code, 0, doctor.stdout);
    assert.match(doctor.stdout, /ok {3}Java \(for DynamoDB Local\): Java \d+/);
    assert.match(doctor.stdout, /ok {3}local stack: running at http:\/\/127\.0\.0\.1:/);
    await ok(['teardown', '--yes']);
  });
});
