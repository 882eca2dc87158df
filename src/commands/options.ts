// Option parsers shared by the commands. Each names its flag and the valid range in the message, so
// bad input is a usage error (exit 2) before anything is created.
import { InvalidArgumentError, type Command } from 'commander';
import type { KeyAttribute } from '../core/keys.ts';

/** A whole number within [min, max]. */
export function intInRange(min: number, max: number) {
  return (value: string): number => {
    const trimmed = value.trim();
    if (!/^-?\d+$/.test(trimmed)) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}.`);
    const n = Number(trimmed);
    if (n < min || n > max) throw new InvalidArgumentError(`must be from ${min} to ${max}.`);
    return n;
  };
}

/** A number (fractions allowed) within [min, max]. */
export function numberInRange(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value.trim());
    if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`must be a number from ${min} to ${max}.`);
    if (n < min || n > max) throw new InvalidArgumentError(`must be from ${min} to ${max}.`);
    return n;
  };
}

/** A comma-separated list of whole numbers within [min, max], e.g. `1000,10000`. */
export function intList(min: number, max: number) {
  const one = intInRange(min, max);
  return (value: string): number[] => {
    const parts = value.split(',').map((p) => p.trim());
    if (parts.length === 0 || parts.some((p) => p === '')) throw new InvalidArgumentError(`must be a comma-separated list of whole numbers from ${min} to ${max}, e.g. 1,10.`);
    const out = parts.map((p) => {
      try {
        return one(p);
      } catch {
        throw new InvalidArgumentError(`'${p}' is not valid: each value must be a whole number from ${min} to ${max}.`);
      }
    });
    return [...new Set(out)];
  };
}

/** A comma-separated list of numbers within [min, max]. */
export function numberList(min: number, max: number) {
  const one = numberInRange(min, max);
  return (value: string): number[] => {
    const parts = value.split(',').map((p) => p.trim());
    if (parts.some((p) => p === '')) throw new InvalidArgumentError(`must be a comma-separated list of numbers from ${min} to ${max}.`);
    return [
      ...new Set(
        parts.map((p) => {
          try {
            return one(p);
          } catch {
            throw new InvalidArgumentError(`'${p}' is not valid: each value must be a number from ${min} to ${max}.`);
          }
        }),
      ),
    ];
  };
}

/**
 * Table names: 1-255 characters of a-z, A-Z, 0-9, '_', '-', '.'. AWS needs at least 3; the local
 * stack also takes shorter names (so `--table t1` works offline) and `--target aws` checks the 3.
 */
export function tableName(value: string): string {
  if (!/^[A-Za-z0-9_.-]{1,255}$/.test(value)) {
    throw new InvalidArgumentError(`must be 1 to 255 characters (3 or more on AWS) of a-z, A-Z, 0-9, '_', '-' and '.' (got ${value.length > 40 ? `${value.slice(0, 40)}… (${value.length} characters)` : `'${value}'`}).`);
  }
  return value;
}

/** `pk:S` or `url:S,timestamp:S`: a hash key and an optional range key. */
export function keySchema(value: string): KeyAttribute[] {
  const parts = value.split(',').map((p) => p.trim());
  if (parts.length < 1 || parts.length > 2) throw new InvalidArgumentError(`must be 'name:TYPE' or 'hash:TYPE,range:TYPE' with TYPE one of S, N, B (got '${value}').`);
  const attrs = parts.map((p) => {
    const m = /^([A-Za-z0-9_.-]{1,255}):(S|N|B)$/.exec(p);
    if (!m) throw new InvalidArgumentError(`'${p}' is not valid: use name:TYPE with TYPE one of S, N, B, e.g. pk:S or url:S,timestamp:S.`);
    return { name: m[1] as string, type: m[2] as KeyAttribute['type'] };
  });
  if (attrs.length === 2 && attrs[0]?.name === attrs[1]?.name) throw new InvalidArgumentError('the hash and range key must have different names.');
  return attrs;
}

/** --max-missing (default 0), --max-duplicates, --max-p99-ms and --max-out-of-order (default 0), shared by `count` and `run`. */
export function addThresholdOptions(cmd: Command): Command {
  const count = intInRange(0, Number.MAX_SAFE_INTEGER);
  return cmd
    .option('--max-missing <n>', 'fail (exit 1) above this many missing records per cell (default 0)', count, 0)
    .option('--max-duplicates <n>', 'fail (exit 1) above this many duplicates per cell', count)
    .option('--max-p99-ms <n>', 'fail (exit 1) above this p99 latency (ms)', count)
    .option('--max-out-of-order <n>', 'fail (exit 1) above this many records delivered after a later version of their key, per cell (default 0)', count, 0);
}
