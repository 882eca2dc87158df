// Soak benchmark: `run --items 100000 --batch 100` on the local stack must complete with 0 missing,
// and memory must not grow with the item count beyond what the result needs. Baseline in the same
// run: the same command at 10,000 items; the report gives peak memory (VmHWM) of the tool and of the
// stack (its Node process and the DynamoDB Local JVM) for both, and the ratios.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../src/local/index.ts';
import { machine } from './lib.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/ddbs-test');

function peakKb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

interface SoakResult {
  items: number;
  wallMs: number;
  missing: number | null;
  verdict: string;
  toolPeakMb: number;
  stackNodePeakMb: number;
  jvmPeakMb: number;
}

async function soak(items: number): Promise<SoakResult> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-bench-soak-'));
  const port = await freePort();
  const env = { PATH: process.env.PATH, HOME: home, DDBS_TEST_HOME: home, DDBS_TEST_LOCAL_PORT: String(port), CI: 'true' };
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, 'run', '--items', String(items), '--batch', '100', '--json'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  let tool = 0;
  let stackNode = 0;
  let jvm = 0;
  const sample = (): void => {
    tool = Math.max(tool, peakKb(child.pid));
    try {
      const info = JSON.parse(fs.readFileSync(path.join(home, 'local', 'stack.json'), 'utf8')) as { pid: number; jvmPid: number };
      stackNode = Math.max(stackNode, peakKb(info.pid));
      jvm = Math.max(jvm, peakKb(info.jvmPid));
    } catch {
      // not started yet
    }
  };
  const timer = setInterval(sample, 500);
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  clearInterval(timer);
  const wallMs = performance.now() - t0;
  await new Promise((r) => spawn(process.execPath, [BIN, 'local', 'stop'], { env, stdio: 'ignore' }).on('exit', r));
  fs.rmSync(home, { recursive: true, force: true });
  let missing: number | null = null;
  let verdict = `exit ${code}`;
  try {
    const doc = JSON.parse(stdout) as { verdict: string; cells: Array<{ missing: number }> };
    missing = doc.cells[0]?.missing ?? null;
    verdict = doc.verdict;
  } catch {
    // keep the exit code as the verdict
  }
  const mb = (kb: number) => Math.round(kb / 1024);
  return { items, wallMs: Math.round(wallMs), missing, verdict, toolPeakMb: mb(tool), stackNodePeakMb: mb(stackNode), jvmPeakMb: mb(jvm) };
}

export async function benchSoak(): Promise<Record<string, unknown>> {
  const small = await soak(10_000);
  const big = await soak(Number(process.env.BENCH_ITEMS ?? 100_000));
  return {
    name: 'soak',
    machine: machine(),
    baseline10k: small,
    soak: big,
    toolPeakRatio: Number((big.toolPeakMb / Math.max(1, small.toolPeakMb)).toFixed(2)),
    stackNodePeakRatio: Number((big.stackNodePeakMb / Math.max(1, small.stackNodePeakMb)).toFixed(2)),
    note: 'VmHWM sampled every 500 ms; the tool process is the ddbs-test CLI (node + tsx)',
  };
}
