// Renders a comparison for people: one row per matched cell with base → new and the change, then
// the regressions by name.
import Table from 'cli-table3';
import type { Comparison, Delta } from '../core/compare.ts';

function cell(d: Delta, unit = ''): string {
  if (d.base === null && d.next === null) return '-';
  const base = d.base === null ? '-' : `${d.base}${unit}`;
  const next = d.next === null ? '-' : `${d.next}${unit}`;
  if (d.change === null || d.change === 0) return d.base === d.next ? next : `${base} → ${next}`;
  const sign = d.change > 0 ? '+' : '';
  const pct = d.ratio === null ? '' : ` (${sign}${Math.round(d.ratio * 100)}%)`;
  return `${base} → ${next}${pct}`;
}

export function formatComparison(c: Comparison, names: { base: string; next: string }): string {
  const table = new Table({ head: ['cell', 'delivered', 'missing', 'dup', 'p50', 'p99', 'drain', 'seed rate/s'], style: { head: [], border: [] } });
  for (const m of c.matched) {
    const d = m.deltas;
    table.push([m.key, cell(d.delivered), cell(d.missing), cell(d.duplicates), cell(d.p50Ms, ' ms'), cell(d.p99Ms, ' ms'), cell(d.drainMs, ' ms'), cell(d.seedRate)]);
  }
  const head = c.regressions.length
    ? `REGRESSED: ${c.regressions.length} regression(s) in ${names.next} against ${names.base}.`
    : `NO REGRESSIONS: ${names.next} against ${names.base}, ${c.matched.length} matched cell(s).`;
  const lines = [head, table.toString()];
  if (c.regressions.length) lines.push('', ...c.regressions.map((r) => `- ${r}`));
  if (c.onlyInBase.length) lines.push('', `only in ${names.base}: ${c.onlyInBase.join('; ')}`);
  if (c.onlyInNext.length) lines.push('', `only in ${names.next}: ${c.onlyInNext.join('; ')}`);
  return lines.join('\n');
}
