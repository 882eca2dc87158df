// How an execution environment's process is started: which interpreter, which arguments, and exactly which
// environment variables — the function's own plus Lambda's standard ones, never anything of the process
// that runs the stack (no AWS credentials, no endpoint overrides, no NODE_OPTIONS of ours).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const RUNTIME_DIR = path.dirname(fileURLToPath(import.meta.url));
const NODE_RUNTIME = path.join(RUNTIME_DIR, 'node-runtime.mjs');
const PYTHON_RUNTIME = path.join(RUNTIME_DIR, 'python_runtime.py');
/** The project's own node_modules, standing in for the SDK that AWS's Node runtimes ship in /var/runtime. */
const RUNTIME_NODE_MODULES = path.resolve(RUNTIME_DIR, '../../../../node_modules');

export interface EnvironmentSpec {
  functionName: string;
  functionArn: string;
  runtime: string;
  handler: string;
  memorySize: number;
  timeoutSeconds: number;
  codeDir: string;
  variables: Record<string, string>;
  logGroup: string;
  region: string;
}

export interface Launch {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** Resolves the real python3 once per service (a pyenv shim would need our environment to work). */
export function resolvePython(): Promise<string> {
  return new Promise((resolve) => {
    execFile('python3', ['-c', 'import sys; print(sys.executable)'], { timeout: 10_000 }, (err, stdout) => {
      resolve(err ? 'python3' : stdout.trim() || 'python3');
    });
  });
}

export function launchFor(spec: EnvironmentSpec, logStream: string, python: string): Launch {
  const isNode = spec.runtime.startsWith('nodejs');
  const interpreterDir = path.dirname(isNode ? process.execPath : python);
  const env: Record<string, string> = {
    ...spec.variables,
    AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: spec.logGroup,
    AWS_LAMBDA_LOG_STREAM_NAME: logStream,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
    AWS_REGION: spec.region,
    AWS_DEFAULT_REGION: spec.region,
    _HANDLER: spec.handler,
    LAMBDA_TASK_ROOT: spec.codeDir,
    LAMBDA_RUNTIME_DIR: RUNTIME_DIR,
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    PATH: `${interpreterDir}:/usr/local/bin:/usr/bin:/bin`,
  };
  if (isNode) {
    env.NODE_PATH = `${path.join(spec.codeDir, 'node_modules')}:${RUNTIME_NODE_MODULES}`;
    // Heap cap below the memory size (AWS's runtime does the same, exact ratio unconfirmed); the RSS
    // watchdog catches what lives outside the V8 heap (Buffers).
    const heapMb = Math.max(32, Math.floor(spec.memorySize * 0.9));
    return { command: process.execPath, args: [`--max-old-space-size=${heapMb}`, NODE_RUNTIME], env };
  }
  env.PYTHONPATH = spec.codeDir;
  env.PYTHONDONTWRITEBYTECODE = '1';
  return { command: python, args: ['-X', 'utf8', PYTHON_RUNTIME], env };
}
