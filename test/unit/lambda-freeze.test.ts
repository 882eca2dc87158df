// A timed-out invocation is frozen at its deadline, as on AWS: whatever the handler logs or returns
// afterwards is never seen. The stack enforces the timeout with a timer, and a stack starved of CPU
// (a loaded two-core machine) can wake to find the handler's late result and late lines already
// waiting, before its timer has run. The environment's own runtime must drop them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pause } from '../../src/core/timing.ts';

const SERVICE = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/handlers/starved-service.ts');

interface Outcome {
  response: { errorType?: string; late?: boolean };
  log: string[];
}

/** Runs the service process, stops it (SIGSTOP) through the handler's deadline and late output, then resumes it. */
async function starvedInvocation(runtime: 'node' | 'python'): Promise<Outcome> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVICE, runtime, '1300'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const invoking = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('invoking\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`service exited (${code}) before invoking: ${out}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await invoking;
  child.kill('SIGSTOP');
  // The starvation itself is what is under test: the stack must sleep through the 1 s deadline and
  // the handler's late output at 1.3 s (the environment, a separate process, keeps running).
  await pause(2500);
  child.kill('SIGCONT');
  await exited;
  const last = out.trim().split('\n').at(-1)!;
  return JSON.parse(last) as Outcome;
}

describe('a timed-out invocation is frozen at its deadline', { timeout: 60_000 }, () => {
  for (const runtime of ['node', 'python'] as const) {
    it(`${runtime}: a stack starved past the deadline still reports a timeout, and no late line reaches the log`, async () => {
      const { response, log } = await starvedInvocation(runtime);
      assert.equal(response.errorType, 'Sandbox.Timedout', JSON.stringify(response));
      assert.ok(log.some((m) => /Status: timeout/.test(m)), 'REPORT says timeout');
      assert.deepEqual(log.filter((m) => m.includes('late')), [], 'no late line in the log group');
    });
  }
});
