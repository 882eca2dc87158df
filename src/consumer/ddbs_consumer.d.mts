// Types for ddbs_consumer.mjs (plain JS so Lambda runs it without a build step).
import type { RecordIdentity } from './ddbs_identity.mjs';

export declare const MARKER_VERSION: 'v1';
export declare const MAX_LINE_BYTES: number;

export declare function encodeBatchLines(batch: { rid: string; t: number; ids: readonly RecordIdentity[] }, maxBytes?: number): string[];
export declare function encodeDoneLine(rid: string, outcome: { ok: true } | { ok: false; all: true } | { ok: false; failed: readonly RecordIdentity[] }): string;

export interface ConsumerDeps {
  env?: Record<string, string | undefined>;
  write?: (line: string) => void;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Where user modules are looked up (default: the consumer's own directory, the zip root). */
  taskRoot?: string;
  importModule?: (file: string) => Promise<unknown>;
}

export type ConsumerHandler = (event: unknown, context: unknown) => Promise<unknown>;

export declare function createHandler(deps?: ConsumerDeps): ConsumerHandler;
export declare const handler: ConsumerHandler;
