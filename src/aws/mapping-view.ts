// The event source mapping as count needs it: running or stopped, where it started, its retry and
// filter settings. Read live (the user may have changed it); the attachment record is the fallback
// when the mapping is gone.
import { GetEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import type { LambdaApi } from './clients.ts';
import { errorName } from './errors.ts';
import type { AttachmentRecord } from '../core/state.ts';
import type { MappingView } from '../core/hops.ts';

export interface MappingFacts extends MappingView {
  filters: string[];
}

export async function readMappingView(lambda: LambdaApi, att: AttachmentRecord | undefined): Promise<MappingFacts> {
  const fallback: MappingFacts = {
    startingPosition: att?.startingPosition ?? 'TRIM_HORIZON',
    ...(att ? { startMs: Date.parse(att.createdAt) } : {}),
    maxRetries: att?.maxRetries ?? -1,
    bisect: att?.bisect ?? false,
    parallelizationFactor: att?.parallelizationFactor ?? 1,
    filters: att?.filters ?? [],
  };
  if (!att?.mappingUuid) return fallback;
  try {
    const m = await lambda.send(new GetEventSourceMappingCommand({ UUID: att.mappingUuid }));
    const state = String(m.State ?? '');
    return {
      ...fallback,
      startingPosition: m.StartingPosition ?? fallback.startingPosition,
      maxRetries: typeof m.MaximumRetryAttempts === 'number' ? m.MaximumRetryAttempts : fallback.maxRetries,
      bisect: Boolean(m.BisectBatchOnFunctionError ?? fallback.bisect),
      parallelizationFactor: m.ParallelizationFactor ?? fallback.parallelizationFactor,
      filters: ((m.FilterCriteria?.Filters ?? []) as Array<{ Pattern?: string }>).map((f) => f.Pattern ?? '').filter((p) => p !== ''),
      ...(state === 'Disabled' || state === 'Disabling' ? { stopped: 'disabled' } : state === 'Deleting' ? { stopped: 'being deleted' } : {}),
    };
  } catch (err) {
    if (errorName(err) === 'ResourceNotFoundException') return { ...fallback, stopped: 'deleted' };
    return fallback; // unreadable (permissions): carry on with what attach recorded
  }
}
