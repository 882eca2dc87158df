// Accumulators for `stats`. count_distinct and pct are exact here (AWS approximates both for large sets).
import type { Aggregate, Value } from './ast.ts';
import { compareValues, evaluate, toNumber, toText } from './eval.ts';
import type { Row } from './rows.ts';

export interface Accumulator {
  add(row: Row): void;
  result(): Value;
}

const present = (v: Value): boolean => v !== undefined && v !== null;

function numbers(agg: Aggregate, finish: (values: number[]) => Value): Accumulator {
  const values: number[] = [];
  return {
    add(row) {
      const n = toNumber(evaluate(agg.args[0]!, row));
      if (!Number.isNaN(n)) values.push(n);
    },
    result: () => (values.length ? finish(values) : undefined),
  };
}

/** Nearest-rank percentile: the smallest value with at least p% of values ≤ it. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function makeAccumulator(agg: Aggregate): Accumulator {
  switch (agg.fn) {
    case 'count': {
      let n = 0;
      const counting = agg.star || agg.args.length === 0;
      return { add: (row) => void (counting || present(evaluate(agg.args[0]!, row)) ? n++ : 0), result: () => n };
    }
    case 'count_distinct': {
      const seen = new Set<string>();
      return {
        add(row) {
          const v = evaluate(agg.args[0]!, row);
          if (present(v)) seen.add(toText(v));
        },
        result: () => seen.size,
      };
    }
    case 'sum':
      return numbers(agg, (v) => v.reduce((a, b) => a + b, 0));
    case 'avg':
      return numbers(agg, (v) => v.reduce((a, b) => a + b, 0) / v.length);
    case 'stddev':
      return numbers(agg, (v) => {
        const mean = v.reduce((a, b) => a + b, 0) / v.length;
        return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
      });
    case 'pct': {
      const p = toNumber((agg.args[1] as { v: Value }).v);
      return numbers(agg, (v) => percentile(v, p));
    }
    case 'min':
    case 'max': {
      // Keeps Dates as Dates so min(@timestamp) prints as a timestamp.
      let best: Value;
      const sign = agg.fn === 'min' ? 1 : -1;
      return {
        add(row) {
          const v = evaluate(agg.args[0]!, row);
          if (present(v) && (best === undefined || sign * compareValues(v, best) < 0)) best = typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v;
        },
        result: () => best,
      };
    }
    default: {
      // earliest/latest and sortsFirst/sortsLast: the value from the earliest/latest event.
      const latest = agg.fn === 'latest' || agg.fn === 'sortslast';
      let bestTs = latest ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
      let best: Value;
      return {
        add(row) {
          const ts = row.timestamp ?? toNumber(row.get('@timestamp'));
          const v = evaluate(agg.args[0]!, row);
          if (present(v) && (latest ? ts >= bestTs : ts < bestTs)) {
            bestTs = ts;
            best = v;
          }
        },
        result: () => best,
      };
    }
  }
}
