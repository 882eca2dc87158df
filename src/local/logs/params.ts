// Reading members of a request body: the wire is untrusted JSON, so every op reads through these
// helpers, which answer with AWS's model-validation wording when a member is missing or out of range.
import { LogsError, invalidNextToken, invalidParameter, validationFailed } from './errors.ts';

export type Input = Record<string, unknown>;

export function optString(input: Input, name: string, opts: { min?: number; max?: number; pattern?: RegExp } = {}): string | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new LogsError('SerializationException', `STRING_VALUE can not be converted to a String (member ${name})`);
  if (opts.min !== undefined && v.length < opts.min) throw validationFailed(v, name, `Member must have length greater than or equal to ${opts.min}`);
  if (opts.max !== undefined && v.length > opts.max) throw validationFailed(v, name, `Member must have length less than or equal to ${opts.max}`);
  if (opts.pattern && !opts.pattern.test(v)) throw validationFailed(v, name, `Member must satisfy regular expression pattern: ${opts.pattern.source.replace(/^\^|\$$/g, '')}`);
  return v;
}

export function reqString(input: Input, name: string, opts: { min?: number; max?: number; pattern?: RegExp } = {}): string {
  const v = optString(input, name, opts);
  if (v === undefined) throw validationFailed('null', name, 'Member must not be null');
  return v;
}

export function optInt(input: Input, name: string, range: { min?: number; max?: number } = {}): number | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new LogsError('SerializationException', `NUMBER_VALUE can not be converted to a number (member ${name})`);
  if (range.min !== undefined && v < range.min) throw validationFailed(v, name, `Member must have value greater than or equal to ${range.min}`);
  if (range.max !== undefined && v > range.max) throw validationFailed(v, name, `Member must have value less than or equal to ${range.max}`);
  return Math.trunc(v);
}

export function optBool(input: Input, name: string): boolean | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new LogsError('SerializationException', `BOOLEAN_VALUE can not be converted to a Boolean (member ${name})`);
  return v;
}

export function optStringList(input: Input, name: string, range: { min?: number; max?: number } = {}): string[] | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new LogsError('SerializationException', `Expected a list of strings for ${name}`);
  if (range.min !== undefined && v.length < range.min) throw validationFailed(`[${v.join(', ')}]`, name, `Member must have length greater than or equal to ${range.min}`);
  if (range.max !== undefined && v.length > range.max) throw validationFailed(`[${v.join(', ')}]`, name, `Member must have length less than or equal to ${range.max}`);
  return v as string[];
}

/** Tags map: ≤ 50 entries, keys 1–128, values 0–256 (the model's limits). */
export function optTags(input: Input, name: string): Record<string, string> | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new LogsError('SerializationException', `Expected a map for ${name}`);
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length > 50) throw validationFailed('{...}', name, 'Member must have length less than or equal to 50');
  for (const [k, val] of entries) {
    if (typeof val !== 'string') throw new LogsError('SerializationException', `Tag values must be strings (${k})`);
    if (k.length < 1 || k.length > 128) throw validationFailed(k, `${name}.key`, 'Member must have length less than or equal to 128');
    if (val.length > 256) throw validationFailed(val, `${name}.value`, 'Member must have length less than or equal to 256');
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

export const GROUP_NAME_PATTERN = /^[.\-_/#A-Za-z0-9]+$/;
export const STREAM_NAME_PATTERN = /^[^:*]*$/;

/** A log group named by `logGroupName` xor `logGroupIdentifier` (a name or an ARN, with or without `:*`). */
export function groupNameFrom(input: Input): string {
  const name = optString(input, 'logGroupName', { min: 1, max: 512 });
  const identifier = optString(input, 'logGroupIdentifier', { min: 1, max: 2048 });
  if (name !== undefined && identifier !== undefined) {
    throw new LogsError('ValidationException', 'LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  }
  if (identifier !== undefined) return groupNameFromArnOrName(identifier);
  if (name === undefined) throw invalidParameter('Should provide either a logGroupName or a logGroupIdentifier.');
  return name;
}

/** `arn:aws:logs:r:a:log-group:NAME[:*]` → NAME; a plain name passes through. */
export function groupNameFromArnOrName(value: string): string {
  const m = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:([^:]+)(?::\*)?$/.exec(value);
  return m ? m[1]! : value;
}

/** Opaque pagination tokens: base64url JSON tagged with the op, so a token from another op is rejected. */
export function encodePageToken(op: string, data: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ op, ...data }), 'utf8').toString('base64url');
}

export function decodePageToken(op: string, token: string | undefined): Record<string, unknown> | undefined {
  if (token === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (parsed && typeof parsed === 'object' && (parsed as { op?: unknown }).op === op) return parsed as Record<string, unknown>;
  } catch {
    // fall through: any undecodable token is "invalid" to AWS too
  }
  throw invalidNextToken();
}

/** Offset-style page token helper for list operations (groups, streams, queries). */
export function pageByOffset<T>(op: string, items: T[], limit: number, nextToken: string | undefined): { page: T[]; nextToken?: string } {
  const decoded = decodePageToken(op, nextToken);
  const offset = decoded === undefined ? 0 : Number(decoded.o);
  if (!Number.isInteger(offset) || offset < 0) throw invalidNextToken();
  const page = items.slice(offset, offset + limit);
  const end = offset + page.length;
  return end < items.length ? { page, nextToken: encodePageToken(op, { o: end }) } : { page };
}
