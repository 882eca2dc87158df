// Renders result documents for people: a one-line verdict, then a table; and as CSV / Markdown for
// --out files.
import Table from 'cli-table3';
import type { Cell, ResultDocument } from '../core/result.ts';

const COLUMNS: Array<[string, (c: Cell) => string]> = [
  ['items', (c) => String(c.items)],
  ['batch', (c) => String(c.batchSize)],
  ['pf', (c) => String(c.parallelizationFactor)],
  ['window s', (c) => String(c.batchWindowS)],
  ['written', (c) => String(c.written)],
  ['delivered', (c) => String(c.delivered)],
  ['processed', (c) => String(c.processed)],
  ['missing', (c) => String(c.missing)],
  ['duplicates', (c) => String(c.duplicates)],
  ['invocations', (c) => String(c.invocations)],
  ['records/inv', (c) => c.batch.mean.toFixed(1)],
  ['p50 ms', (c) => (c.latencyMs ? String(c.latencyMs.p50) : '-')],
  ['p99 ms', (c) => (c.latencyMs ? String(c.latencyMs.p99) : '-')],
  ['drain ms', (c) => (c.drainMs === null ? '-' : String(c.drainMs))],
  ['verdict', (c) => c.verdict],
];

export function verdictLine(doc: ResultDocument): string {
  const total = doc.cells.reduce((n, c) => n + c.written, 0);
  const missing = doc.cells.reduce((n, c) => n + c.missing, 0);
  const dups = doc.cells.reduce((n, c) => n + c.duplicates, 0);
  const unprocessed = doc.cells.reduce((n, c) => n + (c.delivered - c.processed), 0);
  if (doc.verdict === 'complete') {
    const extras = [dups > 0 ? `${dups} redeliveries` : '', unprocessed > 0 ? `${unprocessed} never processed successfully` : ''].filter(Boolean).join(', ');
    return `COMPLETE: all ${total} written records reached the consumer across ${doc.cells.length} cell(s)${extras ? ` (${extras})` : ''}.`;
  }
  return `INCOMPLETE: ${missing} of ${total} written records never reached the consumer.`;
}

export function formatResultTable(doc: ResultDocument): string {
  const table = new Table({ head: COLUMNS.map(([h]) => h), style: { head: [], border: [] } });
  for (const c of doc.cells) table.push(COLUMNS.map(([, f]) => f(c)));
  const notes = doc.cells.flatMap((c) => c.notes.map((n) => `- [items=${c.items} batch=${c.batchSize}] ${n}`));
  return [verdictLine(doc), table.toString(), ...(notes.length ? ['', ...notes] : [])].join('\n');
}

export function formatCellSummary(c: Cell): string {
  const lat = c.latencyMs ? `latency p50 ${c.latencyMs.p50} ms, p90 ${c.latencyMs.p90} ms, p99 ${c.latencyMs.p99} ms, max ${c.latencyMs.max} ms` : c.delivered === 0 ? 'latency: n/a (nothing delivered)' : 'latency: n/a (not seeded by ddbs-test)';
  const lines = [
    `${c.verdict.toUpperCase()}: run ${c.runId} on ${c.table}`,
    `written ${c.written} → delivered ${c.delivered} → processed ${c.processed}; missing ${c.missing}, duplicates ${c.duplicates}`,
    `invocations ${c.invocations} (errors ${c.functionErrors}), records per invocation min ${c.batch.min} / mean ${c.batch.mean} / max ${c.batch.max}`,
    `${lat}; seed ${c.seedMs} ms, drain ${c.drainMs ?? '-'} ms`,
  ];
  if (c.patternLines !== null) lines.push(`pattern lines: ${c.patternLines}`);
  if (c.missingSample.length) lines.push(`missing (sample): ${c.missingSample.join(', ')}`);
  for (const n of c.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}

function csvField(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function toCsv(doc: ResultDocument): string {
  const head = [...COLUMNS.map(([h]) => h), 'runId', 'table', 'functionErrors', 'p90 ms', 'max ms', 'seed ms', 'wall ms', 'pattern lines', 'work ms', 'fail rate'];
  const rows = doc.cells.map((c) => [...COLUMNS.map(([, f]) => f(c)), c.runId, c.table, String(c.functionErrors), c.latencyMs ? String(c.latencyMs.p90) : '', c.latencyMs ? String(c.latencyMs.max) : '', String(c.seedMs), String(c.wallMs), c.patternLines === null ? '' : String(c.patternLines), String(c.workMs), String(c.failRate)]);
  return `${[head, ...rows].map((r) => r.map(csvField).join(',')).join('\n')}\n`;
}

export function toMarkdown(doc: ResultDocument): string {
  const head = COLUMNS.map(([h]) => h);
  const rows = doc.cells.map((c) => COLUMNS.map(([, f]) => f(c)));
  return `**${verdictLine(doc)}**\n\n| ${head.join(' | ')} |\n|${head.map(() => ' --- ').join('|')}|\n${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}\n`;
}
