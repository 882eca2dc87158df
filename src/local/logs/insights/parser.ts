// Recursive-descent parser for the Logs Insights subset: commands separated by `|`, expressions with
// precedence or < and < not < comparison/like/in < + - < * / % < unary minus < primary.
import { AGGREGATE_FUNCTIONS, QuerySyntaxError, SCALAR_FUNCTIONS, type Aggregate, type Command, type Expr, type Named, type Query } from './ast.ts';
import { compileRegexToken, tokenize, type Token } from './lexer.ts';
import { globToRegex } from './parse-command.ts';

const COMMANDS = new Set(['fields', 'display', 'filter', 'parse', 'stats', 'sort', 'limit', 'dedup']);

export function parseQuery(src: string): Query {
  if (src.trim() === '') throw new QuerySyntaxError('the query is empty', 0, 0);
  return new Parser(src).parse();
}

class Parser {
  private readonly src: string;
  private readonly toks: Token[];
  private i = 0;
  /** Aggregation functions are only valid as the top level of a stats item. */
  private inStats = false;

  constructor(src: string) {
    this.src = src;
    this.toks = tokenize(src);
  }

  parse(): Query {
    const commands: Command[] = [];
    for (;;) {
      commands.push(this.command());
      if (this.atPunct('|')) {
        this.i++;
        continue;
      }
      if (this.peek().kind !== 'eof') this.fail(`unexpected symbol found ${this.peek().text}`);
      return { commands };
    }
  }

  // ---- token helpers -------------------------------------------------------------------------
  private peek(offset = 0): Token {
    return this.toks[Math.min(this.i + offset, this.toks.length - 1)]!;
  }

  private fail(message: string, tok: Token = this.peek()): never {
    throw new QuerySyntaxError(`${message} at line 1 and position ${tok.start + 1}`, tok.start, Math.max(tok.end, tok.start + 1));
  }

  private atPunct(p: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === p;
  }

