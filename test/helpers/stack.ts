// Starts a real local stack (real DynamoDB Local JVM) on a free port for one test file.
import http from 'node:http';
import { createLocalStack, type LocalStack, type LocalStackOptions } from '../../src/local/server.ts';

export const TEST_REGION = 'us-east-1';
export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export async function startTestStack(opts: Partial<LocalStackOptions> = {}): Promise<LocalStack> {
  return createLocalStack({ port: 0, region: TEST_REGION, log: process.env.DDBS_TEST_DEBUG ? (l) => process.stderr.write(`[stack] ${l}\n`) : undefined, ...opts });
}

/** Config for any SDK v3 client pointed at the stack. */
export function sdkConfig(stack: LocalStack) {
  return { endpoint: stack.url, region: TEST_REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 };
}

/** Environment for the AWS CLI / boto3 pointed at the stack (never real credentials). */
export function cliEnv(stack: LocalStack): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: TEST_REGION,
    AWS_REGION: TEST_REGION,
    AWS_ENDPOINT_URL: stack.url,
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** An Authorization header shaped like SigV4, as every AWS client sends (the stack does not verify
 *  the signature, but refuses requests without one). */
export function fakeSigV4(service: string): string {
  return `AWS4-HMAC-SHA256 Credential=test/20250101/${TEST_REGION}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`;
}

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** One HTTP request through node:http (not fetch: Node's fetch adds `Sec-Fetch-Mode: cors`, which
 *  the stack refuses as a browser's). Signed for `service` unless the headers carry their own
 *  Authorization or `service` is null (unsigned). */
export function rawRequest(stack: LocalStack, req: RawRequest, service: string | null = 'lambda'): Promise<RawResponse> {
  const headers: Record<string, string> = { ...(service ? { authorization: fakeSigV4(service) } : {}), ...req.headers };
  return new Promise((resolve, reject) => {
    const r = http.request({ host: '127.0.0.1', port: stack.port, method: req.method, path: req.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const out = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolve({ status: res.statusCode ?? 0, headers: out, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    r.on('error', reject);
    r.end(req.body);
  });
}
