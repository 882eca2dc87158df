// The parsed form of a FilterLogEvents filter pattern: an empty pattern (everything), terms (`a b` all
// required, `?a ?b` any of them, `-a` excluded), a `%regex%`, or a JSON expression (`{ $.a = 1 }`).

/** A term of a text pattern: quoted terms are phrases matched as substrings, bare terms as words. */
export interface Term {
  text: string;
  quoted: boolean;
}

export type PathSegment = string | number;

export type JsonValue =
  | { kind: 'string'; text: string; /** set when the string has `*` wildcards */ wildcard?: RegExp }
  | { kind: 'number'; value: number }
  | { kind: 'regex'; re: RegExp };

export type JsonExpr =
  | { kind: 'and' | 'or'; left: JsonExpr; right: JsonExpr }
  | { kind: 'compare'; path: PathSegment[]; op: '=' | '!=' | '<' | '<=' | '>' | '>='; value: JsonValue }
  | { kind: 'is'; path: PathSegment[]; what: 'NULL' | 'TRUE' | 'FALSE' }
  | { kind: 'notExists'; path: PathSegment[] };

export type FilterPattern =
  | { kind: 'all' }
  | { kind: 'terms'; required: Term[]; anyOf: Term[]; excluded: Term[] }
  | { kind: 'json'; expr: JsonExpr }
  | { kind: 'regex'; re: RegExp };

export class FilterPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterPatternError';
  }
}
