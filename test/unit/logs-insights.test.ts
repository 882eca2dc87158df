// Logs Insights subset: parser (accepts / rejects with a location), field discovery, and query results
// over in-memory events, table-driven.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery } from '../../src/local/logs/insights/parser.ts';
import { QuerySyntaxError } from '../../src/local/logs/insights/ast.ts';
import { firstJsonFragment, flattenJson, lambdaFields } from '../../src/local/logs/insights/fields.ts';
import { EventRow } from '../../src/local/logs/insights/rows.ts';
import { readsOldestFirst, runQuery } from '../../src/local/logs/insights/run.ts';
import { percentile } from '../../src/local/logs/insights/aggregates.ts';
import { formatTimestamp } from '../../src/local/logs/insights/eval.ts';

const T0 = Date.UTC(2024, 4, 21, 19, 48, 0, 0);
const REQ = 'c793869b-ee49-115b-a5b6-4fd21e8dedac';
const REQ2 = '0b5c9cf2-1111-2222-3333-444455556666';

/** A small Lambda-like log: START / app line with JSON / REPORT, twice, plus plain lines. */
const MESSAGES: Array<[number, string, string]> = [
  [T0 + 0, 'stream-a', `START RequestId: ${REQ} Version: $LATEST`],
  [T0 + 10, 'stream-a', `2024-05-21T19:48:00.010Z\t${REQ}\tINFO\t{"marker":"ddbsTest","records":3,"run":{"id":"r1"},"items":[{"id":7}]}`],
  [T0 + 20, 'stream-a', `END RequestId: ${REQ}`],
  [T0 + 21, 'stream-a', `REPORT RequestId: ${REQ}\tDuration: 128.83 ms\tBilled Duration: 129 ms\tMemory Size: 128 MB\tMax Memory Used: 74 MB\tInit Duration: 166.62 ms\t`],
  [T0 + 61_000, 'stream-b', `START RequestId: ${REQ2} Version: $LATEST`],
  [T0 + 61_010, 'stream-b', `2024-05-21T19:49:01.010Z\t${REQ2}\tINFO\t{"marker":"ddbsTest","records":5,"run":{"id":"r1"}}`],
  [T0 + 61_020, 'stream-b', `END RequestId: ${REQ2}`],
  [T0 + 61_021, 'stream-b', `REPORT RequestId: ${REQ2}\tDuration: 20.50 ms\tBilled Duration: 21 ms\tMemory Size: 128 MB\tMax Memory Used: 80 MB\t`],
  [T0 + 62_000, 'stream-b', 'user=bob, action=login took 12 ms'],
  [T0 + 125_000, 'stream-a', '{"level":"ERROR","latency":300,"message":"boom"}'],
];

function rowsFor(query: string) {
  const parsed = parseQuery(query);
  const rows = MESSAGES.map(([ts, stream, message], i) => new EventRow({ timestamp: ts, message, ingestionTime: ts + 5, seq: i + 1, bytes: message.length + 26 }, stream, '/aws/lambda/f', '000000000000'));
  if (!readsOldestFirst(parsed)) rows.reverse();
  return runQuery(parsed, rows, 10_000);
}

/** Results as plain objects without @ptr, for compact assertions. */
function run(query: string): Array<Record<string, string>> {
  return rowsFor(query).results.map((r) => Object.fromEntries(r.filter((f) => f.field !== '@ptr').map((f) => [f.field!, f.value!])));
}

describe('Insights parser', () => {
  const accepted = [
    'fields @message | filter @message like "ddbsTest" | stats count(*)',
    'fields @timestamp, @message | sort @timestamp desc | limit 20',
    'filter @type = "REPORT" | stats avg(@duration), max(@duration), min(@duration) by bin(5m)',
    'filter @message like /Exception/ | stats count(*) as exceptionCount by bin(1h) | sort exceptionCount desc',
    'parse @message "user=*, action=*" as user, action | display user, action',
    'parse @message /user=(?<user>\\w+)/ | filter user = "bob"',
    "filter level in ['ERROR', 'WARN'] and not (latency < 10) | fields latency * 2 as doubled",
    'stats pct(@duration, 99), count_distinct(@requestId), sum(records) by @logStream # comment',
    'filter `run.id` = "r1" or records >= 5 | dedup @logStream',
    'filter @message not like "x" and @message =~ /(?i)DDBSTEST/',
  ];
  for (const q of accepted) it(`accepts: ${q}`, () => assert.ok(parseQuery(q).commands.length > 0));

  const rejected: Array<[string, number]> = [
    // [query, character offset AWS-style queryCompileError.location.startCharOffset should point at]
    ['fields @message | filtr @message like "x"', 18],
    ['stats count(*) by', 17],
    ['filter @message like', 20],
    ['fields @message | limit x', 24],
    ['stats nosuch(@message)', 6],
    ['filter @message like "unterminated', 21],
    ['parse @message "a * b * c" as onlyone', 15],
    ['filter nosuchfn(@message)', 7],
    ['', 0],
    ['fields a |', 10],
  ];
  for (const [q, offset] of rejected) {
    it(`rejects: ${JSON.stringify(q)} at ${offset}`, () => {
      assert.throws(() => parseQuery(q), (err: unknown) => err instanceof QuerySyntaxError && err.start === offset);
    });
  }
});

