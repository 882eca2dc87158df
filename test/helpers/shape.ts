// Compares a document recorded from real AWS (test/fixtures/aws-recordings, LocalStack's snapshot
// placeholders such as `<uuid:1>` in place of volatile values) with what the local stack produced, field by
// field: same keys, same JSON types, equal literal values, and for each placeholder a check of the value's
// shape for that kind. A numbered placeholder names one value: every place `<resource:1>` appears must
// hold the same actual value, and `<resource:1>` and `<resource:2>` must differ.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

export interface ShapeOptions {
  /** Compare object key order too; a function picks the objects (by path) whose order AWS recorded. */
  keyOrder?: boolean | ((path: string) => boolean);
  /** The recording is an excerpt: keys of the actual document that the recording lacks are allowed. */
  partial?: boolean;
  /** Literal text of the recording that stands for a local value, e.g. the masked account `111111111111`. */
  substitutions?: Record<string, string>;
}

export interface Mismatch {
  path: string;
  problem: string;
}

type JsonType = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

interface Kind {
  type: 'string' | 'number';
  /** Pattern of the value when it is embedded in a longer string (also the whole value for strings). */
  pattern: string;
  /** Extra check of a whole value; returns the problem or undefined. */
  check?: (v: unknown) => string | undefined;
  /** Same token ⇒ same value, different index ⇒ different value. */
  bound: boolean;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const SEQUENCE = '\\d{21,40}';
const epochSeconds = (what: string) => (v: unknown) =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 && Math.trunc(Math.log10(v)) === 9 ? undefined : `${what}: expected epoch seconds (int(log10(x)) == 9), got ${JSON.stringify(v)}`;

/** What each placeholder kind LocalStack's snapshot tool writes must look like on the wire. */
const KINDS: Record<string, Kind> = {
  uuid: { type: 'string', pattern: UUID, bound: true },
  // The Invoke timeout message masks its request id with this name.
  timeout_error_msg: { type: 'string', pattern: UUID, bound: true },
  'event-i-d': { type: 'string', pattern: '[0-9a-f]{32}', bound: true },
  'sequence-number': { type: 'string', pattern: SEQUENCE, bound: true },
  'start-sequence-number': { type: 'string', pattern: SEQUENCE, bound: true },
  'shard-id': { type: 'string', pattern: 'shardId-[0-9A-Za-z_.-]+', bound: true },
  'approximate-creation-datetime': { type: 'number', pattern: '\\d+(?:\\.\\d+)?', check: epochSeconds('ApproximateCreationDateTime'), bound: false },
  // rest-json timestamps (ESM LastModified) are epoch seconds with a fraction.
  datetime: { type: 'number', pattern: '\\d+(?:\\.\\d+)?', check: epochSeconds('datetime'), bound: false },
  region: { type: 'string', pattern: '[a-z]{2}(?:-[a-z]+)+-\\d', bound: true },
  partition: { type: 'string', pattern: 'aws', bound: true },
  // Table names, stream labels (which contain ':'), function and queue names: anything non-empty.
  resource: { type: 'string', pattern: '.+?', bound: true },
  'function-name': { type: 'string', pattern: '[A-Za-z0-9_-]+', bound: true },
};

const TOKEN = /<([a-z_-]+)(?::([^<>]+))?>/g;
const WHOLE_TOKEN = /^<([a-z_-]+)(?::([^<>]+))?>$/;
const HAS_TOKEN = /<[a-z_-]+(?::[^<>]+)?>/;

function jsonType(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  const t = typeof v;
  if (t === 'boolean' || t === 'number' || t === 'string' || t === 'object') return t;
  throw new Error(`not a JSON value: ${String(v)}`);
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `<timestamp:2022-07-13T13:48:01.000Z>`: the sample keeps the real format; digits may vary. */
function timestampKind(sample: string): Kind {
  const pattern = escapeRe(sample).replace(/\d/g, '\\d');
  return { type: 'string', pattern, bound: false, check: (v) => (Number.isNaN(Date.parse(String(v))) ? `not a date: ${JSON.stringify(v)}` : undefined) };
}

class Walker {
  readonly mismatches: Mismatch[] = [];
  /** token (`resource:1`) → actual value; kind → (value → token) for the distinctness check. */
  private readonly bindings = new Map<string, string>();
  private readonly owners = new Map<string, Map<string, string>>();
  private readonly opts: ShapeOptions;

  constructor(opts: ShapeOptions) {
    this.opts = opts;
  }

  private fail(path: string, problem: string): void {
    this.mismatches.push({ path, problem });
  }

  private kindOf(name: string, arg: string | undefined, path: string): Kind | undefined {
    if (name === 'timestamp' && arg !== undefined) return timestampKind(arg);
    const kind = KINDS[name];
    if (!kind) this.fail(path, `unknown placeholder kind <${name}>: teach test/helpers/shape.ts its shape`);
    return kind;
  }

  /** Binds a numbered (or bound-kind) token to a value; reports inconsistent reuse. */
  private bind(name: string, arg: string | undefined, kind: Kind, value: string, path: string): void {
    if (!kind.bound) return;
    const token = arg === undefined ? name : `${name}:${arg}`;
    const prior = this.bindings.get(token);
    if (prior !== undefined) {
      if (prior !== value) this.fail(path, `<${token}> was ${JSON.stringify(prior)} elsewhere, here ${JSON.stringify(value)}`);
      return;
    }
    const byValue = this.owners.get(name) ?? new Map<string, string>();
    this.owners.set(name, byValue);
    const other = byValue.get(value);
    if (other !== undefined && other !== token) this.fail(path, `<${token}> and <${other}> must be different values, both are ${JSON.stringify(value)}`);
    byValue.set(value, token);
    this.bindings.set(token, value);
  }

  private substitute(literal: string): string {
    let out = literal;
    for (const [from, to] of Object.entries(this.opts.substitutions ?? {})) out = out.split(from).join(to);
    return out;
  }

  private placeholder(name: string, arg: string | undefined, actual: unknown, path: string): void {
    const kind = this.kindOf(name, arg, path);
    if (!kind) return;
    if (jsonType(actual) !== kind.type) {
      this.fail(path, `<${name}${arg ? `:${arg}` : ''}> wants a ${kind.type}, got ${jsonType(actual)} ${JSON.stringify(actual)}`);
      return;
    }
    if (kind.type === 'string' && !new RegExp(`^(?:${kind.pattern})$`).test(actual as string)) {
      this.fail(path, `<${name}${arg ? `:${arg}` : ''}> shape: ${JSON.stringify(actual)} does not match /${kind.pattern}/`);
      return;
    }
    const problem = kind.check?.(actual);
    if (problem) this.fail(path, problem);
    this.bind(name, arg, kind, String(actual), path);
  }

  /** A string with placeholders inside literal text, e.g. an ARN: a regex built from the template. */
  private template(recorded: string, actual: unknown, path: string): void {
    if (typeof actual !== 'string') {
      this.fail(path, `type: recorded string, got ${jsonType(actual)} ${JSON.stringify(actual)}`);
      return;
    }
    const tokens: Array<{ name: string; arg: string | undefined; kind: Kind }> = [];
    let source = '^';
    let last = 0;
    for (const m of recorded.matchAll(TOKEN)) {
      const name = m[1]!;
      const arg = m[2];
      const kind = this.kindOf(name, arg, path);
      if (!kind) return;
      source += escapeRe(this.substitute(recorded.slice(last, m.index)));
      const bound = kind.bound ? this.bindings.get(arg === undefined ? name : `${name}:${arg}`) : undefined;
      if (bound !== undefined) source += escapeRe(bound);
      else {
        source += `(${kind.pattern})`;
        tokens.push({ name, arg, kind });
      }
      last = m.index + m[0].length;
    }
    source += `${escapeRe(this.substitute(recorded.slice(last)))}$`;
    const match = new RegExp(source).exec(actual);
    if (!match) {
      this.fail(path, `${JSON.stringify(actual)} does not fit the recorded ${JSON.stringify(recorded)}`);
      return;
    }
    tokens.forEach((t, i) => {
      const value = match[i + 1]!;
      if (t.kind.type === 'number') {
        const problem = t.kind.check?.(Number(value));
        if (problem) this.fail(path, problem);
      }
      this.bind(t.name, t.arg, t.kind, value, path);
    });
  }

  walk(recorded: unknown, actual: unknown, path: string): void {
    if (typeof recorded === 'string') {
      const whole = WHOLE_TOKEN.exec(recorded);
      if (whole) return this.placeholder(whole[1]!, whole[2], actual, path);
      if (HAS_TOKEN.test(recorded)) return this.template(recorded, actual, path);
      const want = this.substitute(recorded);
      if (actual !== want) this.fail(path, jsonType(actual) === 'string' ? `value: recorded ${JSON.stringify(want)}, got ${JSON.stringify(actual)}` : `type: recorded string, got ${jsonType(actual)} ${JSON.stringify(actual)}`);
      return;
    }
    const rt = jsonType(recorded);
    const at = jsonType(actual);
    if (rt !== at) return this.fail(path, `type: recorded ${rt}, got ${at} ${JSON.stringify(actual)}`);
    if (rt === 'array') {
      const r = recorded as unknown[];
      const a = actual as unknown[];
      if (r.length !== a.length) this.fail(path, `length: recorded ${r.length}, got ${a.length}`);
      for (let i = 0; i < Math.min(r.length, a.length); i++) this.walk(r[i], a[i], `${path}[${i}]`);
      return;
    }
    if (rt === 'object') return this.object(recorded as Record<string, unknown>, actual as Record<string, unknown>, path);
    if (recorded !== actual) this.fail(path, `value: recorded ${JSON.stringify(recorded)}, got ${JSON.stringify(actual)}`);
  }

  private object(recorded: Record<string, unknown>, actual: Record<string, unknown>, path: string): void {
    const rKeys = Object.keys(recorded);
    const aKeys = Object.keys(actual);
    for (const k of rKeys) if (!(k in actual)) this.fail(`${path}.${k}`, 'missing key');
    if (!this.opts.partial) for (const k of aKeys) if (!(k in recorded)) this.fail(`${path}.${k}`, `unexpected key (value ${JSON.stringify(actual[k])})`);
    const order = this.opts.keyOrder;
    if (order === true || (typeof order === 'function' && order(path))) {
      const common = new Set(rKeys.filter((k) => k in actual));
      const rOrder = rKeys.filter((k) => common.has(k));
      const aOrder = aKeys.filter((k) => common.has(k));
      if (rOrder.join() !== aOrder.join()) this.fail(path, `key order: recorded ${rOrder.join(', ')}; got ${aOrder.join(', ')}`);
    }
    for (const k of rKeys) if (k in actual) this.walk(recorded[k], actual[k], `${path}.${k}`);
  }

  binding(token: string): string | undefined {
    return this.bindings.get(token);
  }
}

export interface ShapeResult {
  mismatches: Mismatch[];
  /** Actual value each bound placeholder stood for, e.g. `resource:1` → the table name. */
  bindings: (token: string) => string | undefined;
}

export function compareShape(recorded: unknown, actual: unknown, opts: ShapeOptions = {}): ShapeResult {
  const w = new Walker(opts);
  w.walk(recorded, actual, '$');
  return { mismatches: w.mismatches, bindings: (t) => w.binding(t) };
}

/** Throws an AssertionError listing every mismatch (all of them, not just the first). */
export function assertShape(recorded: unknown, actual: unknown, opts: ShapeOptions = {}): ShapeResult {
  const result = compareShape(recorded, actual, opts);
  if (result.mismatches.length > 0) {
    assert.fail(`${result.mismatches.length} difference(s) from the AWS recording:\n${result.mismatches.map((m) => `  ${m.path}: ${m.problem}`).join('\n')}\nactual: ${JSON.stringify(actual)}`);
  }
  return result;
}

/** Splits boto3's view of a response into the HTTP status and the rest (the body members). */
export function splitResponseMetadata(recorded: Record<string, unknown>): { status: number; rest: Record<string, unknown> } {
  const { ResponseMetadata, ...rest } = recorded;
  const status = (ResponseMetadata as { HTTPStatusCode?: unknown } | undefined)?.HTTPStatusCode;
  assert.equal(typeof status, 'number', 'recording has ResponseMetadata.HTTPStatusCode');
  return { status: status as number, rest };
}

/** The account id LocalStack's snapshot tool writes in place of the real one. */
export const RECORDED_ACCOUNT = '111111111111';

/** A fixture from test/fixtures/aws-recordings: `recorded` is the verbatim data, the rest says how it was made. */
export function loadRecording<T = Record<string, unknown>>(name: string): { source: string; recorded: T } & Record<string, unknown> {
  const file = new URL(`../fixtures/aws-recordings/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(file, 'utf8')) as { source: string; recorded: T } & Record<string, unknown>;
}
