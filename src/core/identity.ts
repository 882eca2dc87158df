// Record identity for the TypeScript side (count, reconcile). The rules live in the consumer's
// own module (src/consumer/ddbs_identity.mjs) so the deployed consumer and count can never differ.
import { foreignIdentityString } from '../consumer/ddbs_identity.mjs';
import type { WireKeys } from '../consumer/ddbs_identity.mjs';

export { canonicalJson, keyHash, identify, identityString, foreignIdentityString } from '../consumer/ddbs_identity.mjs';
export type { RecordIdentity, WireKeys } from '../consumer/ddbs_identity.mjs';

/** The hash-key value the seeder writes for record `seq` of run `runId`. */
export function seededKey(runId: string, seq: number): string {
  return `${runId}#${seq}`;
}

/** True when `runId` can be embedded in seeded keys (what the consumer recognises). */
export function isValidRunId(runId: string): boolean {
  return /^[0-9a-z]{4,20}$/.test(runId);
}

/** Only the key attributes of an item (what a stream record carries in dynamodb.Keys). */
export function keysOfItem(item: WireKeys, keyAttributeNames: readonly string[]): WireKeys {
  const keys: WireKeys = {};
  for (const name of keyAttributeNames) {
    const value = item[name];
    if (value === undefined) throw new Error(`scanned item lacks key attribute ${name}`);
    keys[name] = value;
  }
  return keys;
}

/**
 * Identity of an item of a table written by another tool, read with a low-level Scan (DynamoDB
 * JSON; B values may be Uint8Array): its whole primary key, never parsed as a seeded identity
 * when the table has a sort key.
 */
export function identityOfItem(item: WireKeys, keyAttributeNames: readonly string[]): string {
  return foreignIdentityString(keysOfItem(item, keyAttributeNames));
}

/** Keys for people (missing samples): `pk=cust#3, sk=2024-01-01`; binary as base64. */
export function describeKeys(keys: WireKeys): string {
  return Object.keys(keys)
    .sort()
    .map((name) => {
      const v = keys[name] ?? {};
      const [type, value] = Object.entries(v)[0] ?? ['?', ''];
      const text = value instanceof Uint8Array ? Buffer.from(value).toString('base64') : typeof value === 'string' ? value : JSON.stringify(value);
      return `${name}=${type === 'S' ? text : `${type}:${text}`}`;
    })
    .join(', ');
}
