// Record identity for the TypeScript side (count, reconcile). The rules live in the consumer's
// own module (src/consumer/ddbs_identity.mjs) so the deployed consumer and count can never differ.
import { identityString } from '../consumer/ddbs_identity.mjs';
import type { WireKeys } from '../consumer/ddbs_identity.mjs';

export { canonicalJson, keyHash, identify, identityString } from '../consumer/ddbs_identity.mjs';
export type { RecordIdentity, WireKeys } from '../consumer/ddbs_identity.mjs';

/** The hash-key value the seeder writes for record `seq` of run `runId`. */
export function seededKey(runId: string, seq: number): string {
  return `${runId}#${seq}`;
}

/** True when `runId` can be embedded in seeded keys (what the consumer recognises). */
export function isValidRunId(runId: string): boolean {
  return /^[0-9a-z]{4,20}$/.test(runId);
}

/**
 * Identity of an item read with a low-level Scan (DynamoDB JSON; B values may be Uint8Array):
 * only the key attributes count, exactly what a stream record carries in dynamodb.Keys.
 */
export function identityOfItem(item: WireKeys, keyAttributeNames: readonly string[]): string {
  const keys: WireKeys = {};
  for (const name of keyAttributeNames) {
    const value = item[name];
    if (value === undefined) throw new Error(`scanned item lacks key attribute ${name}`);
    keys[name] = value;
  }
  return identityString(keys);
}
