// The parsed form of a Logs Insights query, in the subset this stack runs: fields, display, filter,
// parse, stats … by, sort, limit and dedup, piped in any order.

/** A value flowing through a query: timestamps stay Dates so results can format them AWS-style. */
export type Value = string | number | boolean | Date | null | undefined;

export type Expr =
  | { k: 'lit'; v: Value }
  | { k: 'field'; name: string }
  | { k: 'regex'; re: RegExp }
  | { k: 'duration'; ms: number; text: string }
  | { k: 'binary'; op: string; l: Expr; r: Expr }
  | { k: 'not'; e: Expr }
  | { k: 'neg'; e: Expr }
  | { k: 'like'; e: Expr; pattern: Expr; negate: boolean }
  | { k: 'in'; e: Expr; list: Expr[]; negate: boolean }
  | { k: 'call'; name: string; args: Expr[]; star: boolean };

/** An expression with the column name it produces (`as alias`, else its source text). */
export interface Named {
  expr: Expr;
  name: string;
}

export interface Aggregate {
  fn: string;
  args: Expr[];
  star: boolean;
  name: string;
}

export type Command =
  | { k: 'fields'; items: Named[] }
  | { k: 'display'; items: Named[] }
  | { k: 'filter'; expr: Expr }
  | { k: 'parse'; source: Expr; re: RegExp; names: string[] }
  | { k: 'stats'; aggs: Aggregate[]; by: Named[] }
  | { k: 'sort'; keys: Array<{ expr: Expr; desc: boolean }> }
  | { k: 'limit'; n: number }
  | { k: 'dedup'; names: string[] };

export interface Query {
  commands: Command[];
}

/** A compile error with the character range AWS reports in queryCompileError.location. */
export class QuerySyntaxError extends Error {
  readonly start: number;
  readonly end: number;

  constructor(message: string, start: number, end: number) {
    super(message);
    this.name = 'QuerySyntaxError';
    this.start = start;
    this.end = end;
  }
}

export const AGGREGATE_FUNCTIONS = new Set(['count', 'count_distinct', 'sum', 'avg', 'min', 'max', 'pct', 'stddev', 'earliest', 'latest', 'sortsfirst', 'sortslast']);

/** Scalar functions eval.ts implements (the parser rejects others, so typos fail loudly). */
export const SCALAR_FUNCTIONS = new Set(['bin', 'datefloor', 'dateceil', 'frommillis', 'tomillis', 'ispresent', 'isempty', 'isblank', 'strlen', 'tolower', 'toupper', 'trim', 'ltrim', 'rtrim', 'concat', 'substr', 'replace', 'strcontains', 'coalesce', 'abs', 'ceil', 'floor', 'round', 'sqrt', 'log', 'pow', 'greatest', 'least']);
