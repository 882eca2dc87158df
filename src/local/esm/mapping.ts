// The stored event source mapping and its wire rendering. One Mapping object is shared by the API
// (which edits settings) and the poller (which reads them per batch and writes checkpoints), so
// updated settings reach later batches without copying.
import type { CompiledFilter } from './filter.ts';

export type EsmState = 'Creating' | 'Enabling' | 'Enabled' | 'Disabling' | 'Disabled' | 'Updating' | 'Deleting';

/** The settings UpdateEventSourceMapping may change. */
export interface MappingSettings {
  BatchSize: number;
  MaximumBatchingWindowInSeconds: number;
  ParallelizationFactor: number;
  MaximumRetryAttempts: number;
  MaximumRecordAgeInSeconds: number;
  BisectBatchOnFunctionError: boolean;
  FunctionResponseTypes: string[];
  TumblingWindowInSeconds: number;
  /** The patterns as given (strings), absent when no filter is set. */
  Filters: Array<{ Pattern: string }> | undefined;
}

/** Per-shard progress, kept across disable/enable and poller restarts. */
export interface ShardCheckpoint {
  /** Every record up to and including this sequence number was delivered or deliberately skipped. */
  sequenceNumber?: string;
  /** The shard is closed and fully processed; its children may start. */
  finished: boolean;
}

export interface Mapping {
  uuid: string;
  arn: string;
  functionArn: string;
  eventSourceArn: string;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  settings: MappingSettings;
  compiledFilters: CompiledFilter[] | undefined;
  state: EsmState;
  /** What the user asked for last (Enabled parameter). */
  enabled: boolean;
  lastModifiedMs: number;
  lastProcessingResult: string;
  tags: Map<string, string>;
  checkpoints: Map<string, ShardCheckpoint>;
  /** LATEST mappings fix their start position once, when they first become Enabled. */
  anchored: boolean;
}

export const DEFAULT_SETTINGS: MappingSettings = {
  BatchSize: 100,
  MaximumBatchingWindowInSeconds: 0,
  ParallelizationFactor: 1,
  MaximumRetryAttempts: -1,
  MaximumRecordAgeInSeconds: -1,
  BisectBatchOnFunctionError: false,
  FunctionResponseTypes: [],
  TumblingWindowInSeconds: 0,
  Filters: undefined,
};

/** EventSourceMappingConfiguration with the key set and order real AWS returns for a DynamoDB ESM. */
export function renderMapping(m: Mapping): Record<string, unknown> {
  const s = m.settings;
  const out: Record<string, unknown> = {
    BatchSize: s.BatchSize,
    BisectBatchOnFunctionError: s.BisectBatchOnFunctionError,
    DestinationConfig: { OnFailure: {} },
    EventSourceArn: m.eventSourceArn,
    EventSourceMappingArn: m.arn,
  };
  if (s.Filters && s.Filters.length > 0) out.FilterCriteria = { Filters: s.Filters.map((f) => ({ Pattern: f.Pattern })) };
  Object.assign(out, {
    FunctionArn: m.functionArn,
    FunctionResponseTypes: [...s.FunctionResponseTypes],
    // A rest-json timestamp: epoch seconds with a fraction.
    LastModified: m.lastModifiedMs / 1000,
    LastProcessingResult: m.lastProcessingResult,
    MaximumBatchingWindowInSeconds: s.MaximumBatchingWindowInSeconds,
    MaximumRecordAgeInSeconds: s.MaximumRecordAgeInSeconds,
    MaximumRetryAttempts: s.MaximumRetryAttempts,
    ParallelizationFactor: s.ParallelizationFactor,
    StartingPosition: m.startingPosition,
    State: m.state,
    StateTransitionReason: 'User action',
    TumblingWindowInSeconds: s.TumblingWindowInSeconds,
    UUID: m.uuid,
  });
  return out;
}

/** Compares DynamoDB Streams sequence numbers (decimal strings of 21–40 digits). */
export function compareSeq(a: string, b: string): number {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}
