// Parses FilterLogEvents filter patterns: the empty pattern and `" "` (everything), text terms
// (`a b` all, `?a ?b` any, `-a` exclude, `"a phrase"`), `%regex%`, and JSON patterns
// `{ $.a.b[0] = "x*" && ($.n > 3 || $.c IS NULL) }`. Space-delimited `[w1, w2]` patterns are not
// supported (rejected with a clear message rather than silently matching nothing).
import { FilterPatternError, type FilterPattern, type JsonExpr, type JsonValue, type PathSegment, type Term } from './ast.ts';

export function parseFilterPattern(source: string): FilterPattern {
  const text = source.trim();
  if (text === '') return { kind: 'all' };
  if (text.startsWith('{')) return { kind: 'json', expr: new JsonPatternParser(text).parseAll() };
  if (text.startsWith('[')) throw new FilterPatternError('space-delimited filter patterns ([w1, w2, ...]) are not supported by the local stack');
  if (text.length > 2 && text.startsWith('%') && text.endsWith('%')) return { kind: 'regex', re: compileRegex(text.slice(1, -1)) };
  return parseTerms(text);
}

function compileRegex(body: string): RegExp {
  try {
    return new RegExp(body);
  } catch (err) {
    throw new FilterPatternError(`invalid regular expression %${body}%: ${(err as Error).message}`);
  }
}

function parseTerms(text: string): FilterPattern {
  const required: Term[] = [];
  const anyOf: Term[] = [];
  const excluded: Term[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    let bucket = required;
    if (text[i] === '?') {
      bucket = anyOf;
      i++;
    }
    else if (text[i] === '-' && i + 1 < text.length && !/\s/.test(text[i + 1]!)) {
      bucket = excluded;
      i++;
    }
    let term: Term;
    if (text[i] === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw new FilterPatternError('unterminated quoted term');
      term = { text: text.slice(i + 1, end), quoted: true };
      i = end + 1;
    } else {
      const start = i;
      while (i < text.length && !/\s/.test(text[i]!)) i++;
      term = { text: text.slice(start, i), quoted: false };
    }
    // `" "` (a quoted blank) is AWS's spelling of "match everything": it adds no constraint.
    if (term.quoted && term.text.trim() === '') continue;
    bucket.push(term);
  }
  if (required.length + anyOf.length + excluded.length === 0) return { kind: 'all' };
  return { kind: 'terms', required, anyOf, excluded };
}

class JsonPatternParser {
  private pos = 0;
  private readonly src: string;

  constructor(src: string) {
    this.src = src;
  }

  parseAll(): JsonExpr {
    this.expect('{');
    const expr = this.parseOr();
    this.expect('}');
    this.skipWs();
    if (this.pos < this.src.length) this.fail('unexpected text after the closing }');
    return expr;
  }

  private fail(why: string): never {
    throw new FilterPatternError(`invalid JSON filter pattern at position ${this.pos}: ${why}`);
  }

  private skipWs(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos]!)) this.pos++;
  }

  private peek(s: string): boolean {
    this.skipWs();
    return this.src.startsWith(s, this.pos);
  }

  private expect(s: string): void {
    if (!this.peek(s)) this.fail(`expected "${s}"`);
    this.pos += s.length;
  }

  private parseOr(): JsonExpr {
    let left = this.parseAnd();
    while (this.peek('||')) {
      this.pos += 2;
      left = { kind: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): JsonExpr {
    let left = this.parseUnary();
    while (this.peek('&&')) {
      this.pos += 2;
      left = { kind: 'and', left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): JsonExpr {
    if (this.peek('(')) {
      this.pos++;
      const inner = this.parseOr();
      this.expect(')');
      return inner;
    }
    const path = this.parsePath();
    this.skipWs();
    const rest = this.src.slice(this.pos);
    const is = /^IS\s+(NULL|TRUE|FALSE)\b/.exec(rest);
    if (is) {
      this.pos += is[0].length;
      return { kind: 'is', path, what: is[1] as 'NULL' | 'TRUE' | 'FALSE' };
    }
    const notExists = /^NOT\s+EXISTS\b/.exec(rest);
    if (notExists) {
      this.pos += notExists[0].length;
      return { kind: 'notExists', path };
    }
    const op = /^(!=|<=|>=|=|<|>)/.exec(rest)?.[1] as '=' | '!=' | '<' | '<=' | '>' | '>=' | undefined;
    if (!op) this.fail('expected a comparison operator, IS NULL|TRUE|FALSE or NOT EXISTS');
    this.pos += op.length;
    const value = this.parseValue();
    if (op !== '=' && op !== '!=' && value.kind !== 'number') this.fail(`${op} needs a numeric value`);
    return { kind: 'compare', path, op, value };
  }

  private parsePath(): PathSegment[] {
    this.expect('$');
    const path: PathSegment[] = [];
    for (;;) {
      const c = this.src[this.pos];
      if (c === '.') {
        const m = /^\.([A-Za-z0-9_@\-$]+)/.exec(this.src.slice(this.pos));
        if (!m) this.fail('expected a property name after "."');
        path.push(m[1]!);
        this.pos += m[0].length;
      } else if (c === '[') {
        const m = /^\[(\d+)\]/.exec(this.src.slice(this.pos));
        if (!m) this.fail('expected an array index like [0]');
        path.push(Number(m[1]));
        this.pos += m[0].length;
      } else break;
    }
    if (path.length === 0) this.fail('a selector needs at least one property, e.g. $.field');
    return path;
  }

  private parseValue(): JsonValue {
    this.skipWs();
    const c = this.src[this.pos];
    if (c === '"') {
      const end = this.src.indexOf('"', this.pos + 1);
      if (end < 0) this.fail('unterminated string');
      const text = this.src.slice(this.pos + 1, end);
      this.pos = end + 1;
      return stringValue(text);
    }
    if (c === '%') {
      const end = this.src.indexOf('%', this.pos + 1);
      if (end < 0) this.fail('unterminated %regex%');
      const body = this.src.slice(this.pos + 1, end);
      this.pos = end + 1;
      return { kind: 'regex', re: compileRegex(body) };
    }
    const m = /^[^\s()}&|]+/.exec(this.src.slice(this.pos));
    if (!m) this.fail('expected a value');
    this.pos += m[0].length;
    const n = Number(m[0]);
    return /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(m[0]) && Number.isFinite(n) ? { kind: 'number', value: n } : stringValue(m[0]);
  }
}

function stringValue(text: string): JsonValue {
  if (!text.includes('*')) return { kind: 'string', text };
  const body = text.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return { kind: 'string', text, wildcard: new RegExp(`^${body}$`, 's') };
}
