// Record identity shared by the deployed consumer (plain JS, no dependencies, runs on Lambda
// nodejs20.x/22.x as is) and the TypeScript side (count, reconcile). One module so both sides can
// never disagree on how a key becomes an identity.
//
// A record is identified from dynamodb.Keys alone, so KEYS_ONLY streams work:
// - seeded items carry `<runId>#<seq>` in an S key attribute → { run, seq };
// - anything else ("foreign" writes) → { hash }: the first 16 hex chars of sha256 over the
//   canonical JSON of Keys (attribute names sorted, values in DynamoDB JSON as received).
// The Python consumer (ddbs_consumer.py) implements the same rules; a test compares the two.
import { createHash } from 'node:crypto';

/**
 * `<runId>#<seq>`: runId is 4-20 of [0-9a-z]; seq is 0..999999999 written without padding (the
 * seeder never pads, so `abcd#007` is foreign: two distinct foreign keys can never share an id).
 */
export const SEEDED_KEY_PATTERN = /^([0-9a-z]{4,20})#(0|[1-9][0-9]{0,8})$/;

/** Length of a foreign key hash (hex chars). */
export const KEY_HASH_LENGTH = 16;

/**
 * Canonical JSON: object keys sorted by UTF-16 code units (JS's default sort, reproduced in
 * Python), no whitespace, strings escaped as JSON.stringify does. Binary values given as bytes
 * (the SDK's Scan returns Uint8Array for B) are written as base64, as stream records carry them.
 */
export function canonicalJson(value) {
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const names = Object.keys(value).sort();
    return `{${names.map((n) => `${JSON.stringify(n)}:${canonicalJson(value[n])}`).join(',')}}`;
  }
  if (value === undefined) return 'null';
  return JSON.stringify(value);
}

/** First 16 hex chars of sha256(canonical JSON of Keys). */
export function keyHash(keys) {
  return createHash('sha256').update(canonicalJson(keys ?? null), 'utf8').digest('hex').slice(0, KEY_HASH_LENGTH);
}

/**
 * Identity of a record from its Keys: { run, seq } for a seeded item, else { hash }. When several
 * S attributes match, the one whose name sorts first wins, so the answer does not depend on the
 * order in which a stream record or a Scan lists the key attributes. A seeded-looking key with more
 * than one key attribute (a sort key) also carries the whole-key hash: `cust#3` with two different
 * sort keys is two items, and a table written by another tool is counted by its whole key.
 */
export function identify(keys) {
  if (keys !== null && typeof keys === 'object') {
    const names = Object.keys(keys).sort();
    for (const name of names) {
      const attr = keys[name];
      const s = attr !== null && typeof attr === 'object' ? attr.S : undefined;
      if (typeof s !== 'string') continue;
      const m = SEEDED_KEY_PATTERN.exec(s);
      if (m) return names.length > 1 ? { run: m[1], seq: Number(m[2]), hash: keyHash(keys) } : { run: m[1], seq: Number(m[2]) };
    }
  }
  return { hash: keyHash(keys) };
}

/** Identity as one string for a seeded run: `<runId>#<seq>`, else the 16-hex hash (never contains '#'). */
export function identityString(keys) {
  const id = identify(keys);
  return typeof id.run === 'string' ? `${id.run}#${id.seq}` : id.hash;
}

/**
 * Identity of a record of a table written by another tool: its whole primary key. A single key
 * attribute that looks seeded is the whole key (`cust#3`); with a sort key it is the hash.
 */
export function foreignIdentityString(keys) {
  const id = identify(keys);
  return typeof id.hash === 'string' ? id.hash : `${id.run}#${id.seq}`;
}

/** The attribute `seed --updates` writes: 0 for the first write of an item, then 1, 2, ... per update. */
export const VERSION_ATTRIBUTE = 'version';

/**
 * A record's version: the `version` number attribute of its new image (a REMOVE has only the old
 * one). Absent, unreadable, negative or fractional means 0: an item seeded without --updates
 * carries no version and is the only write of its key, so version 0 is what it is.
 */
export function recordVersion(dynamodb) {
  const image = dynamodb?.NewImage ?? dynamodb?.OldImage;
  const n = image?.[VERSION_ATTRIBUTE]?.N;
  if (typeof n !== 'string' || !/^(0|[1-9][0-9]{0,14})$/.test(n)) return 0;
  return Number(n);
}

/** One letter per event name: I(NSERT), M(ODIFY), R(EMOVE); '?' for anything else. */
export function eventLetter(eventName) {
  return eventName === 'INSERT' ? 'I' : eventName === 'MODIFY' ? 'M' : eventName === 'REMOVE' ? 'R' : '?';
}

/**
 * The identity of one stream record as the consumer logs it: its key's identity plus the record's
 * version and event letter (left out when they are the plain-run defaults, 0 and I).
 */
export function identifyRecord(record) {
  const id = identify(record?.dynamodb?.Keys);
  const version = recordVersion(record?.dynamodb);
  const event = eventLetter(record?.eventName);
  return { ...id, ...(version !== 0 ? { version } : {}), ...(event !== 'I' ? { event } : {}) };
}
