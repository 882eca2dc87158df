// Types for ddbs_identity.mjs (plain JS so the deployed consumer needs no build step).

/** A DynamoDB JSON attribute value as a stream record or a low-level Scan returns it. */
export type WireAttributeValue = { [type: string]: unknown };

/** Key attributes of a record (dynamodb.Keys) or the key attributes of a scanned item. */
export type WireKeys = Record<string, WireAttributeValue>;

/** Seeded: run and seq (plus the whole-key hash when the key has a sort key); foreign: the hash. */
export type RecordIdentity = ({ run: string; seq: number; hash?: string } | { hash: string; run?: undefined; seq?: undefined }) & {
  /** The record's `version` attribute (absent = 0). */
  version?: number;
  /** Event letter: I (absent), M, R, or ? for an unknown event name. */
  event?: string;
};

export declare const SEEDED_KEY_PATTERN: RegExp;
export declare const KEY_HASH_LENGTH: number;
export declare function canonicalJson(value: unknown): string;
export declare function keyHash(keys: WireKeys | null | undefined): string;
export declare function identify(keys: WireKeys | null | undefined): RecordIdentity;
export declare function identityString(keys: WireKeys | null | undefined): string;
export declare function foreignIdentityString(keys: WireKeys | null | undefined): string;
export declare const VERSION_ATTRIBUTE: 'version';
export declare function recordVersion(dynamodb: { NewImage?: WireKeys; OldImage?: WireKeys } | null | undefined): number;
export declare function eventLetter(eventName: unknown): 'I' | 'M' | 'R' | '?';
export declare function identifyRecord(record: unknown): RecordIdentity;
