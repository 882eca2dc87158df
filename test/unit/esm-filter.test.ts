// EventBridge-pattern filtering on DynamoDB stream records (Lambda's FilterCriteria).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileFilter, matchesAny } from '../../src/local/esm/filter.ts';

const record = {
  eventID: 'a', eventName: 'INSERT', eventSource: 'aws:dynamodb', awsRegion: 'us-east-1',
  dynamodb: {
    ApproximateCreationDateTime: 1723439725,
    Keys: { id: { S: 'id_value' } },
    NewImage: { id: { S: 'id_value' }, presentKey: { S: 'presentValue' }, n: { N: '100' }, tags: { SS: ['a', 'b'] } },
    SequenceNumber: '000000000000000000001',
  },
};

const matches = (pattern: unknown) => matchesAny([compileFilter(JSON.stringify(pattern))], record);

describe('filter patterns', () => {
  test('exact values need the DynamoDB type key; OR within a list', () => {
    assert.equal(matches({ dynamodb: { NewImage: { presentKey: { S: ['presentValue'] } } } }), true);
    assert.equal(matches({ dynamodb: { NewImage: { presentKey: ['presentValue'] } } }), false);
    assert.equal(matches({ eventName: ['INSERT', 'MODIFY'] }), true);
    assert.equal(matches({ eventName: ['REMOVE'] }), false);
    assert.equal(matches({ eventName: ['insert'] }), false, 'case-sensitive');
  });

  test('exists, prefix, suffix, anything-but, equals-ignore-case, wildcard', () => {
    assert.equal(matches({ dynamodb: { NewImage: { absent: [{ exists: false }] } } }), true);
    assert.equal(matches({ dynamodb: { NewImage: { presentKey: [{ exists: false }] } } }), false);
    assert.equal(matches({ dynamodb: { NewImage: { presentKey: [{ exists: true }] } } }), true);
    assert.equal(matches({ dynamodb: { Keys: { id: { S: [{ prefix: 'id_' }] } } } }), true);
    assert.equal(matches({ dynamodb: { Keys: { id: { S: [{ suffix: '_value' }] } } } }), true);
    assert.equal(matches({ dynamodb: { Keys: { id: { S: [{ 'anything-but': ['x', 'y'] }] } } } }), true);
    assert.equal(matches({ dynamodb: { Keys: { id: { S: [{ 'anything-but': 'id_value' }] } } } }), false);
    assert.equal(matches({ dynamodb: { Keys: { id: { S: [{ 'anything-but': { prefix: 'id' } }] } } } }), false);
    assert.equal(matches({ eventName: [{ 'equals-ignore-case': 'insert' }] }), true);
    assert.equal(matches({ eventSource: [{ wildcard: 'aws:*' }] }), true);
  });

  test('numeric works on numbers, not on N strings; arrays match by element', () => {
    assert.equal(matches({ dynamodb: { ApproximateCreationDateTime: [{ numeric: ['>', 0] }] } }), true);
    assert.equal(matches({ dynamodb: { ApproximateCreationDateTime: [{ numeric: ['>', 0, '<=', 5] }] } }), false);
    assert.equal(matches({ dynamodb: { NewImage: { n: { N: [{ numeric: ['=', 100] }] } } } }), false);
    assert.equal(matches({ dynamodb: { NewImage: { n: { N: ['100'] } } } }), true);
    assert.equal(matches({ dynamodb: { NewImage: { tags: { SS: ['b'] } } } }), true);
  });

  test('any filter matching is enough; no filters match everything', () => {
    const filters = [compileFilter('{"eventName":["REMOVE"]}'), compileFilter('{"eventName":["INSERT"]}')];
    assert.equal(matchesAny(filters, record), true);
    assert.equal(matchesAny([filters[0]!], record), false);
    assert.equal(matchesAny(undefined, record), true);
  });

  test('invalid patterns are refused with the AWS message', () => {
    for (const bad of ['not json', '{"eventName": "INSERT"}', '[]', '{}', '{"a": []}', '{"a": [{"numeric": [">", "x"]}]}', '{"a": [{"nope": 1}]}', '5']) {
      assert.throws(() => compileFilter(bad), { message: 'Invalid filter pattern definition.' }, bad);
    }
    assert.throws(() => compileFilter(undefined), { message: 'Invalid filter pattern definition.' });
  });
});
