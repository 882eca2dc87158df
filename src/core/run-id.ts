// Run ids: short, lowercase base36 (time + randomness), valid inside a DynamoDB key, a Lambda
// function name and an IAM role name.
import { randomBytes } from 'node:crypto';

export function newRunId(now: number = Date.now()): string {
  const rand = randomBytes(4).readUInt32BE(0).toString(36).padStart(6, '0').slice(0, 6);
  return `${now.toString(36)}${rand}`;
}
