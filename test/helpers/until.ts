// Polls until a probe yields a value, backing off between tries (the project's pollUntil), and fails
// the test with what it was waiting for when the deadline passes.
import { pollUntil } from '../../src/aws/wait.ts';

export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const got = await pollUntil(probe, { timeoutMs, initialDelayMs: 50, maxDelayMs: 400 });
  if (got === undefined) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  return got;
}
