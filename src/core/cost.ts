// A rough cost estimate for a run on AWS, shown before anything is created. Public on-demand list
// prices in us-east-1 (late 2025); other regions differ by a few percent. It is an order of
// magnitude for a decision, not a bill.
import type { CellSpec } from './matrix.ts';

export const PRICES = {
  dynamodbWritePerMillion: 0.625, // on-demand write request units
  lambdaRequestPerMillion: 0.2,
  lambdaGbSecond: 0.0000166667,
  logsIngestPerGb: 0.5,
};

export interface CostLine {
  what: string;
  quantity: string;
  usd: number;
}

export interface CostEstimate {
  lines: CostLine[];
  totalUsd: number;
}

const PLATFORM_LOG_BYTES = 350; // START + END + REPORT lines
const BYTES_PER_RECORD_IN_LOG = 12; // a sequence number in the consumer's batch line

export function estimateCost(cells: CellSpec[], opts: { memoryMb: number; itemSizeBytes: number }): CostEstimate {
  let writes = 0;
  let invocations = 0;
  let gbSeconds = 0;
  let logBytes = 0;
  for (const c of cells) {
    const wruPerItem = Math.max(1, Math.ceil(opts.itemSizeBytes / 1024));
    writes += c.items * wruPerItem;
    const inv = Math.ceil(c.items / c.batchSize) * (c.failRate > 0 ? 1 + c.failRate * 2 : 1);
    invocations += inv;
    const seconds = Math.max(c.workMs, 20) / 1000;
    gbSeconds += inv * seconds * (opts.memoryMb / 1024);
    logBytes += inv * (PLATFORM_LOG_BYTES + 150) + c.items * BYTES_PER_RECORD_IN_LOG;
  }
  const lines: CostLine[] = [
    { what: 'DynamoDB on-demand writes', quantity: `${writes.toLocaleString('en-US')} WRU`, usd: (writes / 1e6) * PRICES.dynamodbWritePerMillion },
    { what: 'Lambda requests', quantity: `${Math.round(invocations).toLocaleString('en-US')} invocations`, usd: (invocations / 1e6) * PRICES.lambdaRequestPerMillion },
    { what: 'Lambda duration', quantity: `${gbSeconds.toFixed(1)} GB-s`, usd: gbSeconds * PRICES.lambdaGbSecond },
    { what: 'CloudWatch Logs ingestion', quantity: `${(logBytes / 1e6).toFixed(1)} MB`, usd: (logBytes / 1e9) * PRICES.logsIngestPerGb },
  ];
  return { lines, totalUsd: lines.reduce((s, l) => s + l.usd, 0) };
}
