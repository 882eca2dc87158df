import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConsumerLine, parseConsumerLines } from '../../src/core/reconcile.ts';

const batch = '{"ddbsTest":"v1","kind":"batch","rid":"r1","t":1700000000000,"n":2,"part":0,"parts":1,"s":{"abcd":[0,1]},"h":[]}';
const done = '{"ddbsTest":"v1","kind":"done","rid":"r1","ok":true}';

describe('parseConsumerLine', () => {
  it('parses pure JSON batch and done lines, with or without a trailing newline', () => {
    assert.deepEqual(parseConsumerLine(batch), JSON.parse(batch));
    assert.deepEqual(parseConsumerLine(done + '\n'), JSON.parse(done));
    const partial = '{"ddbsTest":"v1","kind":"done","rid":"r1","ok":false,"failed":{"s":{"abcd":[1]},"h":["0123456789abcdef"]}}';
    assert.deepEqual(parseConsumerLine(partial), JSON.parse(partial));
  });

  it('tolerates a Lambda text prefix and the JSON log format envelope', () => {
    assert.deepEqual(parseConsumerLine(`2024-06-18T10:00:00.000Z\tc793869b-ee49-115b-a5b6-4fd21e8dedac\tINFO\t${batch}\n`), JSON.parse(batch));
    assert.deepEqual(parseConsumerLine(`{"timestamp":"2024-06-18T10:00:00.000Z","level":"INFO","requestId":"r1","message":${done}}`), JSON.parse(done));
    assert.deepEqual(parseConsumerLine(`{"timestamp":"2024-06-18T10:00:00.000Z","level":"INFO","requestId":"r1","message":${JSON.stringify(done)}}`), JSON.parse(done));
  });

  it('ignores everything else', () => {
    const others = [
      'START RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac Version: $LATEST',
      'REPORT RequestId: c793869b\tDuration: 128.83 ms\tBilled Duration: 129 ms\tMemory Size: 128 MB\tMax Memory Used: 74 MB\t',
      '{"time":"2026-10-08T07:30:27.768Z","type":"platform.start","record":{"requestId":"79b5e81f"}}',
      "2024-06-18T10:00:00.000Z\tr1\tINFO\t{ Records: [ { eventName: 'INSERT' } ] }",
      'checking streams',
      'user says "ddbsTest" in text {not json',
      '{"ddbsTest":"v2","kind":"done","rid":"r1","ok":true}',
      '{"ddbsTest":"v1","kind":"done","ok":true}',
      '{"ddbsTest":"v1","kind":"batch","rid":"r","t":1,"n":1,"part":1,"parts":1,"s":{},"h":[]}',
      '{"ddbsTest":"v1","kind":"batch","rid":"r","t":1,"n":1,"part":0,"parts":1,"s":{"abcd":["1"]},"h":[]}',
      '{"ddbsTest":"v1","kind":"batch","rid":"r","t":"1","n":1,"part":0,"parts":1,"s":{},"h":[]}',
      '{"ddbsTest":"v1","kind":"done","rid":"r1","ok":false,"failed":{"s":[],"h":[]}}',
      '',
    ];
    for (const m of others) assert.equal(parseConsumerLine(m), undefined, m);
    assert.equal(parseConsumerLines([...others, batch, done]).length, 2);
  });
});
