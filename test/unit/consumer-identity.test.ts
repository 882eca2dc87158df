import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { canonicalJson, identify, identityOfItem, identityString, keyHash, seededKey, type WireKeys } from '../../src/core/identity.ts';
import { seededEvent, streamRecord } from '../fixtures/consumer/events.ts';

const driver = fileURLToPath(new URL('../fixtures/consumer/py_driver.py', import.meta.url));

function runPython(request: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = execFile('python3', [driver], { env: { PATH: process.env.PATH ?? '', PYTHONDONTWRITEBYTECODE: '1' }, timeout: 20_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}`));
      const line = stdout.split('\n').find((l) => l.startsWith('__RESULT__'));
      resolve(JSON.parse(line!.slice('__RESULT__'.length)) as Record<string, unknown>);
    });
    child.stdin!.end(JSON.stringify(request));
  });
}

describe('record identity', () => {
  it('recovers run and seq from a seeded hash key', () => {
    assert.deepEqual(identify({ pk: { S: 'r8k2x9#0' } }), { run: 'r8k2x9', seq: 0 });
    assert.deepEqual(identify({ pk: { S: 'abcd#999999999' } }), { run: 'abcd', seq: 999999999 });
    assert.equal(identityString({ pk: { S: 'abcd#42' } }), seededKey('abcd', 42));
  });

  it('works from dynamodb.Keys alone (KEYS_ONLY record) and with a sort key (url/timestamp schema)', () => {
    const record = seededEvent('run1', [7], 'KEYS_ONLY').Records[0]!;
    const keys = (record.dynamodb as { Keys: Record<string, { S: string }> }).Keys;
    assert.deepEqual(identify(keys), { run: 'run1', seq: 7 });
    // With a sort key the whole-key hash comes along: a table written by another tool is counted by its whole key.
    const composite = { timestamp: { S: '2024-01-01T00:00:00Z' }, url: { S: 'run1#12' } };
    assert.deepEqual(identify(composite), { run: 'run1', seq: 12, hash: keyHash(composite) });
  });

  it('hashes foreign keys: 16 hex chars of sha256 over the canonical JSON, independent of attribute order', () => {
    const a = { url: { S: 'https://example.com' }, timestamp: { S: '2024' } };
    const b = { timestamp: { S: '2024' }, url: { S: 'https://example.com' } };
    const expected = createHash('sha256').update('{"timestamp":{"S":"2024"},"url":{"S":"https://example.com"}}').digest('hex').slice(0, 16);
    assert.equal(canonicalJson(a), '{"timestamp":{"S":"2024"},"url":{"S":"https://example.com"}}');
    assert.deepEqual(identify(a), { hash: expected });
    assert.equal(keyHash(b), expected);
    assert.notEqual(keyHash({ url: { S: 'https://example.com' }, timestamp: { S: '2025' } }), expected);
  });

  it('treats N-typed keys, bad run ids and padded seqs as foreign', () => {
    const foreign: WireKeys[] = [{ id: { N: '42' } }, { pk: { S: 'ABCD#1' } }, { pk: { S: 'abc#1' } }, { pk: { S: 'abcd#007' } }, { pk: { S: 'abcd#1234567890' } }, { pk: { S: 'abcd#1\n' } }];
    for (const keys of foreign) {
      const id = identify(keys);
      assert.ok(id.run === undefined && typeof id.hash === 'string' && /^[0-9a-f]{16}$/.test(id.hash), JSON.stringify(keys));
    }
    assert.notEqual(keyHash({ id: { N: '42' } }), keyHash({ id: { S: '42' } }));
  });

  it('hashes a Scan item with Uint8Array binary keys like the stream record carrying base64', () => {
    const bytes = new Uint8Array([0x66, 0x6f, 0x6f, 0x62, 0x61, 0x72]);
    const fromScan = identityOfItem({ bin: { B: bytes }, name: { S: 'n' }, extra: { S: 'not a key' } }, ['bin', 'name']);
    const record = streamRecord({ name: { S: 'n' }, bin: { B: 'Zm9vYmFy' } });
    const fromStream = identityString((record.dynamodb as { Keys: WireKeys }).Keys);
    assert.equal(fromScan, fromStream);
    assert.equal(identityOfItem({ pk: { S: 'zzzz#3' }, v: { N: '1' } }, ['pk']), 'zzzz#3');
    assert.throws(() => identityOfItem({ v: { N: '1' } }, ['pk']), /lacks key attribute pk/);
  });

  it('gives the same identities in the Python consumer as in the Node consumer (tricky keys)', async () => {
    const keys: WireKeys[] = [
      { pk: { S: 'abcd#5' } },
      { pk: { S: 'ABCD#5' } },
      { url: { S: 'https://ex.com/ü?x=1&y="q"' }, timestamp: { S: '2024-01-01' } },
      { id: { N: '-1.5E+10' } },
      { 'é': { S: 'a' }, 'z': { S: '\u0001\t\n\\' }, '😀': { S: 'emoji' }, '\uffff': { S: 'bmp end' } },
      { pk: { S: 'lone \ud800 surrogate' } },
      { bin: { B: 'AAEC/w==' } },
      { b: { S: 'zzzz#9' }, a: { S: 'yyyy#8' } },
    ];
    const py = (await runPython({ mode: 'hash', keys })) as { hashes: string[]; ids: [string, string | number][] };
    assert.deepEqual(py.hashes, keys.map((k) => keyHash(k)));
    assert.deepEqual(py.ids.map(([run, v]) => (run === '#' ? v : `${run}#${v}`)), keys.map((k) => identityString(k)));
    // Python carries the whole-key hash for a seeded-looking key with more key attributes too.
    assert.deepEqual(py.ids[7], ['yyyy', 8, keyHash(keys[7]!)]);
    assert.equal(identityString(keys[7]!), 'yyyy#8'); // first matching attribute by sorted name
  });
});
