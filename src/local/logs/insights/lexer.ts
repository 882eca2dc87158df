// Tokenizer for Logs Insights queries. A `/` starts a regex unless it follows an operand (then it is
// division), except right after `parse <field>`, where AWS allows `parse @message /re/`.
import { QuerySyntaxError } from './ast.ts';

export type TokenKind = 'ident' | 'string' | 'number' | 'duration' | 'regex' | 'op' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Decoded value: string contents, number, or regex source+flags. */
  value: string | number;
  /** For `duration` tokens: milliseconds. */
  ms?: number;
  start: number;
  end: number;
  /** Backtick-quoted identifiers are never keywords. */
  quoted?: boolean;
}

const OPERATORS = ['=~', '!=', '<=', '>=', '=', '<', '>', '+', '-', '*', '/', '%', '^'];
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const KEYWORDS_BEFORE_OPERAND = new Set(['like', 'and', 'or', 'not', 'in', 'filter', 'by', 'as', 'fields', 'display', 'stats', 'sort']);

function isOperand(t: Token | undefined): boolean {
  if (!t) return false;
  if (t.kind === 'number' || t.kind === 'string' || t.kind === 'duration' || t.kind === 'regex') return true;
  if (t.kind === 'punct') return t.text === ')' || t.text === ']';
  return t.kind === 'ident' && (t.quoted === true || !KEYWORDS_BEFORE_OPERAND.has(t.text.toLowerCase()));
}

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const fail = (msg: string, at: number): never => {
    throw new QuerySyntaxError(`${msg} at line 1 and position ${at + 1}`, at, at + 1);
  };
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    const start = i;
    if (c === '"' || c === "'" || c === '`') {
      let text = '';
      i++;
      while (i < src.length && src[i] !== c) {
        if (src[i] === '\\' && i + 1 < src.length) {
          const n = src[i + 1]!;
          text += n === 'n' ? '\n' : n === 't' ? '\t' : n;
          i += 2;
        } else text += src[i++];
      }
      if (i >= src.length) fail('unterminated quoted text', start);
      i++;
      out.push(c === '`' ? { kind: 'ident', text, value: text, start, end: i, quoted: true } : { kind: 'string', text: src.slice(start, i), value: text, start, end: i });
      continue;
    }
    const prev = out[out.length - 1];
    const prev2 = out[out.length - 2];
    const afterParseField = prev?.kind === 'ident' && prev2?.kind === 'ident' && prev2.text.toLowerCase() === 'parse' && !prev2.quoted;
    if (c === '/' && (!isOperand(prev) || afterParseField)) {
      i++;
      let body = '';
      while (i < src.length && src[i] !== '/') {
        if (src[i] === '\\' && i + 1 < src.length) {
          body += src[i]! + src[i + 1]!;
          i += 2;
        } else body += src[i++];
      }
      if (i >= src.length) fail('unterminated regular expression', start);
      i++;
      const flags = /^[a-z]*/.exec(src.slice(i))![0];
      i += flags.length;
      out.push({ kind: 'regex', text: src.slice(start, i), value: JSON.stringify([body, flags]), start, end: i });
      continue;
    }
    const num = /^\d+(\.\d+)?([A-Za-z]+)?/.exec(src.slice(i));
    if (num) {
      i += num[0].length;
      if (num[2] !== undefined) {
        const unit = UNIT_MS[num[2]];
        if (unit === undefined) fail(`unknown time unit "${num[2]}"`, start);
        out.push({ kind: 'duration', text: num[0], value: Number(num[0].slice(0, -num[2].length)), ms: Number(num[0].slice(0, -num[2].length)) * unit!, start, end: i });
      } else out.push({ kind: 'number', text: num[0], value: Number(num[0]), start, end: i });
      continue;
    }
    const ident = /^[A-Za-z_@$][A-Za-z0-9_.@$]*/.exec(src.slice(i));
    if (ident) {
      i += ident[0].length;
      out.push({ kind: 'ident', text: ident[0], value: ident[0], start, end: i });
      continue;
    }
    if ('|,()[]'.includes(c)) {
      i++;
      out.push({ kind: 'punct', text: c, value: c, start, end: i });
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op) {
      i += op.length;
      out.push({ kind: 'op', text: op, value: op, start, end: i });
      continue;
    }
    fail(`unexpected symbol found ${c}`, start);
  }
  out.push({ kind: 'eof', text: '', value: '', start: src.length, end: src.length });
  return out;
}

/** Compiles a regex token, accepting AWS's `(?i)` prefix and Python/RE2-style `(?P<name>...)` groups. */
export function compileRegexToken(tok: Token): RegExp {
  const [rawBody, rawFlags] = JSON.parse(String(tok.value)) as [string, string];
  let body = rawBody.replace(/\(\?P</g, '(?<');
  let flags = rawFlags.replace(/[^imsu]/g, '');
  if (body.startsWith('(?i)')) {
    body = body.slice(4);
    if (!flags.includes('i')) flags += 'i';
  }
  try {
    return new RegExp(body, flags);
  } catch (err) {
    throw new QuerySyntaxError(`invalid regular expression ${tok.text}: ${(err as Error).message}`, tok.start, tok.end);
  }
}
