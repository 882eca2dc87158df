// The run matrix: every combination of the list-valued options, in a stable order.

export interface CellSpec {
  items: number;
  batchSize: number;
  parallelizationFactor: number;
  batchWindowS: number;
  workMs: number;
  failRate: number;
  /** Stream shards of the cell's table (local target); absent = the stack's default. */
  shards?: number;
}

export interface MatrixLists {
  items: number[];
  batch: number[];
  parallelizationFactor?: number[];
  batchWindow?: number[];
  workMs?: number[];
  failRate?: number[];
  shards?: number[];
}

export function expandMatrix(m: MatrixLists): CellSpec[] {
  const cells: CellSpec[] = [];
  for (const items of m.items)
    for (const batchSize of m.batch)
      for (const parallelizationFactor of m.parallelizationFactor ?? [1])
        for (const batchWindowS of m.batchWindow ?? [0])
          for (const workMs of m.workMs ?? [0])
            for (const failRate of m.failRate ?? [0])
              for (const shards of m.shards ?? [undefined]) cells.push({ items, batchSize, parallelizationFactor, batchWindowS, workMs, failRate, ...(shards !== undefined ? { shards } : {}) });
  return cells;
}
