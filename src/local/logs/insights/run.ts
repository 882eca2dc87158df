// Runs a parsed query over event rows: each command transforms the row list in turn. Output columns are
// what `fields`/`parse` added (or `display`, or the stats columns); every event row also carries @ptr.
import type { ResultField } from '@aws-sdk/client-cloudwatch-logs';
import type { Command, Query, Value } from './ast.ts';
import { makeAccumulator, type Accumulator } from './aggregates.ts';
import { compareValues, evaluate, toText, truthy } from './eval.ts';
import { PlainRow, type Row } from './rows.ts';

export interface QueryOutput {
  results: ResultField[][];
  /** Event rows left after every filter (before stats/limit): AWS's recordsMatched. */
  recordsMatched: number;
}

/** Non-stats queries show newest events first unless they sort; stats queries read oldest first. */
export function readsOldestFirst(query: Query): boolean {
  return query.commands.some((c) => c.k === 'stats' || c.k === 'sort');
}

const DEFAULT_COLUMNS = ['@timestamp', '@message', '@logStream', '@log'];

export function runQuery(query: Query, source: Row[], maxRows: number): QueryOutput {
  let rows = source;
  let columns: string[] = [];
  let displayed: string[] | undefined;
  let aggregated = false;
  let recordsMatched = source.length;
  const addColumns = (names: string[]): void => {
    for (const n of names) if (!columns.includes(n)) columns.push(n);
  };
  for (const cmd of query.commands) {
    switch (cmd.k) {
      case 'fields':
      case 'display':
        for (const row of rows) for (const item of cmd.items) if (item.expr.k !== 'field' || item.expr.name !== item.name) row.set(item.name, evaluate(item.expr, row));
        if (cmd.k === 'display') displayed = cmd.items.map((i) => i.name);
        else addColumns(cmd.items.map((i) => i.name));
        break;
      case 'filter':
        rows = rows.filter((row) => truthy(evaluate(cmd.expr, row)));
        if (!aggregated) recordsMatched = rows.length;
        break;
      case 'parse':
        for (const row of rows) {
          const m = cmd.re.exec(toText(evaluate(cmd.source, row)));
          cmd.names.forEach((name, i) => row.set(name, m ? (m.groups?.[name] ?? m[i + 1]) : undefined));
        }
        addColumns(cmd.names);
        break;
      case 'stats':
        rows = stats(cmd, rows);
        columns = [...cmd.by.map((b) => b.name), ...cmd.aggs.map((a) => a.name)];
        displayed = undefined;
        aggregated = true;
        break;
      case 'sort': {
        // Evaluate each key once per row, then sort the decorated rows (stable).
        const decorated = rows.map((row) => ({ row, keys: cmd.keys.map((k) => evaluate(k.expr, row)) }));
        decorated.sort((a, b) => {
          for (let i = 0; i < cmd.keys.length; i++) {
            const va = a.keys[i];
            const vb = b.keys[i];
            const c = compareValues(va, vb);
            // Absent values stay last in both directions.
            if (c !== 0) return cmd.keys[i]!.desc && va != null && vb != null ? -c : c;
          }
          return 0;
        });
        rows = decorated.map((d) => d.row);
        break;
      }
      case 'limit':
        rows = rows.slice(0, cmd.n);
        break;
      case 'dedup': {
        const seen = new Set<string>();
        rows = rows.filter((row) => {
          const key = JSON.stringify(cmd.names.map((n) => toText(row.get(n))));
          return seen.has(key) ? false : (seen.add(key), true);
        });
        break;
      }
    }
  }
  const shown = displayed ?? (columns.length > 0 ? columns : DEFAULT_COLUMNS);
  const results = rows.slice(0, maxRows).map((row) => {
    const fields: ResultField[] = [];
    for (const field of shown) {
      const v = row.get(field);
      if (v !== undefined && v !== null) fields.push({ field, value: toText(v) });
    }
    if (row.ptr !== undefined) fields.push({ field: '@ptr', value: row.ptr });
    return fields;
  });
  return { results, recordsMatched };
}

function stats(cmd: Extract<Command, { k: 'stats' }>, rows: Row[]): Row[] {
  const groups = new Map<string, { keys: Value[]; accs: Accumulator[] }>();
  for (const row of rows) {
    const keys = cmd.by.map((b) => evaluate(b.expr, row));
    const id = JSON.stringify(keys.map(toText));
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { keys, accs: cmd.aggs.map(makeAccumulator) }));
    for (const acc of g.accs) acc.add(row);
  }
  // No matching events → no rows (not a row with 0): AWS answers "no data" the same way.
  return [...groups.values()].map((g) => {
    const out = new PlainRow();
    cmd.by.forEach((b, i) => out.set(b.name, g.keys[i]));
    cmd.aggs.forEach((a, i) => out.set(a.name, g.accs[i]!.result()));
    return out;
  });
}
