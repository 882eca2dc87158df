import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { unzipSync } from 'fflate';
import { buildConsumerZip } from '../../src/consumer/package.ts';
import { UsageError } from '../../src/errors.ts';
import { parseConsumerLine } from '../../src/core/reconcile.ts';
import { fakeContext, seededEvent } from '../fixtures/consumer/events.ts';

const fixtures = fileURLToPath(new URL('../fixtures/consumer/', import.meta.url));
const consumerDir = fileURLToPath(new URL('../../src/consumer/', import.meta.url));
let work: string;

async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

/** Extracts a zip into a fresh directory (as Lambda does into /var/task). */
async function extract(zip: Uint8Array, name: string): Promise<string> {
  const dir = join(work, name);
  const entries = unzipSync(zip);
  await writeTree(dir, Object.fromEntries(Object.entries(entries).map(([p, bytes]) => [p, Buffer.from(bytes).toString('utf8')])));
  return dir;
}

function rejectsWith(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  return assert.rejects(promise, (err: unknown) => err instanceof UsageError && pattern.test(err.message));
}

describe('buildConsumerZip', () => {
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'ddbs-consumer-zip-'));
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('packs the Node consumer alone at the zip root; the extracted zip runs by itself', async () => {
    const built = await buildConsumerZip({ runtime: 'nodejs22.x' });
    assert.equal(built.handler, 'ddbs_consumer.handler');
    assert.deepEqual(built.environment, {});
    const entries = unzipSync(built.zip);
    assert.deepEqual(Object.keys(entries).sort(), ['ddbs_consumer.mjs', 'ddbs_identity.mjs', 'ddbs_lines.mjs']);
    assert.deepEqual(Buffer.from(entries['ddbs_consumer.mjs']!), await readFile(join(consumerDir, 'ddbs_consumer.mjs')));
    const again = await buildConsumerZip({ runtime: 'nodejs22.x' });
    assert.deepEqual(again.zip, built.zip, 'identical inputs give an identical zip (stable CodeSha256)');
  });

  it('packs a code directory at the zip root (skips .git, keeps node_modules) and runs the user handler from it', async () => {
    const app = join(work, 'app');
    await writeTree(app, {
      'package.json': '{"type":"module"}',
      'src/app.js': "import dep from 'dep';\nexport const handler = async (event) => ({ dep, records: event.Records.length });\n",
      'node_modules/dep/package.json': '{"name":"dep","main":"index.js"}',
      'node_modules/dep/index.js': 'module.exports = 41 + 1;\n',
      '.git/HEAD': 'ref: refs/heads/main\n',
    });
    const built = await buildConsumerZip({ runtime: 'nodejs20.x', codePath: app, handler: 'src/app.handler' });
    assert.deepEqual(built.environment, { DDBS_USER_MODULE: 'src/app', DDBS_USER_FUNCTION: 'handler' });
    assert.deepEqual(Object.keys(unzipSync(built.zip)).sort(), ['ddbs_consumer.mjs', 'ddbs_identity.mjs', 'ddbs_lines.mjs', 'node_modules/dep/index.js', 'node_modules/dep/package.json', 'package.json', 'src/app.js']);

    const taskRoot = await extract(built.zip, 'task-app');
    const { createHandler } = (await import(pathToFileURL(join(taskRoot, 'ddbs_consumer.mjs')).href)) as typeof import('../../src/consumer/ddbs_consumer.mjs');
    const lines: string[] = [];
    const handler = createHandler({ env: built.environment, write: (l) => lines.push(l) });
    assert.deepEqual(await handler(seededEvent('ziprun', [0, 1]), fakeContext('z1')), { dep: 42, records: 2 });
    assert.deepEqual(lines.map((l) => parseConsumerLine(l)?.kind), ['batch', 'done']);
  });

  it('packs a single code file under its own name', async () => {
    const built = await buildConsumerZip({ runtime: 'nodejs22.x', codePath: join(fixtures, 'node', 'cjs.cjs'), handler: 'cjs.handler' });
    assert.ok('cjs.cjs' in unzipSync(built.zip));
    assert.deepEqual(built.environment, { DDBS_USER_MODULE: 'cjs', DDBS_USER_FUNCTION: 'handler' });
  });

  it('names --handler, --code and the expected file when the handler module is missing', async () => {
    await rejectsWith(buildConsumerZip({ runtime: 'nodejs22.x', codePath: join(fixtures, 'node'), handler: 'src/missing.handler' }), /^--handler src\/missing\.handler: expected src\/missing\.js or src\/missing\.mjs or src\/missing\.cjs in --code .*node, found none$/);
    await rejectsWith(buildConsumerZip({ runtime: 'python3.12', codePath: join(fixtures, 'python'), handler: 'hola.hello' }), /--handler hola\.hello: expected hola\.py or hola\/__init__\.py in --code/);
  });

  it('checks that the Node module exports the function', async () => {
    await rejectsWith(buildConsumerZip({ runtime: 'nodejs22.x', codePath: join(fixtures, 'node'), handler: 'esm.nothere' }), /--handler esm\.nothere: esm\.mjs does not export a function nothere \(exports: handler\)/);
    const nested = await buildConsumerZip({ runtime: 'nodejs22.x', codePath: join(fixtures, 'node'), handler: 'nested.handlers.main' });
    assert.deepEqual(nested.environment, { DDBS_USER_MODULE: 'nested', DDBS_USER_FUNCTION: 'handlers.main' });
  });

  it('packs the Python consumer with the user module; the hello handler needs no change', async () => {
    const built = await buildConsumerZip({ runtime: 'python3.12', codePath: join(fixtures, 'python'), handler: 'hello.hello' });
    assert.equal(built.handler, 'ddbs_consumer.handler');
    assert.deepEqual(built.environment, { DDBS_USER_MODULE: 'hello', DDBS_USER_FUNCTION: 'hello' });
    assert.deepEqual(Object.keys(unzipSync(built.zip)).sort(), ['ddbs_consumer.py', 'glued.py', 'hello.py', 'partial.py']);
  });

  it('rejects unusable options with a usage error', async () => {
    await rejectsWith(buildConsumerZip({ runtime: 'java21' }), /--runtime java21 is not supported/);
    await rejectsWith(buildConsumerZip({ runtime: 'nodejs22.x', codePath: fixtures }), /--code needs --handler/);
    await rejectsWith(buildConsumerZip({ runtime: 'nodejs22.x', handler: 'index.handler' }), /--handler needs --code/);
    await rejectsWith(buildConsumerZip({ runtime: 'nodejs22.x', codePath: join(work, 'nope'), handler: 'index.handler' }), /--code .*nope: no such file or directory/);
    await rejectsWith(buildConsumerZip({ runtime: 'nodejs22.x', codePath: join(fixtures, 'node'), handler: 'noperiod' }), /--handler noperiod is not MODULE\.FUNCTION/);
    const clash = join(work, 'clash');
    await writeTree(clash, { 'ddbs_identity.mjs': '', 'index.js': 'exports.handler = () => 1;' });
    await rejectsWith(buildConsumerZip({ runtime: 'nodejs22.x', codePath: clash, handler: 'index.handler' }), /contains ddbs_identity\.mjs, a file name ddbs-test reserves/);
  });
});
