// Types for ddbs_consumer.mjs (plain JS so Lambda runs it without a build step).
export { MARKER_VERSION, MAX_LINE_BYTES, encodeBatchLines, encodeDoneLine } from './ddbs_lines.mjs';

export interface ConsumerDeps {
  env?: Record<string, string | undefined>;
  write?: (line: string) => void;
  /** Where marker lines go when `write` is not given (default process.stdout); its writes are watched. */
  stdout?: { write(chunk: string | Uint8Array, ...rest: unknown[]): boolean };
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Where user modules are looked up (default: the consumer's own directory, the zip root). */
  taskRoot?: string;
  importModule?: (file: string) => Promise<unknown>;
}

export type ConsumerHandler = (event: unknown, context: unknown) => Promise<unknown>;

export declare function freshLineWriter(stream: { write(chunk: string | Uint8Array, ...rest: unknown[]): boolean }): (line: string) => void;
export declare function userFailures(result: unknown, batchSeqs: Set<string>): Set<string> | undefined;
export declare const MAX_RESPONSE_BYTES: number;
export declare function isReturnable(response: unknown): boolean;
export declare function createHandler(deps?: ConsumerDeps): ConsumerHandler;
export declare const handler: ConsumerHandler;
