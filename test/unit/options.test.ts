import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { intInRange, intList, keySchema, numberInRange, tableName } from '../../src/commands/options.ts';
import { resolveTarget, targetKey } from '../../src/aws/target.ts';

describe('option parsers', () => {
  it('whole numbers in range, with the range in the message', () => {
    const p = intInRange(1, 10000);
    assert.equal(p('10'), 10);
    for (const bad of ['0', '-1', '1.5', 'abc', '', '10001']) assert.throws(() => p(bad), /1 to 10000|from 1/);
  });
  it('lists: dedupes, rejects empty entries and out-of-range values', () => {
    const p = intList(1, 10000);
    assert.deepEqual(p('1,10,10'), [1, 10]);
    assert.throws(() => p('1,,10'), /comma-separated/);
    assert.throws(() => p(''), /comma-separated/);
    assert.throws(() => p('1,20000'), /'20000' is not valid/);
  });
  it('fractions where fractions are allowed', () => {
    assert.equal(numberInRange(0, 1)('0.25'), 0.25);
    assert.throws(() => numberInRange(0, 1)('1.5'), /from 0 to 1/);
  });
  it('table names: 1-255 of the DynamoDB characters', () => {
    assert.equal(tableName('t1'), 't1');
    assert.equal(tableName('a.b-c_D9'), 'a.b-c_D9');
    for (const bad of ['', 'a b', 'x'.repeat(256), 'é']) assert.throws(() => tableName(bad));
  });
  it('key schemas: hash and optional range, types S N B', () => {
    assert.deepEqual(keySchema('pk:S'), [{ name: 'pk', type: 'S' }]);
    assert.deepEqual(keySchema('url:S,timestamp:S'), [{ name: 'url', type: 'S' }, { name: 'timestamp', type: 'S' }]);
    for (const bad of ['pk:X', 'pk', 'a:S,b:S,c:S', 'a:S,a:N', ':S']) assert.throws(() => keySchema(bad));
  });
});

describe('target resolution', () => {
  it('defaults to the local stack on 4567, or DDBS_TEST_LOCAL_PORT', () => {
    assert.deepEqual(resolveTarget({}, {}), { kind: 'local', region: 'us-east-1', endpoint: 'http://127.0.0.1:4567', port: 4567 });
    assert.equal(resolveTarget({}, { DDBS_TEST_LOCAL_PORT: '4999' }).port, 4999);
    assert.equal(resolveTarget({ port: 5000 }, { DDBS_TEST_LOCAL_PORT: '4999' }).port, 5000);
  });
  it('an endpoint from the flag or AWS_ENDPOINT_URL', () => {
    assert.equal(resolveTarget({ endpointUrl: 'http://localhost:4566/' }, {}).endpoint, 'http://localhost:4566');
    assert.equal(resolveTarget({}, { AWS_ENDPOINT_URL: 'http://h:1' }).kind, 'endpoint');
    assert.equal(resolveTarget({ target: 'local' }, { AWS_ENDPOINT_URL: 'http://h:1' }).kind, 'local');
    assert.throws(() => resolveTarget({ endpointUrl: 'ftp://x' }, {}), /--endpoint-url must be an http/);
  });
  it('aws with region and profile; conflicts are usage errors', () => {
    assert.deepEqual(resolveTarget({ target: 'aws', profile: 'p' }, { AWS_REGION: 'eu-west-1' }), { kind: 'aws', region: 'eu-west-1', profile: 'p' });
    assert.throws(() => resolveTarget({ target: 'aws', endpointUrl: 'http://x:1' }, {}), (e: { exitCode: number; message: string }) => e.exitCode === 2 && /conflicts/.test(e.message));
    assert.throws(() => resolveTarget({ target: 'nope' }, {}), /--target must be/);
  });
  it('state keys separate targets', () => {
    assert.notEqual(targetKey(resolveTarget({ port: 1 }, {})), targetKey(resolveTarget({ port: 2 }, {})));
    assert.equal(targetKey(resolveTarget({ target: 'aws', region: 'eu-west-1' }, {})), 'aws:default:eu-west-1');
  });
});
