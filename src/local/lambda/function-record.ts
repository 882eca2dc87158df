// What the local Lambda keeps per function, and how it is shown on the wire (FunctionConfiguration as
// recorded from real AWS: the members AWS returns, in its shapes).

export interface LoggingConfig {
  LogFormat: 'Text' | 'JSON';
  LogGroup: string;
  ApplicationLogLevel?: string;
  SystemLogLevel?: string;
}

export interface FunctionRecord {
  name: string;
  arn: string;
  runtime: string;
  handler: string;
  role: string;
  description: string;
  timeout: number;
  memorySize: number;
  variables: Record<string, string>;
  architectures: string[];
  loggingConfig: LoggingConfig;
  ephemeralStorageSize: number;
  tracingMode: string;
  codeSha256: string;
  codeSize: number;
  /** Directory holding the unzipped code of the current revision (LAMBDA_TASK_ROOT). */
  codeDir: string;
  lastModified: string;
  revisionId: string;
  state: 'Pending' | 'Active';
  lastUpdateStatus?: 'InProgress' | 'Successful';
  tags: Record<string, string>;
}

/** `2020-04-10T19:06:32.563+0000`, the format Lambda uses for LastModified. */
export function lambdaTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

export function toFunctionConfiguration(fn: FunctionRecord, region: string): Record<string, unknown> {
  const config: Record<string, unknown> = {
    FunctionName: fn.name,
    FunctionArn: fn.arn,
    Runtime: fn.runtime,
    Role: fn.role,
    Handler: fn.handler,
    CodeSize: fn.codeSize,
    Description: fn.description,
    Timeout: fn.timeout,
    MemorySize: fn.memorySize,
    LastModified: fn.lastModified,
    CodeSha256: fn.codeSha256,
    Version: '$LATEST',
    Environment: { Variables: { ...fn.variables } },
    TracingConfig: { Mode: fn.tracingMode },
    RevisionId: fn.revisionId,
    State: fn.state,
    PackageType: 'Zip',
    Architectures: [...fn.architectures],
    EphemeralStorage: { Size: fn.ephemeralStorageSize },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    RuntimeVersionConfig: { RuntimeVersionArn: `arn:aws:lambda:${region}::runtime:${runtimeVersionHash(fn.runtime)}` },
    LoggingConfig: { ...fn.loggingConfig },
  };
  if (fn.state === 'Pending') {
    config.StateReason = 'The function is being created.';
    config.StateReasonCode = 'Creating';
  }
  if (fn.lastUpdateStatus) config.LastUpdateStatus = fn.lastUpdateStatus;
  if (fn.lastUpdateStatus === 'InProgress') {
    config.LastUpdateStatusReason = 'The function is being created.';
    config.LastUpdateStatusReasonCode = 'Creating';
  }
  return config;
}

/** A stable 64-hex id per runtime, standing in for AWS's runtime version hash. */
function runtimeVersionHash(runtime: string): string {
  let h = 0x811c9dc5;
  for (const ch of runtime) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0').repeat(8);
}
