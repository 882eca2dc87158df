// Which local interpreter runs a function, and which AWS SDK it offers. AWS runs `python3.12` on Python
// 3.12 with boto3 and `nodejs22.x` on Node.js 22 with the AWS SDK for JavaScript v3; the local stack runs
// Python functions on one interpreter of this machine and Node.js functions on the Node.js that runs
// ddbs-test, so the versions can differ and are said plainly (attach-consumer, INIT_START).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The oldest Python the local runtime (python_runtime.py, the consumer) is written for. */
export const MIN_PYTHON: readonly [number, number] = [3, 8];
/** Function configuration variable naming the interpreter for a Python function on the local stack. */
export const PYTHON_VARIABLE = 'DDBS_TEST_PYTHON';

export interface PythonInterpreter {
  /** Absolute path (sys.executable), what the stack spawns. */
  executable: string;
  version: string;
  boto3?: string;
  botocore?: string;
}

export type PythonProbe = { ok: true; python: PythonInterpreter } | { ok: false; reason: string };

// One line of JSON; boto3 is imported (not just looked up) so a broken install counts as missing.
const PROBE = `import sys, json
info = {"executable": sys.executable, "version": "%d.%d.%d" % tuple(sys.version_info[:3])}
try:
    import boto3, botocore
    info["boto3"] = boto3.__version__
    info["botocore"] = botocore.__version__
except Exception:
    pass
print(json.dumps(info))`;

/**
 * How long the probe may take. Importing boto3 costs a second of CPU, more through a pyenv shim, and
 * on a busy machine much more: too short a limit calls a working interpreter broken.
 */
const PROBE_TIMEOUT_MS = 60_000;

/** Runs `command` (a name on PATH or a path) to learn its executable, version and SDK. */
export function probePython(command: string, env: Record<string, string | undefined>): Promise<PythonProbe> {
  return new Promise((resolve) => {
    execFile(command, ['-c', PROBE], { env: env as NodeJS.ProcessEnv, timeout: PROBE_TIMEOUT_MS }, (err, stdout) => {
      if (err) {
        const { code, killed } = err as { code?: unknown; killed?: boolean };
        if (code === 'ENOENT') return resolve({ ok: false, reason: `${command} was not found` });
        if (killed) return resolve({ ok: false, reason: `${command} did not answer within ${PROBE_TIMEOUT_MS / 1000} s (is the machine overloaded?)` });
        return resolve({ ok: false, reason: `${command} did not run (${err.message.split('\n')[0]})` });
      }
      try {
        const info = JSON.parse(stdout.trim().split('\n').pop() ?? '') as PythonInterpreter;
        if (typeof info.executable !== 'string' || typeof info.version !== 'string') throw new Error('shape');
        resolve({ ok: true, python: info });
      } catch {
        resolve({ ok: false, reason: `${command} is not a Python interpreter ddbs-test can use (unexpected output)` });
      }
    });
  });
}

/** True when the version (e.g. "3.11.7") is older than MIN_PYTHON. */
export function pythonTooOld(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1]);
}

/** `Python 3.11.7`, `Node.js 20.20.2`. */
export function interpreterName(language: 'node' | 'python', version: string): string {
  return language === 'node' ? `Node.js ${version}` : `Python ${version}`;
}

/** "python3.12 runs on the local Python 3.11.7" — the sentence attach-consumer and INIT_START use. */
export function runsOnSentence(runtime: string, language: 'node' | 'python', version: string): string {
  return `${runtime} runs on the local ${interpreterName(language, version)}`;
}

/** The Node.js version local Node functions run on: the one running ddbs-test (and its stack). */
export function localNodeVersion(): string {
  return process.versions.node;
}

/** Version of the AWS SDK for JavaScript v3 the local Node runtime offers, from the package it resolves. */
export function localNodeSdkVersion(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const pkg = JSON.parse(readFileSync(require.resolve('@aws-sdk/client-dynamodb/package.json'), 'utf8')) as { version?: string };
    return pkg.version;
  } catch {
    return undefined;
  }
}
