import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { askMatrix } from '../../src/commands/run.ts';
import { createDeps } from '../../src/commands/context.ts';
import { createReporter } from '../../src/output/reporter.ts';
import type { Prompter } from '../../src/commands/context.ts';

function scripted(answers: string[]): Prompter & { asked: Array<[string, string]>; warnings: string[] } {
  const asked: Array<[string, string]> = [];
  const warnings: string[] = [];
  return {
    asked,
    warnings,
    confirm: async () => true,
    ask: async (q, d) => {
      asked.push([q, d]);
      const a = answers.shift() ?? '';
      return a === '' ? d : a;
    },
    warn: (m) => warnings.push(m),
  };
}

describe('run asks for the matrix in a terminal', () => {
  it('shows the defaults and takes them on an empty answer', async () => {
    const p = scripted(['', '']);
    assert.deepEqual(await askMatrix(p, undefined, undefined), { items: [1000, 10000], batch: [1, 10] });
    assert.deepEqual(p.asked.map(([, d]) => d), ['1000,10000', '1,10']);
    assert.match(p.asked[0]![0], /--items/);
  });

  it('asks only for what is missing, and again after a bad answer, naming the flag', async () => {
    const p = scripted(['0,5', '100,20000']);
    assert.deepEqual(await askMatrix(p, undefined, [10]), { items: [100, 20000], batch: [10] });
    assert.equal(p.asked.length, 2, 'items asked twice, batch never');
    assert.equal(p.warnings.length, 1);
    assert.match(p.warnings[0]!, /--items: '0' is not valid/);
  });

  it('a batch size over 10000 is refused like the flag would be', async () => {
    const p = scripted(['20000', '25']);
    assert.deepEqual(await askMatrix(p, [1000], undefined), { items: [1000], batch: [25] });
    assert.match(p.warnings[0]!, /--batch: '20000' is not valid: each value must be a whole number from 1 to 10000/);
  });
});

describe('when questions may be asked', () => {
  const reporter = createReporter({ json: false, env: {} });
  it('only with a TTY on stdin and CI unset', () => {
    assert.equal(createDeps({ io: reporter, env: {}, stdinIsTTY: true }).canPrompt, true);
    assert.equal(createDeps({ io: reporter, env: { CI: 'true' }, stdinIsTTY: true }).canPrompt, false);
    assert.equal(createDeps({ io: reporter, env: {}, stdinIsTTY: false }).canPrompt, false);
  });
});
