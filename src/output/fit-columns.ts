// Chooses which result-table columns fit a terminal. cli-table3 draws `│ v │ v │`: each column
// costs its widest cell plus three characters, and the table one more for the closing border.
export interface Column<T> {
  head: string;
  value(row: T): string;
  /** Lower = dropped later. The essential columns have priority 0 and are never dropped. */
  priority: number;
}

export function tableWidth<T>(cols: Column<T>[], rows: T[]): number {
  return cols.reduce((w, c) => w + Math.max(c.head.length, ...rows.map((r) => c.value(r).length)) + 3, 1);
}

/**
 * The columns to show within `width`, in their original order: drops the least important first.
 * Returns undefined when even the essential columns do not fit (the caller prints one block per row).
 */
export function fitColumns<T>(cols: Column<T>[], rows: T[], width: number): Column<T>[] | undefined {
  const shown = [...cols];
  const dropOrder = cols.filter((c) => c.priority > 0).sort((a, b) => b.priority - a.priority);
  for (const next of dropOrder) {
    if (tableWidth(shown, rows) <= width) return shown;
    shown.splice(shown.indexOf(next), 1);
  }
  return tableWidth(shown, rows) <= width ? shown : undefined;
}
