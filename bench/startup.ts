// Benchmark: how long `ddbs-test --version` and `ddbs-test --help` take as whole processes, against
// a bare `node -e 0` measured in the same rounds (interleaved, so load on this shared machine hits
// every case alike). Also timed, to show what a command costs on top: the tsx loader alone
// (`node --import tsx -e 0`) and `ddbs-test local status` (tsx plus one command, no stack running).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, median } from './lib.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin/ddbs-test');

function timeMs(args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
  return ms;
}

export async function benchStartup(): Promise<Record<string, unknown>> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-bench-startup-'));
  const env = { PATH: process.env.PATH, HOME: home, DDBS_TEST_HOME: home, CI: 'true' };
  const cases: Record<string, string[]> = {
    node: ['-e', '0'],
    version: [BIN, '--version'],
    help: [BIN, '--help'],
    tsxAlone: ['--import', 'tsx', '-e', '0'],
    localStatus: [BIN, 'local', 'status'],
  };
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (const args of Object.values(cases)) timeMs(args, env); // warm the file cache and tsx's cache
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, args] of Object.entries(cases)) samples[name]?.push(timeMs(args, env));
  }
  fs.rmSync(home, { recursive: true, force: true });
  const med = (name: string): number => Math.round(median(samples[name] ?? []));
  const ratio = (name: string): number => Number((med(name) / med('node')).toFixed(2));
  return {
    name: 'startup',
    machine: machine(),
    load: os.loadavg()[0]?.toFixed(1),
    rounds: ROUNDS,
    medianMs: Object.fromEntries(Object.keys(cases).map((k) => [k, med(k)])),
    vsBareNode: { version: ratio('version'), help: ratio('help'), tsxAlone: ratio('tsxAlone'), localStatus: ratio('localStatus') },
    target: 'version and help <= 4x bare node',
  };
}