  private atKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && !t.quoted && t.text.toLowerCase() === word;
  }

  private expectPunct(p: string): void {
    if (!this.atPunct(p)) this.fail(`expected "${p}" but found ${this.peek().text || 'end of query'}`);
    this.i++;
  }

  private expectIdent(what: string): string {
    const t = this.peek();
    if (t.kind !== 'ident') this.fail(`expected ${what} but found ${t.text || 'end of query'}`);
    this.i++;
    return t.text;
  }

  private textFrom(startTok: Token): string {
    return this.src.slice(startTok.start, this.toks[this.i - 1]!.end).trim();
  }

  // ---- commands ------------------------------------------------------------------------------
  private command(): Command {
    const t = this.peek();
    const name = t.kind === 'ident' && !t.quoted ? t.text.toLowerCase() : '';
    if (!COMMANDS.has(name)) this.fail(`unexpected symbol found ${t.text || 'end of query'}; expected a command (fields, filter, parse, stats, sort, limit, display, dedup)`);
    this.i++;
    switch (name) {
      case 'fields':
      case 'display':
        return { k: name, items: this.namedList() };
      case 'filter':
        return { k: 'filter', expr: this.expr() };
      case 'parse':
        return this.parseCommand();
      case 'stats':
        return this.statsCommand();
      case 'sort': {
        const keys: Array<{ expr: Expr; desc: boolean }> = [];
        do {
          if (keys.length > 0) this.i++;
          const expr = this.expr();
          let desc = false;
          if (this.atKeyword('desc')) {
            desc = true;
            this.i++;
          }
          else if (this.atKeyword('asc')) this.i++;
          keys.push({ expr, desc });
        } while (this.atPunct(','));
        return { k: 'sort', keys };
      }
      case 'limit': {
        const n = this.peek();
        if (n.kind !== 'number' || !Number.isInteger(n.value) || (n.value as number) < 1) this.fail('limit needs a positive whole number');
        this.i++;
        return { k: 'limit', n: n.value as number };
      }
      default: {
        const names = [this.expectIdent('a field name')];
        while (this.atPunct(',')) {
      this.i++;
      names.push(this.expectIdent('a field name'));
    }
        return { k: 'dedup', names };
      }
    }
  }

  private namedList(): Named[] {
    const items: Named[] = [];
    do {
      if (items.length > 0) this.i++;
      const startTok = this.peek();
      const expr = this.expr();
      let name = expr.k === 'field' ? expr.name : this.textFrom(startTok);
      if (this.atKeyword('as')) {
        this.i++;
        name = this.expectIdent('an alias after "as"');
      }
      items.push({ expr, name });
    } while (this.atPunct(','));
    return items;
  }

  private parseCommand(): Command {
    let source: Expr = { k: 'field', name: '@message' };
    if (this.peek().kind === 'ident' && !this.atKeyword('as')) source = { k: 'field', name: this.expectIdent('a field') };
    const t = this.peek();
    if (t.kind === 'regex') {
      this.i++;
      const re = compileRegexToken(t);
      const names = [...re.source.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1]!);
      if (names.length === 0) this.fail('a parse regular expression needs named groups like (?<name>...)', t);
      return { k: 'parse', source, re, names };
    }
    if (t.kind !== 'string') this.fail('parse needs a "glob * pattern" or a /regex/', t);
    this.i++;
    const glob = String(t.value);
    if (!this.atKeyword('as')) this.fail('expected "as" after the parse pattern');
    this.i++;
    const names = [this.expectIdent('a field name')];
    while (this.atPunct(',')) {
      this.i++;
      names.push(this.expectIdent('a field name'));
    }
    const stars = glob.split('*').length - 1;
    if (stars !== names.length) this.fail(`the parse pattern has ${stars} * but ${names.length} field names`, t);
    return { k: 'parse', source, re: globToRegex(glob), names };
  }

  private statsCommand(): Command {
    const aggs: Aggregate[] = [];
    do {
      if (aggs.length > 0) this.i++;
      const startTok = this.peek();
      const fn = startTok.text.toLowerCase();
      if (startTok.kind !== 'ident' || !AGGREGATE_FUNCTIONS.has(fn) || !(this.peek(1).kind === 'punct' && this.peek(1).text === '(')) {
        this.fail(`expected an aggregation function (count, sum, avg, min, max, pct, count_distinct, ...) but found ${startTok.text || 'end of query'}`);
      }
      this.inStats = true;
      const call = this.primary() as Extract<Expr, { k: 'call' }>;
      this.inStats = false;
      let name = this.textFrom(startTok);
      if (this.atKeyword('as')) {
        this.i++;
        name = this.expectIdent('an alias after "as"');
      }
      if (fn === 'pct' && (call.args.length !== 2 || call.args[1]!.k !== 'lit' || typeof call.args[1]!.v !== 'number')) this.fail('pct needs a field and a percentile, e.g. pct(@duration, 99)', startTok);
      if (fn !== 'count' && call.args.length === 0) this.fail(`${fn} needs an argument`, startTok);
      aggs.push({ fn, args: call.args, star: call.star, name });
    } while (this.atPunct(','));
    let by: Named[] = [];
    if (this.atKeyword('by')) {
      this.i++;
      by = this.namedList();
    }
    return { k: 'stats', aggs, by };
  }

  // ---- expressions ---------------------------------------------------------------------------
  private expr(): Expr {
    let l = this.andExpr();
    while (this.atKeyword('or')) {
      this.i++;
      l = { k: 'binary', op: 'or', l, r: this.andExpr() };
    }
    return l;
  }

  private andExpr(): Expr {
    let l = this.notExpr();
    while (this.atKeyword('and')) {
      this.i++;
      l = { k: 'binary', op: 'and', l, r: this.notExpr() };
    }
    return l;
  }

  private notExpr(): Expr {
    if (this.atKeyword('not')) {
      this.i++;
      return { k: 'not', e: this.notExpr() };
    }
    return this.comparison();
  }

  private comparison(): Expr {
    const l = this.additive();
    const t = this.peek();
    if (t.kind === 'op' && ['=', '!=', '<', '<=', '>', '>=', '=~'].includes(t.text)) {
      this.i++;
      if (t.text === '=~') return { k: 'like', e: l, pattern: this.additive(), negate: false };
      return { k: 'binary', op: t.text, l, r: this.additive() };
    }
    const negate = this.atKeyword('not') && (this.atKeyword('like', 1) || this.atKeyword('in', 1));
    if (negate) this.i++;
    if (this.atKeyword('like')) {
      this.i++;
      return { k: 'like', e: l, pattern: this.additive(), negate };
    }
    if (this.atKeyword('in')) {
      this.i++;
      this.expectPunct('[');
      const list: Expr[] = [];
      while (!this.atPunct(']')) {
        if (list.length > 0) this.expectPunct(',');
        list.push(this.additive());
      }
      this.i++;
      return { k: 'in', e: l, list, negate };
    }
    return l;
  }

  private additive(): Expr {
    let l = this.multiplicative();
    while (this.peek().kind === 'op' && (this.peek().text === '+' || this.peek().text === '-')) {
      const op = this.peek().text;
      this.i++;
      l = { k: 'binary', op, l, r: this.multiplicative() };
    }
    return l;
  }

  private multiplicative(): Expr {
    let l = this.unary();
    while (this.peek().kind === 'op' && ['*', '/', '%'].includes(this.peek().text)) {
      const op = this.peek().text;
      this.i++;
      l = { k: 'binary', op, l, r: this.unary() };
    }
    return l;
  }

  private unary(): Expr {
    if (this.peek().kind === 'op' && this.peek().text === '-') {
      this.i++;
      return { k: 'neg', e: this.unary() };
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'number':
        this.i++;
        return { k: 'lit', v: t.value as number };
      case 'string':
        this.i++;
        return { k: 'lit', v: t.value as string };
      case 'duration':
        this.i++;
        return { k: 'duration', ms: t.ms!, text: t.text };
      case 'regex':
        this.i++;
        return { k: 'regex', re: compileRegexToken(t) };
      case 'punct':
        if (t.text === '(') {
          this.i++;
          const e = this.expr();
          this.expectPunct(')');
          return e;
        }
        break;
      case 'ident': {
        this.i++;
        if (t.quoted || !this.atPunct('(')) return { k: 'field', name: t.text };
        this.i++;
        const args: Expr[] = [];
        let star = false;
        if (this.peek().kind === 'op' && this.peek().text === '*' && this.peek(1).kind === 'punct' && this.peek(1).text === ')') {
          star = true;
          this.i++;
        }
        while (!this.atPunct(')')) {
          if (args.length > 0) this.expectPunct(',');
          args.push(this.expr());
        }
        this.i++;
        const name = t.text.toLowerCase();
        if (!SCALAR_FUNCTIONS.has(name) && !(AGGREGATE_FUNCTIONS.has(name) && this.inStats)) this.fail(`unknown function ${t.text}`, t);
        return { k: 'call', name, args, star };
      }
      default:
        break;
    }
    return this.fail(`unexpected symbol found ${t.text || 'end of query'}`);
  }
}