describe('Insights field discovery', () => {
  it('parses REPORT lines (memory in bytes, 1 MB = 1,000,000)', () => {
    assert.deepEqual(lambdaFields(MESSAGES[3]![2]), { '@type': 'REPORT', '@requestId': REQ, '@duration': 128.83, '@billedDuration': 129, '@memorySize': 128_000_000, '@maxMemoryUsed': 74_000_000, '@initDuration': 166.62 });
  });
  it('parses a timeout REPORT without a trailing tab', () => {
    const f = lambdaFields(`REPORT RequestId: ${REQ}\tDuration: 180000.00 ms\tBilled Duration: 180000 ms\tMemory Size: 1280 MB\tMax Memory Used: 1201 MB\tStatus: timeout`);
    assert.equal(f?.['@duration'], 180000);
    assert.equal(f?.['@status'], 'timeout');
    assert.equal(f?.['@initDuration'], undefined);
  });
  it('START and END carry @type and @requestId', () => {
    assert.deepEqual(lambdaFields(MESSAGES[0]![2]), { '@type': 'START', '@requestId': REQ, '@version': '$LATEST' });
    assert.deepEqual(lambdaFields(MESSAGES[2]![2]), { '@type': 'END', '@requestId': REQ });
  });
  it('finds the first JSON fragment after a Lambda prefix and flattens it', () => {
    const obj = firstJsonFragment(MESSAGES[1]![2]);
    assert.ok(obj);
    assert.deepEqual([...flattenJson(obj).entries()], [['marker', 'ddbsTest'], ['records', 3], ['run.id', 'r1'], ['items.0.id', 7]]);
  });
  it('takes only the first of two JSON fragments', () => {
    assert.deepEqual(firstJsonFragment('a {"x":1} b {"y":2}'), { x: 1 });
  });
  it('formats timestamps like AWS', () => assert.equal(formatTimestamp(Date.UTC(2024, 4, 21, 19, 48, 44, 709)), '2024-05-21 19:48:44.709'));
  it('pct is nearest-rank', () => assert.equal(percentile([5, 1, 4, 2, 3], 50), 3));
});

describe('Insights results', () => {
  const cases: Array<[string, Array<Record<string, string>>]> = [
    ['fields @message | filter @message like "ddbsTest" | stats count(*)', [{ 'count(*)': '2' }]],
    ['filter @message like /ddbs.est/ | stats count(*) as n', [{ n: '2' }]],
    ['filter @message like "nothing-matches" | stats count(*)', []],
    ['stats count(*) by bin(1m)', [{ 'bin(1m)': '2024-05-21 19:48:00.000', 'count(*)': '4' }, { 'bin(1m)': '2024-05-21 19:49:00.000', 'count(*)': '5' }, { 'bin(1m)': '2024-05-21 19:50:00.000', 'count(*)': '1' }]],
    ['filter @type = "REPORT" | stats count(*) as invocations, sum(@billedDuration) as billed, max(@maxMemoryUsed / 1000 / 1000) as mb, count(@initDuration) as cold', [{ invocations: '2', billed: '150', mb: '80', cold: '1' }]],
    ['filter @type = "REPORT" | stats avg(@duration) as avg, min(@duration) as lo, pct(@duration, 50) as p50', [{ avg: '74.665', lo: '20.5', p50: '20.5' }]],
    ['filter ispresent(@initDuration) | fields @requestId', [{ '@requestId': REQ }]],
    ['filter marker = "ddbsTest" | stats sum(records) as records, count_distinct(@requestId) as invocations by run.id', [{ 'run.id': 'r1', records: '8', invocations: '2' }]],
    ['filter records > 3 | fields records, items.0.id', [{ records: '5' }]],
    ['filter items.0.id = 7 | fields records', [{ records: '3' }]],
    ['parse @message "user=*, action=* took * ms" as user, action, ms | filter ispresent(user) | display user, action, ms', [{ user: 'bob', action: 'login', ms: '12' }]],
    ['parse @message /user=(?<who>[a-z]+)/ | filter who = "bob" | fields who', [{ who: 'bob' }]],
    ['filter level in ["ERROR", "WARN"] | fields level, latency * 2 as doubled', [{ level: 'ERROR', doubled: '600' }]],
    ['filter level not in ["WARN"] and latency >= 300 | fields message', [{ message: 'boom' }]],
    ['filter @type = "START" | stats count(*) by @logStream | sort @logStream desc', [{ '@logStream': 'stream-b', 'count(*)': '1' }, { '@logStream': 'stream-a', 'count(*)': '1' }]],
    ['filter @type = "REPORT" | fields @duration | sort @duration asc | limit 1', [{ '@duration': '20.5' }]],
    ['filter @message like "END" and not @message like "REQ" | stats count(*)', [{ 'count(*)': '2' }]],
    ['filter @message =~ /(?i)DDBSTEST/ | stats count(*)', [{ 'count(*)': '2' }]],
    ['filter @message like "ddbsTest" | fields @timestamp | limit 1', [{ '@timestamp': '2024-05-21 19:49:01.010' }]],
    ['filter @type = "REPORT" | dedup @type | fields @requestId', [{ '@requestId': REQ2 }]],
    ['filter @type = "END" | stats earliest(@requestId) as first, latest(@requestId) as last, min(@timestamp) as t0', [{ first: REQ, last: REQ2, t0: '2024-05-21 19:48:00.020' }]],
  ];
  for (const [query, expected] of cases) {
    it(query, () => assert.deepEqual(run(query), expected));
  }

  it('default columns for a bare filter are @timestamp, @message, @logStream, @log and @ptr', () => {
    const out = rowsFor('filter @message like "boom"');
    assert.deepEqual(out.results[0]!.map((f) => f.field), ['@timestamp', '@message', '@logStream', '@log', '@ptr']);
    assert.equal(out.results[0]![3]!.value, '000000000000:/aws/lambda/f');
  });

  it('recordsMatched counts events after filters, before stats', () => {
    assert.equal(rowsFor('filter @type = "REPORT" | stats count(*) by @logStream').recordsMatched, 2);
  });
});
