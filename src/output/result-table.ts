// Renders result documents for people: a one-line verdict, then a table; and as CSV / Markdown for
// --out files. The word "missing" appears only under an incomplete verdict.
import Table from 'cli-table3';
import type { Cell, ResultDocument } from '../core/result.ts';
import { baseVerdict } from '../core/result.ts';
import { HOPS } from '../core/hops.ts';
import { fitColumns, type Column } from './fit-columns.ts';

const COLUMNS: Array<[string, (c: Cell) => string]> = [
  ['items', (c) => String(c.items)],
  ['batch', (c) => String(c.batchSize)],
  ['pf', (c) => String(c.parallelizationFactor)],
  ['window s', (c) => String(c.batchWindowS)],
  ['written', (c) => String(c.written)],
  ['delivered', (c) => String(c.delivered)],
  ['processed', (c) => String(c.processed)],
  ['lost', (c) => String(c.missing)],
  ['duplicates', (c) => String(c.duplicates)],
  ['invocations', (c) => String(c.invocations)],
  ['records/inv', (c) => c.batch.mean.toFixed(1)],
  ['p50 ms', (c) => (c.latencyMs ? String(c.latencyMs.p50) : '-')],
  ['p99 ms', (c) => (c.latencyMs ? String(c.latencyMs.p99) : '-')],
  ['drain ms', (c) => (c.drainMs === null ? '-' : String(c.drainMs))],
  ['shards', (c) => orDash(c.shards)],
  ['max conc', (c) => orDash(c.maxConcurrency)],
  ['out of order', (c) => orDash(c.outOfOrder)],
  ['verdict', (c) => c.verdict],
];

/** Every column of the full table, in order (what --wide, piped output and a wide terminal show). */
export const RESULT_COLUMN_HEADS: readonly string[] = COLUMNS.map(([head]) => head);

/** A measurement a cell may not have (older documents, or nothing to measure): '-'. */
function orDash(v: number | null | undefined): string {
  return typeof v === 'number' ? String(v) : '-';
}

export function verdictLine(doc: ResultDocument): string {
  const total = doc.cells.reduce((n, c) => n + c.written, 0);
  const lost = doc.cells.reduce((n, c) => n + c.missing, 0);
  const dups = doc.cells.reduce((n, c) => n + c.duplicates, 0);
  const filtered = doc.cells.reduce((n, c) => n + (c.filtered ?? 0), 0);
  switch (doc.verdict) {
    case 'complete': {
      const extras = [dups > 0 ? `${dups} redeliveries` : '', filtered > 0 ? `${filtered} deliberately filtered` : ''].filter(Boolean).join(', ');
      return `COMPLETE: all ${total} written records were processed across ${doc.cells.length} cell(s)${extras ? ` (${extras})` : ''}.`;
    }
    case 'incomplete':
      return `INCOMPLETE: ${lost} of ${total} written records are missing (lost, with the evidence window closed).`;
    case 'in-flight':
      return `IN-FLIGHT: not verified, records are still on their way: ${doc.cells.find((c) => baseVerdict(c.verdict) === 'in-flight')?.why ?? ''}`;
    case 'unverifiable':
      return `UNVERIFIABLE: not verified, the evidence is gone or partial: ${doc.cells.find((c) => baseVerdict(c.verdict) === 'unverifiable')?.why ?? ''}`;
  }
}

/**
 * When a narrow terminal cannot show every column, these go first (highest number first); the
 * ones that answer "did everything arrive, and how fast" (priority 0-1) stay.
 */
const DROP_PRIORITY: Record<string, number> = {
  'window s': 9, pf: 8, shards: 8, 'max conc': 7, processed: 7, invocations: 6, 'records/inv': 5, 'p50 ms': 4, 'out of order': 3, duplicates: 2, 'drain ms': 1, 'p99 ms': 1,
};
const FIT_COLUMNS: Column<Cell>[] = COLUMNS.map(([head, value]) => ({ head, value, priority: DROP_PRIORITY[head] ?? 0 }));

