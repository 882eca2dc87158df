// Deletes recorded resources in dependency order (mapping, function, role, log group, table), only
// those that still carry the ownership tag, and keeps the state file in step with what is gone.
import type { Clients } from './clients.ts';
import { translateAwsError } from './errors.ts';
import { RESOURCE_OPS, TEARDOWN_ORDER } from './resources.ts';
import type { ResourceKind, ResourceRecord, StateStore } from '../core/state.ts';
import { StateError } from '../errors.ts';

export interface TeardownEntry {
  kind: ResourceKind;
  id: string;
  reason?: string;
}

export interface TeardownResult {
  target: string;
  deleted: TeardownEntry[];
  skipped: TeardownEntry[];
  failed: TeardownEntry[];
  cancelled?: boolean;
  /** Set when resources were deleted but the state file could not record it. */
  stateWarning?: string;
}

export interface TeardownOptions {
  /** Called after each resource is dealt with (deleted, skipped or failed). */
  onProgress?(done: number, total: number): void;
}

type StateBook = Pick<StateStore, 'removeResource' | 'removeAttachmentsOfFunction'>;

/** Deletes the given resources (in dependency order), updating the state as it goes. */
export async function teardownResources(resources: ResourceRecord[], clients: Clients, state: StateBook, key: string, opts: TeardownOptions = {}): Promise<TeardownResult> {
  const result: TeardownResult = { target: key, deleted: [], skipped: [], failed: [] };
  const ordered = [...resources].sort((a, b) => TEARDOWN_ORDER.indexOf(a.kind) - TEARDOWN_ORDER.indexOf(b.kind));
  for (const [i, r] of ordered.entries()) {
    const ops = RESOURCE_OPS[r.kind];
    try {
      const ownership = await ops.ownership(clients, r.id);
      if (ownership === 'missing') {
        result.skipped.push({ kind: r.kind, id: r.id, reason: 'already gone' });
      } else if (ownership === 'foreign') {
        result.skipped.push({ kind: r.kind, id: r.id, reason: 'not tagged as created by ddbs-test; left alone' });
      } else {
        await ops.remove(clients, r.id);
        result.deleted.push({ kind: r.kind, id: r.id });
      }
      try {
        state.removeResource(r.kind, r.id, r.target);
        if (r.kind === 'function' && ownership !== 'foreign') state.removeAttachmentsOfFunction(r.target, r.id);
      } catch (err) {
        // The delete happened; only the bookkeeping failed (a sweep with an unreadable state file).
        if (!(err instanceof StateError)) throw err;
        result.stateWarning ??= `${err.message}; the state file was not updated`;
      }
    } catch (err) {
      result.failed.push({ kind: r.kind, id: r.id, reason: translateAwsError(err, `deleting ${r.kind} ${r.id}`).message });
    }
    opts.onProgress?.(i + 1, ordered.length);
  }
  return result;
}
