// Benchmark: the README's Quick start matrix (`run --items 1000,10000 --batch 1,10`) end to end on a
// fresh DDBS_TEST_HOME, local stack start included (target ≤ 60 s). Baseline in the same run: a fresh
// stack started and the same 22,000 items written into four tables with the reference loop, with no
// consumer at all — the floor of what the matrix must cost here.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createLocalStack, freePort } from '../src/local/index.ts';
import { createStreamTable, machine, referenceWrite } from './lib.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/ddbs-test');

function runQuickStart(): Promise<{ ms: number; verdict: string; code: number }> {
  return freePort().then(
    (port) =>
      new Promise((resolve) => {
        const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-bench-qs-'));
        const env = { PATH: process.env.PATH, HOME: home, DDBS_TEST_HOME: home, DDBS_TEST_LOCAL_PORT: String(port), CI: 'true' };
        const t0 = performance.now();
        execFile(process.execPath, [BIN, 'run', '--items', '1000,10000', '--batch', '1,10', '--json'], { env, maxBuffer: 1 << 26 }, (err, stdout) => {
          const ms = performance.now() - t0;
          execFile(process.execPath, [BIN, 'local', 'stop'], { env }, () => {
            fs.rmSync(home, { recursive: true, force: true });
            const code = err ? Number((err as { code?: number }).code ?? 1) : 0;
            let verdict = 'unparsed';
            try {
              verdict = (JSON.parse(stdout) as { verdict: string }).verdict;
            } catch {
              // keep 'unparsed'
            }
            resolve({ ms, verdict, code });
          });
        });
      }),
  );
}

async function baseline(): Promise<number> {
  const t0 = performance.now();
  const stack = await createLocalStack({ port: 0 });
  const ddb = new DynamoDBClient({ endpoint: stack.url, region: 'us-east-1', credentials: { accessKeyId: 'b', secretAccessKey: 'b' } });
  let i = 0;
  for (const items of [1000, 1000, 10000, 10000]) {
    const table = `bench-qs-${i++}`;
    await createStreamTable(ddb, table);
    await referenceWrite(ddb, table, items);
  }
  const ms = performance.now() - t0;
  ddb.destroy();
  await stack.close();
  return ms;
}

export async function benchQuickStart(): Promise<Record<string, unknown>> {
  const qs = await runQuickStart();
  const base = await baseline();
  return {
    name: 'quickstart',
    machine: machine(),
    quickStartMs: Math.round(qs.ms),
    exitCode: qs.code,
    verdict: qs.verdict,
    baselineMs: Math.round(base),
    ratio: Number((qs.ms / base).toFixed(2)),
    target: '≤ 60000 ms',
  };
}
