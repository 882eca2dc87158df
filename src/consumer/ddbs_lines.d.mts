// Types for ddbs_lines.mjs (plain JS so the deployed consumer needs no build step).
import type { RecordIdentity } from './ddbs_identity.mjs';

export declare const MARKER_VERSION: 'v1';
export declare const MARKER_PREFIX: string;
export declare const MAX_LINE_BYTES: number;

export interface EncodedGroups {
  s: Record<string, number[]>;
  h: string[];
  /** Versions parallel to s[run], only for runs with a version other than 0. */
  v?: Record<string, number[]>;
  /** Event letters (I, M, R, ?) parallel to s[run], only for runs with an event other than INSERT. */
  e?: Record<string, string>;
}

export declare function groupIdentities(ids: readonly RecordIdentity[]): EncodedGroups;
export declare function encodeBatchLines(batch: { rid: string; t: number; ids: readonly RecordIdentity[]; first?: string; last?: string }, maxBytes?: number): string[];
export declare function encodeDoneLine(rid: string, outcome: { ok: true } | { ok: false; all: true } | { ok: false; failed: readonly RecordIdentity[] }): string;
export declare function findMarkerObjects(message: string): unknown[];
