// Credentials the local stack issues to a function's execution environment, standing in for the
// temporary credentials of its execution role that Lambda puts in AWS_ACCESS_KEY_ID /
// AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN. They are shaped like STS session credentials (an `ASIA`
// key id) so SDKs treat them as such, are fresh random values per environment, and mean nothing
// outside this stack: a function can never sign a request to a real account with them.
import { randomBytes } from 'node:crypto';

export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomKeyChars(n: number): string {
  const bytes = randomBytes(n);
  let out = '';
  for (const b of bytes) out += KEY_ALPHABET[b % KEY_ALPHABET.length];
  return out;
}

/** New credentials for one execution environment of a function running as `roleArn`. */
export function issueRoleCredentials(roleArn: string): RoleCredentials {
  const session = Buffer.concat([Buffer.from(`ddbs-test-local:${roleArn}:`), randomBytes(48)]);
  return {
    accessKeyId: `ASIA${randomKeyChars(16)}`,
    secretAccessKey: randomBytes(30).toString('base64'),
    sessionToken: session.toString('base64'),
  };
}
