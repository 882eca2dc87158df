// The fields Logs Insights discovers for one event: system fields (@timestamp, @message, @logStream, …), Lambda platform
// fields parsed from START/END/REPORT lines, and the first JSON fragment flattened with dot notation.
import type { Value } from './ast.ts';

/** Memory fields are reported in bytes; 1 MB = 1,000,000 bytes (AWS's sample divides by 1000/1000). */
const BYTES_PER_MB = 1_000_000;
const MAX_JSON_FIELDS = 1000;
const APP_LINE = /^\d{4}-\d\d-\d\dT[^\t]*\t([0-9a-fA-F-]{36})\t[A-Z]+\t/;

/** `@type`, `@requestId`, `@duration`, … for Lambda platform lines; `@requestId` for app lines. */
export function lambdaFields(message: string): Record<string, Value> | undefined {
  if (message.startsWith('START RequestId: ')) {
    const m = /^START RequestId: (\S+)(?:\s+Version: (\S+))?/.exec(message);
    return m ? { '@type': 'START', '@requestId': m[1]!, ...(m[2] ? { '@version': m[2] } : {}) } : undefined;
  }
  if (message.startsWith('END RequestId: ')) {
    const m = /^END RequestId: (\S+)/.exec(message);
    return m ? { '@type': 'END', '@requestId': m[1]! } : undefined;
  }
  if (message.startsWith('REPORT RequestId: ')) return reportFields(message);
  const app = APP_LINE.exec(message);
  return app ? { '@requestId': app[1]! } : undefined;
}

function reportFields(message: string): Record<string, Value> {
  const out: Record<string, Value> = { '@type': 'REPORT' };
  // Tab-separated "Key: value [unit]" pairs; trailing tabs/spaces vary by era, so split tolerantly.
  for (const part of message.split('\t')) {
    const m = /^\s*([A-Za-z ]+?):\s*(\S+)(?:\s*(ms|MB))?\s*$/.exec(part);
    if (!m) continue;
    const [, key, raw, unit] = m;
    const n = Number(raw);
    switch (key) {
      case 'REPORT RequestId':
        out['@requestId'] = raw;
        break;
      case 'Duration':
        out['@duration'] = n;
        break;
      case 'Billed Duration':
        out['@billedDuration'] = n;
        break;
      case 'Init Duration':
        out['@initDuration'] = n;
        break;
      case 'Memory Size':
        out['@memorySize'] = unit === 'MB' ? n * BYTES_PER_MB : n;
        break;
      case 'Max Memory Used':
        out['@maxMemoryUsed'] = unit === 'MB' ? n * BYTES_PER_MB : n;
        break;
      case 'XRAY TraceId':
        out['@xrayTraceId'] = raw;
        break;
      case 'SegmentId':
        out['@xraySegmentId'] = raw;
        break;
      case 'Status':
        out['@status'] = raw;
        break;
      default:
        break;
    }
  }
  return out;
}

/** The first JSON object embedded in the message (the whole message, or e.g. after a Lambda prefix). */
export function firstJsonFragment(message: string): Record<string, unknown> | undefined {
  const start = message.indexOf('{');
  if (start < 0) return undefined;
  const tail = message.slice(start).trimEnd();
  try {
    const whole = JSON.parse(tail) as unknown;
    if (whole && typeof whole === 'object' && !Array.isArray(whole)) return whole as Record<string, unknown>;
  } catch {
    // not the whole tail: find the end of the first balanced object below
  }
  let depth = 0;
  let inString = false;
  for (let i = 0; i < tail.length; i++) {
    const c = tail[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      try {
        const v = JSON.parse(tail.slice(0, i + 1)) as unknown;
        return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** `{a:{b:1}, items:[{id:2}]}` → {"a.b": 1, "items.0.id": 2}; at most 1000 fields. */
export function flattenJson(obj: Record<string, unknown>): Map<string, Value> {
  const out = new Map<string, Value>();
  const walk = (v: unknown, path: string): void => {
    if (out.size >= MAX_JSON_FIELDS) return;
    if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) walk(child, path ? `${path}.${k}` : k);
      return;
    }
    if (path) out.set(path, v as Value);
  };
  walk(obj, '');
  return out;
}
