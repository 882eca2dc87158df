// Spawns the real bin/ddbs-test with DDBS_TEST_HOME in a temp folder and a free stack port.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/local/index.ts';

export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/ddbs-test');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliSandbox {
  home: string;
  port: number;
  env: NodeJS.ProcessEnv;
  run(args: string[], opts?: { timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<CliResult>;
  /** Stops the sandbox's stack (if any) and removes its home. */
  cleanup(): Promise<void>;
}

export async function createCliSandbox(): Promise<CliSandbox> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-test-e2e-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    DDBS_TEST_HOME: home,
    DDBS_TEST_LOCAL_PORT: String(port),
    CI: 'true',
    NO_COLOR: '1',
    ...(process.env.JAVA_HOME ? { JAVA_HOME: process.env.JAVA_HOME } : {}),
  };
  const run = (args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> =>
    new Promise((resolve) => {
      execFile(process.execPath, [BIN, ...args], { env: { ...env, ...opts.env }, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  return {
    home,
    port,
    env,
    run,
    async cleanup() {
      await run(['local', 'stop']);
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