/** Breaks text into lines of at most `width` characters at spaces (a longer word stands alone). */
export function wrapText(text: string, width: number, indent = ''): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (next.length > width && line) {
      lines.push(line);
      line = `${indent}${word}`;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

function cellBlock(c: Cell): string {
  return COLUMNS.map(([h, f]) => `  ${h}: ${f(c)}`).join('\n');
}

/**
 * The verdict, the table and the notes. With `width` (a terminal's columns), the table keeps to it:
 * it drops the least important columns, or prints one block per cell when even the essential ones
 * do not fit, and long lines wrap. Without `width` (piped output, --wide) everything shows.
 */
export function formatResultTable(doc: ResultDocument, width?: number): string {
  const notes = doc.cells.flatMap((c) => c.notes.map((n) => `- [items=${c.items} batch=${c.batchSize}] ${n}`));
  const cols = width === undefined ? FIT_COLUMNS : fitColumns(FIT_COLUMNS, doc.cells, width);
  let body: string;
  if (cols) {
    const table = new Table({ head: cols.map((c) => c.head), style: { head: [], border: [] } });
    for (const c of doc.cells) table.push(cols.map((col) => col.value(c)));
    body = table.toString();
  } else body = doc.cells.map((c, i) => `cell ${i + 1}/${doc.cells.length}\n${cellBlock(c)}`).join('\n');
  const wrap = (t: string, indent = '') => (width === undefined ? [t] : wrapText(t, width, indent));
  return [...wrap(verdictLine(doc)), body, ...(notes.length ? ['', ...notes.flatMap((n) => wrap(n, '  '))] : [])].join('\n');
}

/** The width the result table must fit: a terminal's columns, or COLUMNS when set; none when piped. */
export function outputWidth(stdout: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv): number | undefined {
  const fromEnv = Number(env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv >= 20) return fromEnv;
  return stdout.isTTY && stdout.columns ? stdout.columns : undefined;
}

/** The line above a stored result: where the numbers come from. */
export function formatStoredHeader(runId: string, measuredAt: string, reason: string): string {
  return `stored result of torn-down run ${runId}, measured ${measuredAt} (${reason}; its evidence is gone, so it is shown, not recounted)`;
}

export function formatCellSummary(c: Cell): string {
  const verdict = baseVerdict(c.verdict);
  const lat = c.latencyMs ? `latency p50 ${c.latencyMs.p50} ms, p90 ${c.latencyMs.p90} ms, p99 ${c.latencyMs.p99} ms, max ${c.latencyMs.max} ms` : c.delivered === 0 ? 'latency: n/a (nothing delivered)' : 'latency: n/a (not seeded by ddbs-test)';
  const flow = [`written ${c.written}`, c.inStream !== null && c.inStream !== undefined ? `in stream ${c.inStream}` : '', `delivered ${c.delivered}`, `processed ${c.processed}`].filter(Boolean).join(' → ');
  const tail = [c.filtered ? `filtered ${c.filtered}` : '', verdict === 'incomplete' ? `missing ${c.missing}` : c.pending ? `not yet accounted for ${c.pending}` : '', `duplicates ${c.duplicates}`].filter(Boolean).join(', ');
  const lines = [
    `${c.verdict.toUpperCase()}: run ${c.runId} on ${c.table}: ${c.why}`,
    `${flow}; ${tail}`,
    `invocations ${c.invocations} (errors ${c.functionErrors}${c.running ? `, running ${c.running}` : ''}), records per invocation min ${c.batch.min} / mean ${c.batch.mean} / max ${c.batch.max}`,
    `${lat}; seed ${c.seedMs} ms, drain ${c.drainMs ?? '-'} ms`,
  ];
  const topology = [
    c.shards !== null && c.shards !== undefined ? `shards ${c.shards}` : '',
    typeof c.maxConcurrency === 'number' ? `max concurrency ${c.maxConcurrency}` : '',
    typeof c.outOfOrder === 'number' ? `out of order ${c.outOfOrder}` : '',
    c.eventNames ? `events INSERT ${c.eventNames.INSERT} / MODIFY ${c.eventNames.MODIFY} / REMOVE ${c.eventNames.REMOVE}` : '',
    c.updates ? `${c.updates} updates per item` : '',
  ].filter(Boolean);
  if (topology.length) lines.push(topology.join(', '));
  if (c.patternLines !== null) lines.push(`pattern lines: ${c.patternLines}`);
  if (verdict === 'incomplete') {
    const byHop = HOPS.filter((h) => (c.missingByHop?.[h] ?? 0) > 0).map((h) => `${h} ${c.missingByHop[h]}`);
    if (byHop.length) lines.push(`missing by hop: ${byHop.join(', ')}`);
    if (c.missingSample.length) lines.push(`missing (sample): ${c.missingSample.join('; ')}`);
  } else if (c.pendingSample?.length) lines.push(`not yet accounted for (sample): ${c.pendingSample.join('; ')}`);
  for (const n of c.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}

function csvField(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function toCsv(doc: ResultDocument): string {
  const head = [...COLUMNS.map(([h]) => h), 'runId', 'table', 'functionErrors', 'p90 ms', 'max ms', 'seed ms', 'wall ms', 'pattern lines', 'work ms', 'fail rate', 'filtered', 'in stream', 'updates', 'INSERT', 'MODIFY', 'REMOVE'];
  const events = (c: Cell) => (c.eventNames ? [String(c.eventNames.INSERT), String(c.eventNames.MODIFY), String(c.eventNames.REMOVE)] : ['', '', '']);
  const rows = doc.cells.map((c) => [...COLUMNS.map(([, f]) => f(c)), c.runId, c.table, String(c.functionErrors), c.latencyMs ? String(c.latencyMs.p90) : '', c.latencyMs ? String(c.latencyMs.max) : '', String(c.seedMs), String(c.wallMs), c.patternLines === null ? '' : String(c.patternLines), String(c.workMs), String(c.failRate), String(c.filtered ?? 0), c.inStream === null || c.inStream === undefined ? '' : String(c.inStream), String(c.updates ?? 0), ...events(c)]);
  return `${[head, ...rows].map((r) => r.map(csvField).join(',')).join('\n')}\n`;
}

export function toMarkdown(doc: ResultDocument): string {
  const head = COLUMNS.map(([h]) => h);
  const rows = doc.cells.map((c) => COLUMNS.map(([, f]) => f(c)));
  return `**${verdictLine(doc)}**\n\n| ${head.join(' | ')} |\n|${head.map(() => ' --- ').join('|')}|\n${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}\n`;
}
