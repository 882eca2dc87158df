// Record spaces: which expected record an identity the consumer logged stands for. A seeded run's
// records are numbered by write order (version × items + seq); a table written by another tool's
// records are its stream records, matched to a delivery by key and the batch's sequence range. Pure.
import type { IdentityGroups } from './consumer-lines.ts';
import type { ExpectedRecords, StreamRecordRef } from './reconcile.ts';

/** Resolves the entries of a batch line to record indexes: -1 = not expected, -2 = skip (counted elsewhere). */
export interface RecordSpace {
  size: number;
  /** Versions per key (updates + 1) in a seeded space; 0 = records carry no versions. */
  versions: number;
  fromSeeded(run: string, seq: number, inv: InvocationScope, version: number): number;
  fromHash(hash: string, inv: InvocationScope): number;
  /** The identity string of record `i` (to test it against a partial response's failed list). */
  idOf(i: number): string;
}

export interface InvocationScope {
  first?: string;
  last?: string;
  used: Set<number>;
}

/** Sequence numbers are decimal strings of 21–40 digits: compare by length, then text. */
export function compareSeq(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

/** A seeded record's identity string: `<runId>#<seq>`, with `@<version>` when the version is not 0. */
export function seededRecordId(runId: string, seq: number, version: number): string {
  return version === 0 ? `${runId}#${seq}` : `${runId}#${seq}@${version}`;
}

function seededSpace(runId: string, items: number, updates: number, records: number): RecordSpace {
  return {
    size: records,
    versions: updates + 1,
    fromSeeded: (run, seq, _inv, version) => {
      if (run !== runId || seq >= items || version > updates) return -1;
      const i = version * items + seq;
      return i < records ? i : -1;
    },
    fromHash: () => -2, // the whole-key hash a seeded record with a sort key also carries
    idOf: (i) => seededRecordId(runId, i % items, Math.floor(i / items)),
  };
}

/**
 * Records of a table written by another tool. A key may have several records (INSERT, MODIFY,
 * REMOVE): a delivery is matched to the record of that key whose sequence number lies within the
 * batch's first..last, never used twice in one invocation.
 */
function streamSpace(records: readonly StreamRecordRef[], extraIds: readonly string[], compositeKey: boolean): RecordSpace {
  const byId = new Map<string, number[]>();
  const ids: string[] = [];
  const seqs: (string | undefined)[] = [];
  const add = (id: string, seq: string | undefined) => {
    const list = byId.get(id);
    if (list) list.push(ids.length);
    else byId.set(id, [ids.length]);
    ids.push(id);
    seqs.push(seq);
  };
  for (const r of records) add(r.id, r.seq);
  for (const id of extraIds) add(id, undefined);
  for (const list of byId.values()) if (list.length > 1) list.sort((a, b) => (seqs[a] && seqs[b] ? compareSeq(seqs[a]!, seqs[b]!) : seqs[a] ? -1 : 1));
  const resolve = (id: string, inv: InvocationScope): number => {
    const list = byId.get(id);
    if (!list) return -1;
    if (list.length === 1) return list[0]!;
    const inRange = (i: number) => seqs[i] !== undefined && (!inv.first || compareSeq(seqs[i]!, inv.first) >= 0) && (!inv.last || compareSeq(seqs[i]!, inv.last) <= 0);
    return list.find((i) => inRange(i) && !inv.used.has(i)) ?? list.find((i) => !inv.used.has(i)) ?? list[0]!;
  };
  return {
    size: ids.length,
    versions: 0,
    // With a sort key the consumer also logs the whole-key hash: the seeded-looking part is skipped.
    fromSeeded: (run, seq, inv) => (compositeKey ? -2 : resolve(`${run}#${seq}`, inv)),
    fromHash: (hash, inv) => resolve(hash, inv),
    idOf: (i) => ids[i]!,
  };
}

export function recordSpace(expected: ExpectedRecords): RecordSpace {
  if (expected.kind === 'seeded') {
    const updates = expected.updates ?? 0;
    return seededSpace(expected.runId, expected.items, updates, Math.min(expected.records ?? Number.POSITIVE_INFINITY, expected.items * (updates + 1)));
  }
  if (expected.kind === 'stream') return streamSpace(expected.records, expected.extraIds ?? [], expected.compositeKey);
  const unique = [...new Set(expected.ids)];
  return streamSpace([], unique, expected.compositeKey ?? false);
}

/**
 * Identity strings listed in a partial response (seeded `run#seq`, with `@version` in a versioned
 * space, and hashes), in the form the record space's idOf gives.
 */
export function failedIds(groups: IdentityGroups, versioned: boolean): Set<string> {
  const set = new Set<string>(groups.h);
  for (const run of Object.keys(groups.s)) {
    groups.s[run]!.forEach((seq, j) => set.add(versioned ? seededRecordId(run, seq, groups.v?.[run]?.[j] ?? 0) : `${run}#${seq}`));
  }
  return set;
}

