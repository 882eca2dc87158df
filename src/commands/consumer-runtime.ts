// What actually runs the consumer function, checked before anything is created. On the local stack a
// Python function runs on an interpreter of this machine and a Node.js function on the Node.js running
// ddbs-test, so: the interpreter must exist and be recent enough, boto3 must be there when the handler
// imports it (AWS's Python runtimes ship it; a copy bundled in --code wins, as on AWS), and the output says
// which versions run it. Also the variables the function's configuration needs for its target.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Target } from '../aws/target.ts';
import type { ConsumerSettings } from '../aws/consumer.ts';
import {
  interpreterName, localNodeSdkVersion, localNodeVersion, MIN_PYTHON, probePython, PYTHON_VARIABLE, pythonTooOld, runsOnSentence,
} from '../local/lambda/runtime/interpreters.ts';
import { UsageError } from '../errors.ts';

export interface LocalRuntime {
  runtime: string;
  /** "Python 3.11.7" / "Node.js 20.20.2". */
  interpreter: string;
  executable: string;
  /** The AWS SDK the handler can import there, e.g. "boto3 1.43.11", or undefined when there is none. */
  sdk?: string;
  /** The sentence for the output: "python3.12 runs on the local Python 3.11.7 (/usr/bin/python3) with boto3 1.43.11". */
  summary: string;
}

export interface ConsumerRuntime {
  /** Set on the local target only. */
  local?: LocalRuntime;
  /** Variables added to the function's configuration. */
  variables: Record<string, string>;
}

const BOTO_IMPORT = /^[ \t]*(?:import[ \t]+(?:boto3|botocore)\b|from[ \t]+(?:boto3|botocore)\b)/m;
const SKIPPED_DIRS = new Set(['.git', '__pycache__', 'node_modules', '.venv', 'venv']);
const MAX_SCANNED_FILES = 2000;

/** Checks what will run the function on this target; throws UsageError (exit 2) before anything is created. */
export async function checkConsumerRuntime(s: ConsumerSettings, target: Target, opts: { python?: string | undefined }, env: NodeJS.ProcessEnv): Promise<ConsumerRuntime> {
  const isPython = s.runtime.startsWith('python');
  if (opts.python !== undefined && !isPython) throw new UsageError(`--python applies to Python runtimes only (--runtime is ${s.runtime})`);
  if (opts.python !== undefined && target.kind !== 'local') throw new UsageError('--python applies to the local stack only: on AWS or another endpoint the Lambda service picks the interpreter');
  // The emulator behind --endpoint-url runs the function: its SDK calls must go to that emulator too.
  if (target.kind === 'endpoint' && target.endpoint) return { variables: { AWS_ENDPOINT_URL: target.endpoint } };
  if (target.kind !== 'local') return { variables: {} };
  if (!isPython) {
    const version = localNodeVersion();
    const sdkVersion = localNodeSdkVersion();
    const sdk = sdkVersion ? `AWS SDK for JavaScript v3 ${sdkVersion}` : undefined;
    const summary = `${runsOnSentence(s.runtime, 'node', version)} (${process.execPath})${sdk ? ` with the ${sdk}` : ''}`;
    return { local: { runtime: s.runtime, interpreter: interpreterName('node', version), executable: process.execPath, ...(sdk ? { sdk } : {}), summary }, variables: {} };
  }

  const requested = opts.python ?? env.DDBS_TEST_PYTHON;
  const flag = opts.python !== undefined ? '--python' : 'DDBS_TEST_PYTHON';
  const probe = await probePython(requested || 'python3', { PATH: env.PATH, HOME: env.HOME, PYENV_ROOT: env.PYENV_ROOT, PYENV_VERSION: env.PYENV_VERSION });
  const minimum = MIN_PYTHON.join('.');
  if (!probe.ok) {
    throw new UsageError(requested ? `${flag} ${requested}: ${probe.reason}` : `--runtime ${s.runtime} needs Python ${minimum} or later on this machine to run locally: ${probe.reason}`, {
      hint: requested ? `give the path of a Python ${minimum}+ interpreter` : `install Python 3, or name an interpreter with --python PATH (or DDBS_TEST_PYTHON)`,
    });
  }
  const py = probe.python;
  if (pythonTooOld(py.version)) {
    throw new UsageError(`--runtime ${s.runtime} needs Python ${minimum} or later to run locally; ${py.executable} is Python ${py.version}`, { hint: 'name a newer interpreter with --python PATH (or DDBS_TEST_PYTHON)' });
  }
  if (!py.boto3 && s.code && (await importsBoto3(s.code))) {
    throw new UsageError(`--code ${s.code} imports boto3, which ${py.executable} (Python ${py.version}) does not have`, {
      hint: `install it: ${py.executable} -m pip install boto3 (or pick another interpreter with --python PATH)`,
    });
  }
  const sdk = py.boto3 ? `boto3 ${py.boto3}` : undefined;
  const summary = `${runsOnSentence(s.runtime, 'python', py.version)} (${py.executable})${sdk ? ` with ${sdk}` : ' without boto3'}`;
  return {
    local: { runtime: s.runtime, interpreter: interpreterName('python', py.version), executable: py.executable, ...(sdk ? { sdk } : {}), summary },
    // The stack spawns exactly the interpreter checked here, whatever its own PATH finds.
    variables: { [PYTHON_VARIABLE]: py.executable },
  };
}

/** True when a .py file under `codePath` imports boto3/botocore and the code does not bundle its own boto3. */
export async function importsBoto3(codePath: string): Promise<boolean> {
  const info = await stat(codePath).catch(() => undefined);
  if (!info) return false;
  if (info.isFile()) return codePath.endsWith('.py') && BOTO_IMPORT.test(await readFile(codePath, 'utf8'));
  if (await stat(path.join(codePath, 'boto3', '__init__.py')).catch(() => undefined)) return false; // bundled: it wins
  const queue = [codePath];
  let scanned = 0;
  while (queue.length > 0 && scanned < MAX_SCANNED_FILES) {
    const dir = queue.shift() as string;
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) queue.push(path.join(dir, entry.name));
      else if (entry.isFile() && entry.name.endsWith('.py')) {
        scanned++;
        if (BOTO_IMPORT.test(await readFile(path.join(dir, entry.name), 'utf8'))) return true;
      }
    }
  }
  return false;
}
