// DynamoDB and DynamoDB Streams. Requests go through an operation table (ops/): operations with an
// override are answered by the stack (tables get a database each, tags, fan-out listings, the
// Streams API over virtual shards); everything else passes through to DynamoDB Local by X-Amz-Target
// in the database that holds its table (tables.ts). The in-process backend (the mapping poller's
// path) goes through the same table, so every client sees the same shards.
import type { StackContext } from '../context.ts';
import { signedRegion, type StackRequest, type StackResponse } from '../http.ts';
import type { TableAlias } from './alias.ts';
import { createForwarder } from './forward.ts';
import { DynamoDbLocalSupervisor } from './jvm-supervisor.ts';
import type { startDynamoDbLocal } from './jvm.ts';
import { guardDynamoDb } from './jvm-guard.ts';
import type { DynamoDbCore } from './ops/core.ts';
import { dispatch } from './ops/index.ts';
import { StreamHub } from './streams/service.ts';
import { streamSettings, type StreamSettingsInput } from './streams/settings.ts';
import { TableDirectory } from './tables.ts';
import { TagStore } from './tag-store.ts';
import { callError, JSON_10, parseRaw } from './wire.ts';

export { DynamoDbCallError } from './wire.ts';

/** In-process access for other services (the ESM poller reads streams through this). */
export interface DynamoDbBackend {
  call<T = Record<string, unknown>>(target: string, body: Record<string, unknown>, region?: string): Promise<T>;
}

export interface DynamoDbServiceOptions {
  /** Shard counts, lifetime, splits (defaults: 4 shards, 4 h, no splits). */
  streams?: StreamSettingsInput;
  /** Starts DynamoDB Local (default: a new JVM; the daemon hands in one it started early). */
  launch?: typeof startDynamoDbLocal;
}

export async function createDynamoDbService(ctx: StackContext, opts: DynamoDbServiceOptions = {}) {
  const jvm = await DynamoDbLocalSupervisor.start({ log: ctx.log, ...(opts.launch ? { launch: opts.launch } : {}) });
  const aliases = new Map<string, TableAlias>();
  // A restarted JVM listens on a new port: the forwarder asks each time.
  const fwd = createForwarder(() => jvm.port, aliases);
  const streams = new StreamHub({
    settings: streamSettings(opts.streams),
    now: () => ctx.clock.now(),
    log: ctx.log,
    send: (op, body, db, region) => fwd.send(`DynamoDBStreams_20120810.${op}`, Buffer.from(JSON.stringify(body)), db, region),
  });
  const core: DynamoDbCore = { fwd, dir: new TableDirectory(), tags: new TagStore(), aliases, streams };
  // A restarted DynamoDB Local is empty: forget where tables lived, their tags and their streams.
  const guard = guardDynamoDb(jvm, () => {
    aliases.clear();
    core.tags.clear();
    streams.reset();
    return core.dir.reset();
  });
  const run = (target: string, body: Buffer, region: string) => guard.run(target, body, region, () => dispatch(core, target, body, region));

  return {
    jvm,
    /** Bytes of stream records the stack holds (benchmarks). */
    streamBytes: () => streams.heldBytes(),
    async handle(req: StackRequest): Promise<StackResponse> {
      const raw = await run(req.headers['x-amz-target'] ?? '', req.body, signedRegion(req.headers) ?? ctx.region);
      const headers: Record<string, string> = { 'content-type': raw.headers['content-type'] ?? JSON_10 };
      if (raw.headers['x-amz-crc32']) headers['x-amz-crc32'] = raw.headers['x-amz-crc32'];
      return { status: raw.status, headers, body: raw.body };
    },
    backend: {
      async call<T>(target: string, body: Record<string, unknown>, region = ctx.region): Promise<T> {
        const raw = await run(target, Buffer.from(JSON.stringify(body)), region);
        if (raw.status !== 200) throw callError(raw);
        return parseRaw(raw) as T;
      },
    } satisfies DynamoDbBackend,
    async close(): Promise<void> {
      await streams.close();
      fwd.destroy();
      await jvm.stop();
    },
  };
}
