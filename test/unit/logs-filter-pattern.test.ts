// Filter pattern parser and matcher (FilterLogEvents), table-driven: [pattern, message, expected].
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilterPattern } from '../../src/local/logs/filter-pattern/parse.ts';
import { compileMatcher } from '../../src/local/logs/filter-pattern/match.ts';
import { FilterPatternError } from '../../src/local/logs/filter-pattern/ast.ts';

const matches = (pattern: string, message: string): boolean => compileMatcher(parseFilterPattern(pattern))(message);

const JSON_EVENT = JSON.stringify({
  eventType: 'UpdateTrail',
  level: 'ERROR',
  latency: 120,
  ratio: 0.5,
  user: { id: 1, name: 'Alice', tags: ['a', 'b'] },
  users: [{ email: 'John.Doe@example.com' }],
  empty: null,
  ok: true,
  failed: false,
  source: 'organizations.amazonaws.com',
});

const cases: Array<[string, string, string, boolean]> = [
  // [name, pattern, message, expected]
  ['empty pattern matches everything', '', 'anything at all', true],
  ['quoted blank matches everything', '" "', 'x', true],
  ['bare term as a whole word', 'ERROR', '[ERROR 400] BAD REQUEST', true],
  ['bare term before punctuation', 'ERROR', 'ERROR: boom', true],
  ['bare term is not a substring of a longer word', 'ERROR', 'ERRORS happened', false],
  ['bare term not inside a word', 'ERROR', 'NOERROR', false],
  ['case-sensitive', 'error', '[ERROR 400]', false],
  ['all terms must appear', 'ERROR ARGUMENTS', 'ERROR with ARGUMENTS', true],
  ['all terms: one missing', 'ERROR ARGUMENTS', 'ERROR without args', false],
  ['?a ?b: either', '?ERROR ?WARN', 'a WARN line', true],
  ['?a ?b: neither', '?ERROR ?WARN', 'an INFO line', false],
  ['-term excludes', 'ERROR -ARGUMENTS', 'ERROR ARGUMENTS', false],
  ['-term keeps others', 'ERROR -ARGUMENTS', 'ERROR only', true],
  ['quoted phrase', '"INTERNAL SERVER ERROR"', 'got INTERNAL SERVER ERROR now', true],
  ['quoted phrase needs exact order', '"INTERNAL SERVER ERROR"', 'SERVER INTERNAL ERROR', false],
  ['quoted term matches as substring', '"ddbsTest"', '{"marker":"ddbsTestMarker"}', true],
  ['quoted term with punctuation', '"request-id-123"', 'handled request-id-123 ok', true],
  ['bare term with punctuation never matches (must be quoted)', 'request-id-123', 'handled request-id-123 ok', false],
  ['numeric bare term', '404', 'status 404 returned', true],
  ['excluded quoted term', 'ERROR -"retrying"', 'ERROR retrying', false],
  ['regex pattern', '%colou?r%', 'the color red', true],
  ['regex pattern no match', '%^ERR%', 'an ERR', false],
  // JSON patterns
  ['json string equality', '{ $.eventType = "UpdateTrail" }', JSON_EVENT, true],
  ['json string inequality', '{ $.eventType != "UpdateTrail" }', JSON_EVENT, false],
  ['json != on other value', '{ $.eventType != "Other" }', JSON_EVENT, true],
  ['json unquoted string value', '{ $.source = organizations.amazonaws.com }', JSON_EVENT, true],
  ['json wildcard prefix', '{ $.eventType = "Update*" }', JSON_EVENT, true],
  ['json wildcard middle', '{ $.eventType = "U*Trail" }', JSON_EVENT, true],
  ['json wildcard no match', '{ $.eventType = "Delete*" }', JSON_EVENT, false],
  ['json numeric >', '{ $.latency > 100 }', JSON_EVENT, true],
  ['json numeric <', '{ $.latency < 100 }', JSON_EVENT, false],
  ['json numeric >=', '{ $.latency >= 120 }', JSON_EVENT, true],
  ['json numeric <=', '{ $.ratio <= 0.5 }', JSON_EVENT, true],
  ['json numeric =', '{ $.latency = 120 }', JSON_EVENT, true],
  ['json nested', '{ $.user.name = "Alice" }', JSON_EVENT, true],
  ['json array index', '{ $.users[0].email = "John.Doe@example.com" }', JSON_EVENT, true],
  ['json nested array', '{ $.user.tags[1] = "b" }', JSON_EVENT, true],
  ['json array out of range', '{ $.user.tags[5] = "b" }', JSON_EVENT, false],
  ['json IS NULL', '{ $.empty IS NULL }', JSON_EVENT, true],
  ['json IS NULL on missing', '{ $.nothing IS NULL }', JSON_EVENT, false],
  ['json IS TRUE', '{ $.ok IS TRUE }', JSON_EVENT, true],
  ['json IS FALSE', '{ $.failed IS FALSE }', JSON_EVENT, true],
  ['json IS TRUE on false', '{ $.failed IS TRUE }', JSON_EVENT, false],
  ['json NOT EXISTS', '{ $.nothing NOT EXISTS }', JSON_EVENT, true],
  ['json NOT EXISTS on present', '{ $.latency NOT EXISTS }', JSON_EVENT, false],
  ['json missing field fails =', '{ $.nothing = "x" }', JSON_EVENT, false],
  ['json missing field fails !=', '{ $.nothing != "x" }', JSON_EVENT, false],
  ['json &&', '{ $.level = "ERROR" && $.latency > 100 }', JSON_EVENT, true],
  ['json && one false', '{ $.level = "ERROR" && $.latency > 500 }', JSON_EVENT, false],
  ['json ||', '{ $.level = "WARN" || $.latency > 100 }', JSON_EVENT, true],
  ['json parentheses', '{ ($.level = "WARN" || $.level = "ERROR") && ($.user.id = 1) }', JSON_EVENT, true],
  ['json parentheses false', '{ ($.level = "WARN" || $.level = "INFO") && ($.user.id = 1) }', JSON_EVENT, false],
  ['json case-sensitive value', '{ $.level = "error" }', JSON_EVENT, false],
  ['json pattern never matches non-JSON', '{ $.level = "ERROR" }', 'level ERROR', false],
  ['json pattern never matches a prefixed Lambda line', '{ $.level = "ERROR" }', `2024-01-01T00:00:00.000Z\tid\tINFO\t${JSON_EVENT}`, false],
  ['json numeric compare on a string field is false', '{ $.level > 3 }', JSON_EVENT, false],
];

describe('filter patterns', () => {
  for (const [name, pattern, message, expected] of cases) {
    it(`${name}: ${pattern} → ${expected}`, () => {
      assert.equal(matches(pattern, message), expected);
    });
  }

  const invalid: Array<[string, string]> = [
    ['unterminated quote', '"abc'],
    ['json missing brace', '{ $.a = 1'],
    ['json missing operator', '{ $.a }'],
    ['json relational with a string', '{ $.a > "x" }'],
    ['json selector without property', '{ $ = 1 }'],
    ['space-delimited patterns are not supported', '[ip, user]'],
    ['bad regex', '%(%'],
  ];
  for (const [name, pattern] of invalid) {
    it(`rejects ${name}`, () => {
      assert.throws(() => parseFilterPattern(pattern), FilterPatternError);
    });
  }
});
