// Expression evaluation with Insights' loose typing: numbers compare numerically when both sides look
// numeric, otherwise as strings; absent fields make comparisons false.
import type { Expr, Value } from './ast.ts';
import type { Row } from './rows.ts';

export function toNumber(v: Value): number {
  if (typeof v === 'number') return v;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return Number.NaN;
}

const isNumeric = (v: Value): boolean => typeof v === 'number' || v instanceof Date || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));

export function toText(v: Value): string {
  if (v === undefined || v === null) return '';
  if (v instanceof Date) return formatTimestamp(v.getTime());
  return String(v);
}

/** `2024-05-21 19:48:44.709` (UTC), the format AWS returns for timestamps. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** Orders values for sort/min/max: absent last, numbers/dates numerically, else as strings. */
export function compareValues(a: Value, b: Value): number {
  const aMissing = a === undefined || a === null;
  const bMissing = b === undefined || b === null;
  if (aMissing || bMissing) return aMissing === bMissing ? 0 : aMissing ? 1 : -1;
  if (isNumeric(a) && isNumeric(b) && (typeof a !== 'string' || typeof b !== 'string')) return toNumber(a) - toNumber(b);
  const sa = toText(a);
  const sb = toText(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function equalValues(a: Value, b: Value): boolean {
  if (a === undefined || a === null || b === undefined || b === null) return false;
  if ((typeof a === 'number' || a instanceof Date || typeof b === 'number' || b instanceof Date) && isNumeric(a) && isNumeric(b)) return toNumber(a) === toNumber(b);
  return toText(a) === toText(b);
}

export function truthy(v: Value): boolean {
  if (v === undefined || v === null || v === false) return false;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (typeof v === 'string') return v !== '';
  return true;
}

const numeric = (n: number): Value => (Number.isFinite(n) ? n : undefined);

export function evaluate(e: Expr, row: Row): Value {
  switch (e.k) {
    case 'lit':
      return e.v;
    case 'field':
      return row.get(e.name);
    case 'duration':
      return e.ms;
    case 'regex':
      return e.re.source;
    case 'not':
      return !truthy(evaluate(e.e, row));
    case 'neg':
      return numeric(-toNumber(evaluate(e.e, row)));
    case 'like': {
      const v = evaluate(e.e, row);
      if (v === undefined || v === null) return e.negate;
      const text = toText(v);
      const hit = e.pattern.k === 'regex' ? e.pattern.re.test(text) : text.includes(toText(evaluate(e.pattern, row)));
      return hit !== e.negate;
    }
    case 'in': {
      const v = evaluate(e.e, row);
      const hit = e.list.some((x) => equalValues(v, evaluate(x, row)));
      return hit !== e.negate;
    }
    case 'binary':
      return binary(e.op, e.l, e.r, row);
    case 'call':
      return callFunction(e.name, e.args, row);
  }
}

function binary(op: string, l: Expr, r: Expr, row: Row): Value {
  if (op === 'and') return truthy(evaluate(l, row)) && truthy(evaluate(r, row));
  if (op === 'or') return truthy(evaluate(l, row)) || truthy(evaluate(r, row));
  const a = evaluate(l, row);
  const b = evaluate(r, row);
  switch (op) {
    case '=':
      return equalValues(a, b);
    case '!=':
      return a !== undefined && a !== null && b !== undefined && b !== null && !equalValues(a, b);
    case '<':
    case '<=':
    case '>':
    case '>=': {
      if (a === undefined || a === null || b === undefined || b === null) return false;
      const c = compareValues(a, b);
      return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
    }
    case '+':
      return numeric(toNumber(a) + toNumber(b));
    case '-':
      return numeric(toNumber(a) - toNumber(b));
    case '*':
      return numeric(toNumber(a) * toNumber(b));
    case '/':
      return numeric(toNumber(a) / toNumber(b));
    case '%':
      return numeric(toNumber(a) % toNumber(b));
    default:
      return undefined;
  }
}

function floorTo(ms: number, period: number): Date {
  return new Date(Math.floor(ms / period) * period);
}

function callFunction(name: string, args: Expr[], row: Row): Value {
  const arg = (i: number): Value => (args[i] ? evaluate(args[i]!, row) : undefined);
  const str = (i: number): string | undefined => {
    const v = arg(i);
    return v === undefined || v === null ? undefined : toText(v);
  };
  switch (name) {
    case 'bin': {
      // bin(period) rounds @timestamp down; bin(field, period) rounds that field.
      const period = toNumber(arg(args.length - 1));
      const ts = args.length > 1 ? toNumber(arg(0)) : row.timestamp ?? toNumber(row.get('@timestamp'));
      return period > 0 && Number.isFinite(ts) ? floorTo(ts, period) : undefined;
    }
    case 'datefloor':
      return floorTo(toNumber(arg(0)), toNumber(arg(1)));
    case 'dateceil': {
      const p = toNumber(arg(1));
      return new Date(Math.ceil(toNumber(arg(0)) / p) * p);
    }
    case 'frommillis':
      return new Date(toNumber(arg(0)));
    case 'tomillis':
      return numeric(toNumber(arg(0)));
    case 'ispresent': {
      const v = arg(0);
      return v !== undefined && v !== null;
    }
    case 'isempty':
      return (str(0) ?? '') === '';
    case 'isblank':
      return (str(0) ?? '').trim() === '';
    case 'strlen':
      return str(0)?.length;
    case 'tolower':
      return str(0)?.toLowerCase();
    case 'toupper':
      return str(0)?.toUpperCase();
    case 'trim':
      return str(0)?.trim();
    case 'ltrim':
      return str(0)?.trimStart();
    case 'rtrim':
      return str(0)?.trimEnd();
    case 'concat':
      return args.map((_, i) => str(i) ?? '').join('');
    case 'substr': {
      const s = str(0);
      const start = toNumber(arg(1));
      return s?.substr(start, args.length > 2 ? toNumber(arg(2)) : undefined);
    }
    case 'replace':
      return str(0)?.split(str(1) ?? '').join(str(2) ?? '');
    case 'strcontains':
      return (str(0) ?? '').includes(str(1) ?? '\u0000');
    case 'coalesce':
      for (let i = 0; i < args.length; i++) {
        const v = arg(i);
        if (v !== undefined && v !== null) return v;
      }
      return undefined;
    case 'abs':
      return numeric(Math.abs(toNumber(arg(0))));
    case 'ceil':
      return numeric(Math.ceil(toNumber(arg(0))));
    case 'floor':
      return numeric(Math.floor(toNumber(arg(0))));
    case 'round':
      return numeric(Math.round(toNumber(arg(0))));
    case 'sqrt':
      return numeric(Math.sqrt(toNumber(arg(0))));
    case 'log':
      return numeric(Math.log(toNumber(arg(0))));
    case 'pow':
      return numeric(toNumber(arg(0)) ** toNumber(arg(1)));
    case 'greatest':
    case 'least': {
      const vals = args.map((_, i) => toNumber(arg(i))).filter((n) => !Number.isNaN(n));
      return vals.length ? (name === 'greatest' ? Math.max(...vals) : Math.min(...vals)) : undefined;
    }
    default:
      return undefined;
  }
}

