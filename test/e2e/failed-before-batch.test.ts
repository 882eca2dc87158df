// Invocations that fail before the consumer logs its batch: the environment's init overruns Lambda's
// 10 s limit (a preloaded module that blocks for 12 s, set through NODE_OPTIONS as a user could on
// AWS), and the init retried inside the invocation runs into the 3 s function timeout. No log line
// names the records those invocations carried, so count may call none of them lost or processed; it
// must say why they are unaccounted for. Its own stack: the slow inits hold the stack's init slots.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { boto3, countJson, createAndAttach, explain, readIndependently, seed, startAdversarySandbox, stopAdversarySandbox, writeHandler, type AdversarySandbox } from '../helpers/adversarial.ts';

const SET_NODE_OPTIONS = `
lam = boto3.client('lambda')
variables = lam.get_function_configuration(FunctionName=sys.argv[1]).get('Environment', {}).get('Variables', {})
variables['NODE_OPTIONS'] = sys.argv[2]
lam.update_function_configuration(FunctionName=sys.argv[1], Environment={'Variables': variables})
`;
// Blocks without using the CPU, so the init is slow on any machine.
const SLOW_PRELOAD = 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 12000);\n';
const ITEMS = 20;

let sb: AdversarySandbox;
before(async () => {
  sb = await startAdversarySandbox();
});
after(async () => {
  await stopAdversarySandbox(sb);
});

describe('invocations that fail before the consumer logs its batch', () => {
  it('a cold start over the init limit: nothing is named lost or processed, and count says why', { timeout: 300_000 }, async () => {
    const table = 'blind-init';
    const att = await createAndAttach(sb, table, ['--batch-size', '10', '--max-retries', '0', '--timeout', '3']);
    const preload = `${writeHandler(sb, 'slow-preload', 'slow.cjs', SLOW_PRELOAD)}/slow.cjs`;
    await boto3(sb, SET_NODE_OPTIONS, att.functionName, `--require ${preload}`);
    const runId = await seed(sb, table, ITEMS);

    const { code, cell } = await countJson(sb, ['--run', runId, '--wait', '--idle', '20', '--timeout', '180']);
    const ind = await readIndependently(sb, att.logGroup, table);
    const why = `${JSON.stringify(cell)}\n${explain(ind, cell)}`;
    assert.equal(ind.streamRecords, ITEMS, why);
    assert.ok((ind.failedWithoutBatch ?? 0) >= 1, `independent: an invocation failed without a batch line\n${why}`);
    assert.equal(ind.seededRecordsDelivered, 0, `independent: no handler logged a batch\n${why}`);

    assert.equal(cell.processed, 0, why);
    assert.equal(cell.missingByHop['handler-failed'] + cell.missingByHop['not-delivered'], 0, `nothing is called lost without evidence\n${why}`);
    assert.equal(cell.verdict, 'in-flight', why);
    assert.equal(code, 4, why);
    assert.match(cell.why ?? '', /invocations? failed before the consumer logged/, why);
    assert.ok(
      cell.notes.some((n) => n.includes('before the consumer logged') && n.includes('not in the log')),
      why,
    );
  });
});
