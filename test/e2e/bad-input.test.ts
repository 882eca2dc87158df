import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';

// Each case: exit 2, one message naming the option and what is valid, and nothing created (the
// local stack is not even started, and no state file is written).
const CASES: Array<{ args: string[]; names: RegExp; valid: RegExp }> = [
  { args: ['create-table', '--table', ''], names: /--table/, valid: /1 to 255 characters/ },
  { args: ['create-table', '--table', 'has space'], names: /--table/, valid: /a-z, A-Z, 0-9/ },
  { args: ['create-table', '--table', 'x'.repeat(256)], names: /--table/, valid: /1 to 255 characters/ },
  { args: ['create-table', '--table', 'okname', '--key-schema', 'pk:X'], names: /--key-schema/, valid: /S, N, B/ },
  { args: ['create-table', '--table', 'okname', '--stream-view-type', 'NOPE'], names: /--stream-view-type/, valid: /NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES, KEYS_ONLY/ },
  { args: ['create-table', '--table', 'okname', '--unknown-flag'], names: /--unknown-flag/, valid: /unknown option/ },
  { args: ['create-table'], names: /--table/, valid: /required/ },
  { args: ['create-table', '--table', 'okname', '--target', 'aws', '--endpoint-url', 'http://127.0.0.1:1'], names: /--endpoint-url/, valid: /conflicts/ },
  { args: ['create-table', '--table', 'okname', '--port', '70000'], names: /--port/, valid: /1 to 65535/ },
];

describe('bad input: exit 2, a message naming the option, nothing created', () => {
  let box: CliSandbox;
  before(async () => {
    box = await createCliSandbox();
  });
  after(async () => {
    await box.cleanup();
  });

  for (const c of CASES) {
    it(`ddbs-test ${c.args.map((a) => (a.length > 30 ? `${a.slice(0, 10)}…` : a || "''")).join(' ')}`, async () => {
      const r = await box.run(c.args);
      assert.equal(r.code, 2, `exit code; stderr: ${r.stderr}`);
      assert.match(r.stderr, c.names);
      assert.match(r.stderr, c.valid);
      assert.equal(r.stdout, '');
      assert.equal(fs.existsSync(path.join(box.home, 'state.json')), false, 'no state written');
      assert.equal(fs.existsSync(path.join(box.home, 'local', 'stack.json')), false, 'no stack started');
    });
  }
});
