// Asking whatever listens on a port whether it is a ddbs-test local stack (GET /health), and how
// it is. A slow answer and a refused connection mean different things to the callers.
import http from 'node:http';
import type { JvmHealth } from './dynamodb/jvm-supervisor.ts';

export type HealthAnswer = 'ours' | 'other' | 'none';

/** What GET /health of a ddbs-test local stack says. */
export interface StackHealthDoc {
  status: string;
  service: 'ddbs-test-local-stack';
  dynamodbLocal?: JvmHealth;
  /** AWS API requests the stack has answered, and GET /health?use=1 asks (plain health probes not included). */
  served?: number;
}

/** `busy`: something accepted the connection but did not answer in time (unknown whose it is). */
export type PortProbe = { kind: 'ours'; health: StackHealthDoc } | { kind: 'other' } | { kind: 'none' } | { kind: 'busy' };

function parseHealth(body: string): StackHealthDoc | undefined {
  try {
    const doc = JSON.parse(body) as StackHealthDoc;
    return doc?.service === 'ddbs-test-local-stack' ? doc : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Asks whatever listens on the port whether it is a ddbs-test local stack, and how it is. `use`: the
 * asker is about to use the stack, which then counts as served (a start that made the stack and then
 * went unused must not stop it under a command that found it).
 */
export function probeStack(port: number, timeoutMs = 2000, use = false): Promise<PortProbe> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: use ? '/health?use=1' : '/health', timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        const health = parseHealth(body);
        resolve(health ? { kind: 'ours', health } : { kind: 'other' });
      });
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ kind: 'busy' });
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ kind: err.code === 'ECONNREFUSED' ? 'none' : 'other' }));
  });
}

/** Asks whatever listens on the port whether it is a ddbs-test local stack. */
export async function probePort(port: number, timeoutMs = 2000): Promise<HealthAnswer> {
  const { kind } = await probeStack(port, timeoutMs);
  return kind === 'busy' ? 'other' : kind;
}
