// FilterCriteria: the subset of EventBridge event patterns Lambda applies to stream records (up to 5
// filters; a record is delivered when any of them matches, dropped otherwise). A pattern is a JSON object whose leaves are arrays of rules; an event matches
// when every leaf matches, and a leaf matches when any of its rules does. Values are compared as the
// record carries them, so DynamoDB's type keys (`{"S": ...}`) are part of the path and `N` values are
// strings (numeric rules never match them).

export type CompiledFilter = Record<string, unknown>;

const INVALID = 'Invalid filter pattern definition.';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPrimitive = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
const NUMERIC_OPS = new Set(['<', '<=', '=', '>', '>=']);

function validRule(rule: unknown): boolean {
  if (isPrimitive(rule)) return true;
  if (!isObject(rule)) return false;
  const keys = Object.keys(rule);
  if (keys.length !== 1) return false;
  const [op] = keys as [string];
  const arg = rule[op];
  switch (op) {
    case 'exists':
      return typeof arg === 'boolean';
    case 'prefix':
    case 'suffix':
      return typeof arg === 'string' || (isObject(arg) && Object.keys(arg).length === 1 && typeof arg['equals-ignore-case'] === 'string');
    case 'equals-ignore-case':
    case 'wildcard':
      return typeof arg === 'string';
    case 'anything-but':
      if (isPrimitive(arg)) return arg !== null;
      if (Array.isArray(arg)) return arg.length > 0 && arg.every((a) => typeof a === 'string' || typeof a === 'number');
      return isObject(arg) && Object.keys(arg).length === 1 && (typeof arg.prefix === 'string' || typeof arg.suffix === 'string');
    case 'numeric': {
      if (!Array.isArray(arg) || arg.length === 0 || arg.length % 2 !== 0 || arg.length > 4) return false;
      for (let i = 0; i < arg.length; i += 2) {
        if (!NUMERIC_OPS.has(String(arg[i])) || typeof arg[i + 1] !== 'number') return false;
      }
      return true;
    }
    default:
      return false;
  }
}

function validPattern(p: unknown): boolean {
  if (!isObject(p) || Object.keys(p).length === 0) return false;
  for (const v of Object.values(p)) {
    if (Array.isArray(v)) {
      if (v.length === 0 || !v.every(validRule)) return false;
    } else if (!validPattern(v)) return false;
  }
  return true;
}

/** Parses and checks one `Pattern` string; throws the AWS message when it is not a valid pattern. */
export function compileFilter(pattern: unknown): CompiledFilter {
  if (typeof pattern !== 'string') throw new Error(INVALID);
  let parsed: unknown;
  try {
    parsed = JSON.parse(pattern);
  } catch {
    throw new Error(INVALID);
  }
  if (!validPattern(parsed)) throw new Error(INVALID);
  return parsed as CompiledFilter;
}

function affix(value: string, arg: unknown, test: (v: string, a: string) => boolean): boolean {
  if (typeof arg === 'string') return test(value, arg);
  const a = String((arg as Record<string, unknown>)['equals-ignore-case']);
  return test(value.toLowerCase(), a.toLowerCase());
}

function wildcard(value: string, pattern: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(value);
}

function matchRule(rule: unknown, value: Json | undefined): boolean {
  if (isPrimitive(rule)) return value !== undefined && value === rule;
  const [op, arg] = Object.entries(rule as Record<string, unknown>)[0] as [string, unknown];
  if (op === 'exists') return arg === (value !== undefined);
  if (value === undefined) return false;
  switch (op) {
    case 'prefix':
      return typeof value === 'string' && affix(value, arg, (v, a) => v.startsWith(a));
    case 'suffix':
      return typeof value === 'string' && affix(value, arg, (v, a) => v.endsWith(a));
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === String(arg).toLowerCase();
    case 'wildcard':
      return typeof value === 'string' && wildcard(value, String(arg));
    case 'anything-but': {
      if (!isPrimitive(value) || value === null) return false;
      if (Array.isArray(arg)) return !arg.includes(value);
      if (isObject(arg)) {
        if (typeof value !== 'string') return false;
        return typeof arg.prefix === 'string' ? !value.startsWith(arg.prefix) : !value.endsWith(String(arg.suffix));
      }
      return value !== arg;
    }
    case 'numeric': {
      if (typeof value !== 'number') return false;
      const conds = arg as Array<string | number>;
      for (let i = 0; i < conds.length; i += 2) {
        const n = conds[i + 1] as number;
        const ok = { '<': value < n, '<=': value <= n, '=': value === n, '>': value > n, '>=': value >= n }[conds[i] as '<'];
        if (!ok) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

function matchLeaf(rules: unknown[], value: Json | undefined): boolean {
  // An array in the event matches when any element does (EventBridge semantics), except for exists.
  if (Array.isArray(value)) {
    return rules.some((r) => (isObject(r) && 'exists' in r ? matchRule(r, value) : value.some((v) => matchRule(r, v))));
  }
  return rules.some((r) => matchRule(r, value));
}

function matchObject(pattern: Record<string, unknown>, event: Json | undefined): boolean {
  const obj = isObject(event) ? (event as Record<string, Json>) : undefined;
  for (const [key, p] of Object.entries(pattern)) {
    const value = obj?.[key];
    if (Array.isArray(p) ? !matchLeaf(p, value) : !matchObject(p as Record<string, unknown>, value)) return false;
  }
  return true;
}

/** True when the record matches any of the filters (or there are none). */
export function matchesAny(filters: CompiledFilter[] | undefined, record: unknown): boolean {
  if (!filters || filters.length === 0) return true;
  return filters.some((f) => matchObject(f, record as Json));
}
