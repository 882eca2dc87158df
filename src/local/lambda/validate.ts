// Request validation for CreateFunction / UpdateFunctionConfiguration, with the error texts real AWS
// returns (recorded from the service), so clients that match on messages behave the same.
import { LambdaApiError, invalidParameter, validationError } from './errors.ts';

export const SUPPORTED_RUNTIMES = [
  'nodejs18.x', 'nodejs20.x', 'nodejs22.x', 'nodejs24.x',
  'python3.9', 'python3.10', 'python3.11', 'python3.12', 'python3.13',
];

const ROLE_PATTERN = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const NAME_PATTERN = /^[a-zA-Z0-9_-]+$/;
const ENV_KEY = /^[a-zA-Z]([a-zA-Z0-9_])*$/;
const ENV_LIMIT_BYTES = 4096;
/** Variables the Lambda platform sets itself; AWS refuses them in Environment.Variables. */
const RESERVED_ENV = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]);

export function validateName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) throw validationError(`Value null at 'functionName' failed to satisfy constraint: Member must not be null`);
  if (name.length > 64) throw invalidParameter(`1 validation error detected: Value '${name}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64`);
  if (!NAME_PATTERN.test(name)) {
    throw validationError(`Value '${name}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`);
  }
  return name;
}

export function validateRole(role: unknown): string {
  if (typeof role !== 'string' || !ROLE_PATTERN.test(role)) {
    throw validationError(`Value '${String(role)}' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+`);
  }
  return role;
}

export function validateRuntime(runtime: unknown): string {
  if (typeof runtime !== 'string' || !SUPPORTED_RUNTIMES.includes(runtime)) {
    throw invalidParameter(`Value ${String(runtime)} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [${SUPPORTED_RUNTIMES.join(', ')}] or be a valid ARN`);
  }
  return runtime;
}

export function validateHandler(handler: unknown): string {
  if (typeof handler !== 'string' || handler.length === 0) throw invalidParameter('Runtime and Handler are mandatory parameters for functions created with deployment packages.');
  if (handler.length > 128) throw validationError(`Value '${handler}' at 'handler' failed to satisfy constraint: Member must have length less than or equal to 128`);
  return handler;
}

export function validateTimeout(timeout: unknown): number {
  if (!Number.isInteger(timeout)) throw validationError(`Value '${String(timeout)}' at 'timeout' failed to satisfy constraint: Member must be an integer`);
  const t = timeout as number;
  if (t < 1) throw validationError(`Value '${t}' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1`);
  if (t > 900) throw validationError(`Value '${t}' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900`);
  return t;
}

export function validateMemorySize(memory: unknown): number {
  if (!Number.isInteger(memory)) throw validationError(`Value '${String(memory)}' at 'memorySize' failed to satisfy constraint: Member must be an integer`);
  const m = memory as number;
  if (m < 128) throw validationError(`Value '${m}' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128`);
  if (m > 10240) throw invalidParameter(`'MemorySize' value failed to satisfy constraint: Member must have value less than or equal to 10240`);
  return m;
}

export function validateEnvironment(environment: unknown): Record<string, string> {
  const vars = (environment as { Variables?: unknown } | undefined)?.Variables ?? {};
  if (typeof vars !== 'object' || vars === null || Array.isArray(vars)) throw invalidParameter('Environment.Variables must be a map of strings.');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) {
    if (!ENV_KEY.test(k)) throw validationError(`Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]`);
    out[k] = String(v);
  }
  const reserved = Object.keys(out).filter((k) => RESERVED_ENV.has(k));
  if (reserved.length > 0) {
    throw invalidParameter(`Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`);
  }
  const measured = JSON.stringify(out);
  if (Buffer.byteLength(measured) > ENV_LIMIT_BYTES) {
    throw invalidParameter(`Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured}`);
  }
  return out;
}

export function validateArchitectures(arch: unknown): string[] {
  if (arch === undefined) return ['x86_64'];
  if (!Array.isArray(arch) || arch.length !== 1 || !['x86_64', 'arm64'].includes(arch[0] as string)) {
    throw validationError(`Value '${JSON.stringify(arch)}' at 'architectures' failed to satisfy constraint: Member must have length less than or equal to 1, Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64]]`);
  }
  return [arch[0] as string];
}

/** Parses a JSON request body; AWS answers malformed JSON with this shape. */
export function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new LambdaApiError('InvalidRequestContentException', 'Could not parse request body into json: Unexpected character in request body');
}
