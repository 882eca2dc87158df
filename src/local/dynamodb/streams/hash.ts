// Which shard a record belongs to: a stable hash of its partition key, as AWS routes items to
// partitions. The hash space [0, 2^48) is split evenly across a stream's first shards (like Kinesis
// key hash ranges); a split halves a shard's range. 48 bits keep every bound an exact double.
import { createHash } from 'node:crypto';

export const HASH_SPACE = 2 ** 48;

/** The hash of one key attribute value in DynamoDB JSON form ({"S": "x"}, {"N": "1"}, {"B": "..."}). */
export function keyHash(value: unknown): number {
  const v = (value ?? {}) as Record<string, unknown>;
  const type = Object.keys(v)[0] ?? '';
  const text = `${type}:${String(v[type] ?? '')}`;
  return createHash('md5').update(text).digest().readUIntBE(0, 6);
}

/** Even split of the hash space into `n` ranges [lo, hi). */
export function evenRanges(n: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) out.push([Math.floor((i * HASH_SPACE) / n), Math.floor(((i + 1) * HASH_SPACE) / n)]);
  return out;
}
