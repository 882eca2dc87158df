import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TableDirectory, tablesOf, DEFAULT_DB } from '../../src/local/dynamodb/tables.ts';
import { aliasFor, aliasRequest, aliasResponse } from '../../src/local/dynamodb/alias.ts';
import { parseJavaMajor } from '../../src/local/dynamodb/jvm.ts';

describe('table routing', () => {
  it('names the tables an operation touches', () => {
    assert.deepEqual(tablesOf('PutItem', { TableName: 'a' }), ['a']);
    assert.deepEqual(tablesOf('BatchWriteItem', { RequestItems: { a: [], b: [] } }), ['a', 'b']);
    assert.deepEqual(tablesOf('TransactWriteItems', { TransactItems: [{ Put: { TableName: 'a' } }, { Update: { TableName: 'b' } }] }), ['a', 'b']);
    assert.deepEqual(tablesOf('ListTagsOfResource', { ResourceArn: 'arn:aws:dynamodb:ddblocal:000000000000:table/x' }), ['x']);
    assert.deepEqual(tablesOf('ExecuteStatement', { Statement: 'SELECT * FROM "orders" WHERE pk = ?' }), ['orders']);
    assert.equal(tablesOf('DescribeLimits', {}), undefined);
  });
  it('gives a re-created table a new database and keeps old streams on the old one', () => {
    const d = new TableDirectory();
    const first = d.allocate();
    d.bind('us-east-1', 'T', first);
    d.rememberStream('arn:aws:dynamodb:ddblocal:000000000000:table/T/stream/1', first);
    assert.equal(d.dbFor('us-east-1', 't'), first, 'names are case-insensitive');
    d.unbind('us-east-1', 'T');
    assert.equal(d.dbFor('us-east-1', 'T'), DEFAULT_DB);
    const second = d.allocate();
    d.bind('us-east-1', 'T', second);
    assert.notEqual(first, second);
    assert.equal(d.dbForStream('us-east-1', 'arn:aws:dynamodb:ddblocal:000000000000:table/T/stream/1'), first);
    assert.equal(d.dbForStream('us-east-1', 'arn:aws:dynamodb:ddblocal:000000000000:table/T/stream/2'), second);
    assert.deepEqual(d.liveDatabases('us-east-1'), [second]);
    assert.deepEqual(d.allDatabases('us-east-1').sort(), [first, second].sort());
  });
  it('translates short table names both ways without touching item data', () => {
    const a = aliasFor('t1');
    const req = JSON.parse(aliasRequest(Buffer.from(JSON.stringify({ TableName: 't1', Item: { pk: { S: 't1' } } })), a).toString());
    assert.deepEqual(req, { TableName: 't1.ddbs-short', Item: { pk: { S: 't1' } } });
    const it0 = JSON.parse(aliasRequest(Buffer.from(JSON.stringify({ ShardIterator: 'arn:aws:dynamodb:ddblocal:000000000000:table/t1/stream/x|001|abc' })), a).toString());
    assert.equal(it0.ShardIterator, 'arn:aws:dynamodb:ddblocal:000000000000:table/t1.ddbs-short/stream/x|001|abc');
    const res = aliasResponse(Buffer.from('{"TableName":"t1.ddbs-short","TableArn":"arn:aws:dynamodb:ddblocal:000000000000:table/t1.ddbs-short"}'), a).toString();
    assert.equal(res, '{"TableName":"t1","TableArn":"arn:aws:dynamodb:ddblocal:000000000000:table/t1"}');
  });
  it('reads Java versions of both numbering schemes', () => {
    assert.equal(parseJavaMajor('openjdk version "17.0.15" 2025-04-15'), 17);
    assert.equal(parseJavaMajor('java version "1.8.0_392"'), 8);
    assert.equal(parseJavaMajor('openjdk version "21" 2023-09-19'), 21);
    assert.equal(parseJavaMajor('garbage'), undefined);
  });
});
