// How an execution environment's process is started: which interpreter, which arguments, and exactly which
// environment variables — the function's own plus Lambda's standard ones, never anything of the process
// that runs the stack (no AWS credentials, no profile, no endpoint overrides, no NODE_OPTIONS of ours).
// Like on AWS, the function gets its role's (local, temporary-looking) credentials and, unlike on AWS,
// AWS_ENDPOINT_URL pointing at this stack, so every SDK call a handler makes lands here.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { issueRoleCredentials } from './credentials.ts';
import { PYTHON_VARIABLE } from './interpreters.ts';

export const RUNTIME_DIR = path.dirname(fileURLToPath(import.meta.url));
const NODE_RUNTIME = path.join(RUNTIME_DIR, 'node-runtime.mjs');
const PYTHON_RUNTIME = path.join(RUNTIME_DIR, 'python_runtime.py');
/**
 * Where SDKs look for ~/.aws/config and ~/.aws/credentials. /dev/null is a file, so nothing below it can
 * ever exist: the user's profiles (and their real credentials) stay out of reach.
 */
export const NO_AWS_FILE = '/dev/null/ddbs-test-local-no-aws-files';

/**
 * Function variables dropped on the local stack: each would make an SDK look for credentials elsewhere
 * than the role's (a profile, a container or web-identity provider) or send a call to another endpoint
 * than this stack. The platform's own AWS_ENDPOINT_URL and credentials are set after, so they win anyway.
 */
const REDIRECTING_VARIABLE = /^AWS_(PROFILE|DEFAULT_PROFILE|ENDPOINT_URL_.+|IGNORE_CONFIGURED_ENDPOINT_URLS|CONTAINER_.+|WEB_IDENTITY_TOKEN_FILE|ROLE_ARN|ROLE_SESSION_NAME|CONFIG_FILE|SHARED_CREDENTIALS_FILE)$/;

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
  /** The function's execution role: the issued credentials are "for" it. */
  role: string;
  /** This stack's own URL (http://127.0.0.1:PORT), the function's AWS_ENDPOINT_URL. */
  endpoint: string;
}

export interface Launch {
  command: string;
  args: string[];
  env: Record<string, string>;
}

export function launchFor(spec: EnvironmentSpec, logStream: string, python: string): Launch {
  const isNode = spec.runtime.startsWith('nodejs');
  const interpreterDir = path.dirname(isNode ? process.execPath : python);
  const credentials = issueRoleCredentials(spec.role);
  const env: Record<string, string> = {
    ...functionVariables(spec.variables),
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
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials.sessionToken,
    AWS_ENDPOINT_URL: spec.endpoint,
    AWS_CONFIG_FILE: NO_AWS_FILE,
    AWS_SHARED_CREDENTIALS_FILE: NO_AWS_FILE,
  };
  if (isNode) {
    // The SDK itself is not on NODE_PATH: the runtime resolves only @aws-sdk/* and @smithy/* from
    // ddbs-test's copy (sdk-resolve.mjs), so other packages of ours never satisfy a handler's require.
    env.NODE_PATH = path.join(spec.codeDir, 'node_modules');
    // Heap cap below the memory size (AWS's runtime does the same, exact ratio unconfirmed); the RSS
    // watchdog catches what lives outside the V8 heap (Buffers).
    const heapMb = Math.max(32, Math.floor(spec.memorySize * 0.9));
    return { command: process.execPath, args: [`--max-old-space-size=${heapMb}`, NODE_RUNTIME], env };
  }
  env.PYTHONPATH = spec.codeDir;
  env.PYTHONDONTWRITEBYTECODE = '1';
  return { command: python, args: ['-X', 'utf8', PYTHON_RUNTIME], env };
}

/** The function's configured variables minus the local stack's own settings and the redirecting ones. */
function functionVariables(variables: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(variables)) if (k !== PYTHON_VARIABLE && !REDIRECTING_VARIABLE.test(k)) out[k] = v;
  return out;
}
