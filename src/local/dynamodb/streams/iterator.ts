// Shard iterators of the virtual shards. Like DynamoDB Local's, they start with the stream ARN (so
// the stack can route GetRecords to the stream's database without state, and ARN rewriting keeps
// working); the rest names the shard, the position (records with a sequence number above it come
// next) and when the iterator was issued (it expires 15 minutes later).

const MARK = 'vs1';

export interface IteratorState {
  streamArn: string;
  shardId: string;
  after: number;
  issuedAt: number;
}

export function encodeIterator(s: IteratorState): string {
  return `${s.streamArn}|${MARK}|${Buffer.from(`${s.shardId}|${s.after}|${s.issuedAt}`).toString('base64url')}`;
}

/** The iterator's state, or undefined when it is not one of ours (garbage, or DynamoDB Local's own). */
export function decodeIterator(text: string): IteratorState | undefined {
  const parts = text.split('|');
  if (parts.length !== 3 || parts[1] !== MARK || !parts[0]) return undefined;
  const [shardId, after, issuedAt] = Buffer.from(parts[2] ?? '', 'base64url').toString('utf8').split('|');
  const a = Number(after);
  const t = Number(issuedAt);
  if (!shardId?.startsWith('shardId-') || !Number.isFinite(a) || !Number.isFinite(t)) return undefined;
  return { streamArn: parts[0], shardId, after: a, issuedAt: t };
}
