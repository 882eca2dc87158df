// The local runtimes' AWS SDK and interpreters: a Node handler resolves @aws-sdk/* and @smithy/* from the
// runtime for `import` and for `require` (its own node_modules copy wins; nothing else of ddbs-test's
// dependencies is visible), and INIT_START says which interpreter really runs the function, including one
// a function picks with DDBS_TEST_PYTHON.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createTestService, tailOf } from '../fixtures/handlers/service-kit.ts';
import { zipFiles } from '../fixtures/handlers/package.ts';
import { probePython } from '../../src/local/lambda/runtime/interpreters.ts';

const ESM_HANDLER = `import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { own } from '@aws-sdk/client-sts';
export const handler = async () => {
  let commander;
  try { await import('commander'); commander = 'resolved'; } catch (err) { commander = err.code; }
  return { client: typeof DynamoDBClient, put: typeof PutItemCommand, doc: typeof DynamoDBDocumentClient.from, smithy: typeof NodeHttpHandler, sts: own, commander };
};
`;
const CJS_HANDLER = `const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient } = require('@aws-sdk/lib-dynamodb');
exports.handler = async () => {
  let commander;
  try { require('commander'); commander = 'resolved'; } catch (err) { commander = err.code; }
  return { client: typeof DynamoDBClient, doc: typeof DynamoDBDocumentClient.from, sts: require('@aws-sdk/client-sts').own, sdkPath: require.resolve('@aws-sdk/client-dynamodb'), commander };
};
`;
/** A function's own copy of an SDK package, which must win over the runtime's (as on AWS). */
const OWN_STS = {
  'node_modules/@aws-sdk/client-sts/package.json': JSON.stringify({ name: '@aws-sdk/client-sts', version: '0.0.1', main: 'index.js' }),
  'node_modules/@aws-sdk/client-sts/index.js': 'exports.own = "the function\'s own copy";',
};
const PY_HANDLER = `import sys
def handler(event, context):
    return {"executable": sys.executable, "version": "%d.%d.%d" % tuple(sys.version_info[:3])}
`;

describe('the local runtimes\' SDK and interpreters', () => {
  const kit = createTestService();
  after(() => kit.service.close());

  it('an ES module handler imports @aws-sdk/* and @smithy/* from the runtime; its own node_modules copy wins; other packages of ours stay invisible', async () => {
    await kit.create('sdk-esm', 'node-actions', { Runtime: 'nodejs22.x', Handler: 'index.handler', Code: { ZipFile: Buffer.from(zipFiles({ 'index.mjs': ESM_HANDLER, ...OWN_STS })).toString('base64') } });
    const res = await kit.invoke('sdk-esm', {}, { 'x-amz-log-type': 'Tail' });
    assert.equal(res.headers!['x-amz-function-error'], undefined, String(res.body));
    assert.deepEqual(res.json(), { client: 'function', put: 'function', doc: 'function', smithy: 'function', sts: "the function's own copy", commander: 'ERR_MODULE_NOT_FOUND' });
    assert.match(tailOf(res), new RegExp(`^INIT_START Runtime Version: nodejs:22\\.v1\\t.*\\tnodejs22\\.x runs on the local Node\\.js ${process.versions.node.replaceAll('.', '\\.')} \\(`, 'm'));
  });

  it('a CommonJS handler requires them the same way', async () => {
    await kit.create('sdk-cjs', 'node-actions', { Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: Buffer.from(zipFiles({ 'index.js': CJS_HANDLER, ...OWN_STS })).toString('base64') } });
    const res = await kit.invoke('sdk-cjs', {});
    assert.equal(res.headers!['x-amz-function-error'], undefined, String(res.body));
    const r = res.json();
    assert.equal(r.client, 'function');
    assert.equal(r.doc, 'function');
    assert.equal(r.sts, "the function's own copy");
    assert.equal(r.commander, 'MODULE_NOT_FOUND');
    assert.match(r.sdkPath, /node_modules\/@aws-sdk\/client-dynamodb\//);
    assert.ok(existsSync(r.sdkPath));
  });

  it('Python: INIT_START names the local interpreter; DDBS_TEST_PYTHON in the function configuration picks it', async (t) => {
    const code = Buffer.from(zipFiles({ 'app.py': PY_HANDLER })).toString('base64');
    const byDefault = await probePython('python3', { PATH: process.env.PATH, HOME: process.env.HOME });
    assert.ok(byDefault.ok);
    await kit.create('py-default', 'node-actions', { Runtime: 'python3.12', Handler: 'app.handler', Code: { ZipFile: code } });
    const res = await kit.invoke('py-default', {}, { 'x-amz-log-type': 'Tail' });
    assert.deepEqual(res.json(), { executable: byDefault.python.executable, version: byDefault.python.version });
    assert.ok(tailOf(res).includes(`\tpython3.12 runs on the local Python ${byDefault.python.version} (${byDefault.python.executable})\n`), tailOf(res));

    const other = ['/usr/bin/python3', '/usr/local/bin/python3'].find((p) => existsSync(p) && p !== byDefault.python.executable);
    if (!other) return t.skip('no second python3 on this machine');
    const picked = await probePython(other, { PATH: process.env.PATH });
    assert.ok(picked.ok);
    await kit.create('py-picked', 'node-actions', { Runtime: 'python3.12', Handler: 'app.handler', Code: { ZipFile: code }, Environment: { Variables: { DDBS_TEST_PYTHON: other } } });
    const res2 = await kit.invoke('py-picked', {}, { 'x-amz-log-type': 'Tail' });
    assert.equal(res2.json().executable, picked.python.executable);
    assert.ok(tailOf(res2).includes(`python3.12 runs on the local Python ${picked.python.version} (${picked.python.executable})`), tailOf(res2));
  });
});
