// The ARN region rewrite works on bytes: it must give exactly what a text replace gives, leave every
// other byte (multi-byte UTF-8 included) alone, and hand back the same Buffer when there is no ARN.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LOCAL_ARN, localArns, regionalArns } from '../../src/local/dynamodb/arns.ts';

const REGIONAL = 'arn:aws:dynamodb:eu-west-1:000000000000:';

describe('regionalArns / localArns', () => {
  it('rewrites every local ARN prefix, next to multi-byte text, and back again', () => {
    const text = `{"a":"${LOCAL_ARN}table/t/stream/x","b":"ünï€😀","c":"😀${LOCAL_ARN}table/t","d":"${LOCAL_ARN}"}`;
    const out = regionalArns(Buffer.from(text), 'eu-west-1');
    assert.equal(out.toString('utf8'), text.split(LOCAL_ARN).join(REGIONAL));
    assert.equal(localArns(out, 'eu-west-1').toString('utf8'), text);
  });

  it('returns the very same Buffer when there is nothing to rewrite', () => {
    const body = Buffer.from('{"Item":{"pk":{"S":"ünï"}},"arn":"arn:aws:dynamodb:us-east-1:123456789012:table/t"}');
    assert.equal(regionalArns(body, 'us-east-1'), body);
    assert.equal(localArns(body, 'eu-west-1'), body);
  });

  it('touches only the local account and the called region', () => {
    const other = 'arn:aws:dynamodb:eu-west-1:123456789012:table/t';
    const body = Buffer.from(`${other} ${REGIONAL}table/u`);
    assert.equal(localArns(body, 'eu-west-1').toString(), `${other} ${LOCAL_ARN}table/u`);
    assert.equal(localArns(body, 'us-east-1'), body);
  });
});
