// Starts a real local stack (real DynamoDB Local JVM) on a free port for one test file.
import { createLocalStack, type LocalStack, type LocalStackOptions } from '../../src/local/index.ts';

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
