// Run ids: short, lowercase base36 (time + randomness), valid inside a seeded key, a Lambda function
// name and an IAM role name (see isValidRunId in identity.ts).
import { randomBytes } from 'node:crypto';

/** Lowercase base36 time plus 4 random base36 characters, e.g. `mf3k2q1xa7c9` (12 characters). */
export function newRunId(now: number, random: () => number = () => randomBytes(4).readUInt32BE() / 2 ** 32): string {
  const tail = Math.floor(random() * 36 ** 4).toString(36).padStart(4, '0');
  return `${now.toString(36)}${tail}`;
}
