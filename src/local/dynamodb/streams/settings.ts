// Stream topology settings of one stack, read once where the stack starts (never from deep inside).

/** Tag a ddbs-test client puts on CreateTable to choose the table's shard count; the stack strips it. */
export const LOCAL_SHARDS_TAG = 'ddbs-test:local-shards';
export const MIN_SHARDS = 1;
export const MAX_SHARDS = 64;

export interface StreamSettings {
  /** Shards of a new table's stream unless its CreateTable asked for another count. */
  defaultShards: number;
  /** A shard closes and hands over to one child after this long (AWS: about 4 hours). */
  shardLifetimeMs: number;
  /** Writes per second a shard may take before it splits in two; 0 = never split. */
  splitWritesPerSecond: number;
  /** How many consecutive seconds above the rate make a split. */
  splitSustainSeconds: number;
  /** Records older than this are trimmed (AWS: 24 hours). */
  retentionMs: number;
  /** Shard iterators expire this long after they were issued (AWS: 15 minutes). */
  iteratorTtlMs: number;
}

export type StreamSettingsInput = Partial<StreamSettings>;

export const DEFAULT_STREAM_SETTINGS: StreamSettings = {
  defaultShards: 4,
  shardLifetimeMs: 14_400_000,
  splitWritesPerSecond: 0,
  splitSustainSeconds: 3,
  retentionMs: 86_400_000,
  iteratorTtlMs: 900_000,
};

export function streamSettings(input: StreamSettingsInput = {}): StreamSettings {
  const s = { ...DEFAULT_STREAM_SETTINGS };
  for (const [k, v] of Object.entries(input) as Array<[keyof StreamSettings, number | undefined]>) if (v !== undefined) s[k] = v;
  s.defaultShards = Math.min(MAX_SHARDS, Math.max(MIN_SHARDS, Math.floor(s.defaultShards)));
  return s;
}

/** Whether a value is a valid shard count (1-64 whole shards). */
export function isShardCount(n: number): boolean {
  return Number.isInteger(n) && n >= MIN_SHARDS && n <= MAX_SHARDS;
}

/**
 * Settings from the environment of the process that starts the stack (the daemon):
 * DDBS_TEST_SHARDS, DDBS_TEST_SHARD_LIFETIME_S, DDBS_TEST_SPLIT_WRITES_PER_S. Invalid values throw,
 * naming the variable, so a typo does not silently run with the defaults.
 */
export function streamSettingsFromEnv(env: NodeJS.ProcessEnv): StreamSettingsInput {
  const out: StreamSettingsInput = {};
  const num = (name: string, ok: (n: number) => boolean, valid: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const n = Number(raw);
    if (!ok(n)) throw new RangeError(`${name} must be ${valid} (got '${raw}')`);
    return n;
  };
  const shards = num('DDBS_TEST_SHARDS', isShardCount, `a whole number from ${MIN_SHARDS} to ${MAX_SHARDS}`);
  if (shards !== undefined) out.defaultShards = shards;
  const life = num('DDBS_TEST_SHARD_LIFETIME_S', (n) => Number.isFinite(n) && n > 0, 'a number of seconds above 0');
  if (life !== undefined) out.shardLifetimeMs = life * 1000;
  const split = num('DDBS_TEST_SPLIT_WRITES_PER_S', (n) => Number.isFinite(n) && n >= 0, 'a number of writes per second (0 = off)');
  if (split !== undefined) out.splitWritesPerSecond = split;
  return out;
}
