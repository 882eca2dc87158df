// Lambda's platform log lines in text format, as AWS writes them to the function's log group:
// INIT_START, START, END, REPORT and the lines written when an environment dies under an invocation.

export const startLine = (requestId: string) => `START RequestId: ${requestId} Version: $LATEST`;
export const endLine = (requestId: string) => `END RequestId: ${requestId}`;

/**
 * AWS's INIT_START fields, then (local stack only) which interpreter really runs the function, e.g.
 * "python3.12 runs on the local Python 3.11.7 (/usr/bin/python3)": locally the versions can differ.
 */
export function initStartLine(runtime: string, region: string, localInterpreter?: string): string {
  const m = /^([a-z]+)(\d+(?:\.\d+)?)/.exec(runtime);
  const version = m ? `${m[1]}:${m[2]}.v1` : `${runtime}.v1`;
  const line = `INIT_START Runtime Version: ${version}\tRuntime Version ARN: arn:aws:lambda:${region}::runtime:${runtime.replace(/[^a-z0-9]/g, '')}local`;
  return localInterpreter ? `${line}\t${localInterpreter}` : line;
}

/** `phase` is `invoke` for an init Lambda retried inside the first invocation after the first one overran 10 s. */
export function initReportLine(initDurationMs: number, status: string, errorType?: string, phase: 'init' | 'invoke' = 'init'): string {
  return `INIT_REPORT Init Duration: ${initDurationMs.toFixed(2)} ms\tPhase: ${phase}\tStatus: ${status}${errorType ? `\tError Type: ${errorType}` : ''}`;
}

export interface ReportFields {
  requestId: string;
  durationMs: number;
  memorySize: number;
  maxMemoryUsedMb: number;
  /** Only on a cold start. */
  initDurationMs?: number | undefined;
  /** `timeout`, or `error` with the error type, when the platform ended the invocation. */
  status?: { status: 'timeout' } | { status: 'error'; errorType: string } | undefined;
}

/** Tab-separated; Duration 2 decimals; billed = ceil(duration + init), because AWS bills the init phase too. */
export function reportLine(f: ReportFields): string {
  const billed = Math.max(1, Math.ceil(f.durationMs + (f.initDurationMs ?? 0)));
  const parts = [
    `REPORT RequestId: ${f.requestId}`,
    `Duration: ${f.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${billed} ms`,
    `Memory Size: ${f.memorySize} MB`,
    `Max Memory Used: ${Math.max(1, Math.min(f.maxMemoryUsedMb, f.memorySize))} MB`,
  ];
  if (f.initDurationMs !== undefined) parts.push(`Init Duration: ${f.initDurationMs.toFixed(2)} ms`);
  if (!f.status) return `${parts.join('\t')}\t`;
  parts.push(`Status: ${f.status.status}`);
  if (f.status.status === 'error') parts.push(`Error Type: ${f.status.errorType}`);
  return parts.join('\t');
}
