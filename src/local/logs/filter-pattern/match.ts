// Evaluates a parsed filter pattern against one event message. Case-sensitive throughout.
//
// Token-vs-substring rule (AWS's documentation does not settle it; this is our choice):
// - A quoted term ("ddbsTest", "INTERNAL SERVER ERROR") matches anywhere as a substring.
// - A bare term made of letters, digits and dots (ERROR, 404, 3.5) matches as a whole word: the
//   occurrence must have a non-alphanumeric character (or the message edge) on both sides, so
//   `ERROR` matches "[ERROR 400]" and "ERROR:" but not "ERRORS" or "NOERROR".
// - A bare term with any other character (request-id-123, my_marker) never matches: AWS requires such
//   terms to be quoted, and real AWS was observed to find nothing for them, so we surface the same trap.
import type { FilterPattern, JsonExpr, JsonValue, PathSegment, Term } from './ast.ts';

const BARE_TERM = /^[A-Za-z0-9.]+$/;
const isAlnum = (code: number): boolean => (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);

function containsWord(message: string, word: string): boolean {
  let from = 0;
  for (;;) {
    const at = message.indexOf(word, from);
    if (at < 0) return false;
    const end = at + word.length;
    if ((at === 0 || !isAlnum(message.charCodeAt(at - 1))) && (end === message.length || !isAlnum(message.charCodeAt(end)))) return true;
    from = at + 1;
  }
}

export function termMatches(term: Term, message: string): boolean {
  if (term.quoted) return message.includes(term.text);
  return BARE_TERM.test(term.text) && containsWord(message, term.text);
}

export function parseJsonMessage(message: string): unknown {
  const t = message.trimStart();
  if (!t.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(t) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Builds a predicate for one pattern. JSON patterns are not cached per event (parsed bodies would
 * multiply memory); instead a cheap substring pre-check on the literal strings the pattern requires
 * skips JSON.parse for most non-matching events.
 */
export function compileMatcher(pattern: FilterPattern): (message: string) => boolean {
  switch (pattern.kind) {
    case 'all':
      return () => true;
    case 'regex':
      return (m) => pattern.re.test(m);
    case 'terms': {
      const { required, anyOf, excluded } = pattern;
      return (m) =>
        required.every((t) => termMatches(t, m)) &&
        (anyOf.length === 0 || anyOf.some((t) => termMatches(t, m))) &&
        !excluded.some((t) => termMatches(t, m));
    }
    case 'json': {
      const expr = pattern.expr;
      const literals = requiredLiterals(expr);
      return (m) => {
        if (!literals.every((l) => m.includes(l))) return false;
        const body = parseJsonMessage(m);
        return body !== undefined && evalJson(expr, body);
      };
    }
  }
}

/** Strings that must appear verbatim in any matching message (from `=` comparisons joined by &&). */
function requiredLiterals(expr: JsonExpr): string[] {
  if (expr.kind === 'and') return [...requiredLiterals(expr.left), ...requiredLiterals(expr.right)];
  if (expr.kind !== 'compare' || expr.op !== '=' || expr.value.kind !== 'string' || expr.value.wildcard) return [];
  // Only strings whose JSON encoding equals their raw text (no escapes) can be searched for verbatim.
  return /^[A-Za-z0-9 _.:@-]+$/.test(expr.value.text) ? [expr.value.text] : [];
}

const MISSING: unique symbol = Symbol('missing');

function select(body: unknown, path: PathSegment[]): unknown {
  let cur: unknown = body;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return MISSING;
    if (typeof seg === 'number' ? !Array.isArray(cur) : Array.isArray(cur)) return MISSING;
    if (!Object.prototype.hasOwnProperty.call(cur, seg)) return MISSING;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

function equalsValue(field: unknown, value: JsonValue): boolean {
  if (value.kind === 'number') return typeof field === 'number' && field === value.value;
  if (field === null || typeof field === 'object') return false;
  const s = String(field);
  if (value.kind === 'regex') return value.re.test(s);
  return value.wildcard ? value.wildcard.test(s) : s === value.text;
}

export function evalJson(expr: JsonExpr, body: unknown): boolean {
  switch (expr.kind) {
    case 'and':
      return evalJson(expr.left, body) && evalJson(expr.right, body);
    case 'or':
      return evalJson(expr.left, body) || evalJson(expr.right, body);
    case 'notExists':
      return select(body, expr.path) === MISSING;
    case 'is': {
      const v = select(body, expr.path);
      return expr.what === 'NULL' ? v === null : v === (expr.what === 'TRUE');
    }
    case 'compare': {
      const v = select(body, expr.path);
      // A missing field matches neither = nor != (only NOT EXISTS sees it).
      if (v === MISSING) return false;
      if (expr.op === '=') return equalsValue(v, expr.value);
      if (expr.op === '!=') return v !== null && typeof v !== 'object' && !equalsValue(v, expr.value);
      if (typeof v !== 'number' || expr.value.kind !== 'number') return false;
      const n = expr.value.value;
      return expr.op === '<' ? v < n : expr.op === '<=' ? v <= n : expr.op === '>' ? v > n : v >= n;
    }
  }
}
