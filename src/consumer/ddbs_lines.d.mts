// Types for ddbs_lines.mjs (plain JS so the deployed consumer needs no build step).
import type { RecordIdentity } from './ddbs_identity.mjs';

export declare const MARKER_VERSION: 'v1';
export declare const MARKER_PREFIX: string;
export declare const MAX_LINE_BYTES: number;

export interface EncodedGroups {
  s: Record<string, number[]>;
  h: string[];
}

export declare function groupIdentities(ids: readonly RecordIdentity[]): EncodedGroups;
export declare function encodeBatchLines(batch: { rid: string; t: number; ids: readonly RecordIdentity[]; first?: string; last?: string }, maxBytes?: number): string[];
export declare function encodeDoneLine(rid: string, outcome: { ok: true } | { ok: false; all: true } | { ok: false; failed: readonly RecordIdentity[] }): string;
export declare function findMarkerObjects(message: string): unknown[];
