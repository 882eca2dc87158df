// Adversarial keys and writes on tables made and written by boto3: keys that look like ddbs-test's
// own `run#seq` identities, '#', unicode (also through the Python consumer), 2 KB keys, numeric and
// binary keys, sort keys; updates and deletes; items written before the stream was enabled. Each
// count is checked against boto3's own read of every shard of the table's stream.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attach, boto3, countJson, readIndependently, startAdversarySandbox, stopAdversarySandbox, writeHandler, type AdversarySandbox } from '../helpers/adversarial.ts';

const CREATE = `
ddb = boto3.client('dynamodb')
table, pk, sk, stream = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == 'stream'
attrs = [{'AttributeName': 'pk', 'AttributeType': pk}]; keys = [{'AttributeName': 'pk', 'KeyType': 'HASH'}]
if sk != '-':
    attrs.append({'AttributeName': 'sk', 'AttributeType': sk}); keys.append({'AttributeName': 'sk', 'KeyType': 'RANGE'})
args = dict(TableName=table, AttributeDefinitions=attrs, KeySchema=keys, BillingMode='PAY_PER_REQUEST')
if stream: args['StreamSpecification'] = {'StreamEnabled': True, 'StreamViewType': 'NEW_AND_OLD_IMAGES'}
ddb.create_table(**args); ddb.get_waiter('table_exists').wait(TableName=table)
`;
const PUT = `
ddb = boto3.client('dynamodb')
table, kind, a, b = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
for i in range(a, b):
    if kind == 'cust': item = {'pk': {'S': f'cust#{i % 5}'}, 'sk': {'S': f'order-{i}'}}
    elif kind == 'unicode': item = {'pk': {'S': f'ключ-\\U0001F511-{i}-#\\u00e9'}, 'sk': {'S': 'x' * 1000 + str(i)}}
    elif kind == 'long': item = {'pk': {'S': 'L' * 2040 + f'{i:04d}'}}
    elif kind == 'num': item = {'pk': {'N': f'{i}.50'}}
    elif kind == 'bin': item = {'pk': {'B': bytes([i % 256, 0, 255, i // 256])}}
    elif kind == 'runlike': item = {'pk': {'S': f'abcd#{i}'}}
    else: item = {'pk': {'S': f'item-{i}'}}
    ddb.put_item(TableName=table, Item=item)
`;
const UPDATE = `
ddb = boto3.client('dynamodb')
for i in range(int(sys.argv[2]), int(sys.argv[3])):
    ddb.update_item(TableName=sys.argv[1], Key={'pk': {'S': f'item-{i}'}}, UpdateExpression='SET v = :v', ExpressionAttributeValues={':v': {'N': '1'}})
`;
const DELETE = `
ddb = boto3.client('dynamodb')
for i in range(int(sys.argv[2]), int(sys.argv[3])): ddb.delete_item(TableName=sys.argv[1], Key={'pk': {'S': f'item-{i}'}})
`;
const ENABLE_STREAM = "boto3.client('dynamodb').update_table(TableName=sys.argv[1], StreamSpecification={'StreamEnabled': True, 'StreamViewType': 'NEW_AND_OLD_IMAGES'})";

const PY_HANDLER = 'import sys\ndef handler(event, context):\n    sys.stdout.write("no newline \\u00e9 ")\n    return None\n';

const KEY_CASES: Array<{ kind: string; pk: string; sk: string; python?: boolean }> = [
  { kind: 'cust', pk: 'S', sk: 'S' },
  { kind: 'unicode', pk: 'S', sk: 'S' },
  { kind: 'unicode', pk: 'S', sk: 'S', python: true },
  { kind: 'long', pk: 'S', sk: '-' },
  { kind: 'num', pk: 'N', sk: '-' },
  { kind: 'bin', pk: 'B', sk: '-' },
  { kind: 'runlike', pk: 'S', sk: '-' },
];

let sb: AdversarySandbox;
before(async () => {
  sb = await startAdversarySandbox();
});
after(async () => {
  await stopAdversarySandbox(sb);
});

describe('adversarial keys and writes (one stack, cases in parallel)', { concurrency: true }, () => {
  for (const c of KEY_CASES) {
    const table = `adv-key-${c.kind}${c.python ? '-py' : ''}`;
    it(`withstood: ${c.kind} keys${c.python ? ' (Python consumer)' : ''} → complete, 40 of 40, matching the stream`, { timeout: 300_000 }, async () => {
      await boto3(sb, CREATE, table, c.pk, c.sk, 'stream');
      const code = c.python ? ['--code', writeHandler(sb, table, 'h.py', PY_HANDLER), '--handler', 'h.handler', '--runtime', 'python3.12'] : [];
      const att = await attach(sb, table, ['--batch-size', '7', ...code]);
      await boto3(sb, PUT, table, c.kind, '0', '40');
      const counted = await countJson(sb, ['--table', table, '--wait', '--idle', '10']);
      const ind = await readIndependently(sb, att.logGroup, table);
      assert.equal(ind.streamRecords, 40);
      assert.equal(ind.doneOk, ind.invocations);
      assert.equal(counted.cell.verdict, 'complete', counted.cell.why);
      assert.equal(counted.code, 0);
      assert.equal(counted.cell.written, 40);
      assert.equal(counted.cell.inStream, ind.streamRecords);
      assert.equal(counted.cell.delivered, 40);
      assert.equal(counted.cell.duplicates, 0);
    });
  }

  it('withstood: updates and deletes → written is the stream by event name, complete', { timeout: 300_000 }, async () => {
    const table = 'adv-modify';
    await boto3(sb, CREATE, table, 'S', '-', 'stream');
    const att = await attach(sb, table, ['--batch-size', '10']);
    await boto3(sb, PUT, table, 'plain', '0', '30');
    await boto3(sb, UPDATE, table, '0', '20');
    await boto3(sb, DELETE, table, '10', '30');
    const { code, cell } = await countJson(sb, ['--table', table, '--wait', '--idle', '10']);
    const ind = await readIndependently(sb, att.logGroup, table);
    assert.deepEqual(ind.eventNames, { INSERT: 30, MODIFY: 20, REMOVE: 20 });
    assert.equal(cell.verdict, 'complete', cell.why);
    assert.equal(code, 0);
    assert.equal(cell.written, 70);
    assert.equal(cell.duplicates, 0);
    assert.deepEqual((cell as unknown as { eventNames: unknown }).eventNames, { INSERT: 30, MODIFY: 20, REMOVE: 20 });
  });

  it('withstood: items written before the stream was enabled → incomplete, 30 at not-in-stream', { timeout: 300_000 }, async () => {
    const table = 'adv-prestream';
    await boto3(sb, CREATE, table, 'S', '-', 'nostream');
    await boto3(sb, PUT, table, 'plain', '0', '30');
    await boto3(sb, ENABLE_STREAM, table);
    const att = await attach(sb, table, ['--batch-size', '10']);
    await boto3(sb, PUT, table, 'plain', '30', '60');
    const { code, cell } = await countJson(sb, ['--table', table, '--wait', '--idle', '10']);
    const ind = await readIndependently(sb, att.logGroup, table);
    assert.equal(ind.streamRecords, 30);
    assert.equal(cell.verdict, 'incomplete');
    assert.equal(code, 1);
    assert.equal(cell.written, 60);
    assert.equal(cell.delivered, 30);
    assert.deepEqual(cell.missingByHop, { 'not-in-stream': 30, 'before-start-position': 0, 'not-delivered': 0, 'handler-failed': 0 });
  });
});
