// Which AWS the commands talk to: the embedded local stack (default), real AWS, or any
// AWS-compatible endpoint. One resolution, used by every command.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.ts';

export type TargetKind = 'local' | 'aws' | 'endpoint';

export interface Target {
  kind: TargetKind;
  region: string;
  /** Set for local and endpoint targets. */
  endpoint?: string;
  profile?: string;
  /** Local stack port (local target only). */
  port?: number;
}

export interface TargetOptions {
  target?: string;
  endpointUrl?: string;
  region?: string;
  profile?: string;
  port?: number;
}

export const DEFAULT_LOCAL_PORT = 4567;
export const LOCAL_REGION = 'us-east-1';
/** Credentials the tool uses against the local stack: fixed, fake, and never the user's. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'ddbstestlocal', secretAccessKey: 'ddbs-test-local-not-a-secret' };

export function parsePort(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) throw new UsageError(`${flag} must be a port number from 1 to 65535 (got '${value}')`);
  return n;
}

export function localPort(opts: TargetOptions, env: NodeJS.ProcessEnv): number {
  if (opts.port !== undefined) return opts.port;
  if (env.DDBS_TEST_LOCAL_PORT) return parsePort(env.DDBS_TEST_LOCAL_PORT, 'DDBS_TEST_LOCAL_PORT');
  return DEFAULT_LOCAL_PORT;
}

function validUrl(url: string, flag: string): string {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
    return url.replace(/\/+$/, '');
  } catch {
    throw new UsageError(`${flag} must be an http(s) URL such as http://127.0.0.1:4566 (got '${url}')`);
  }
}

/** The `region` of a profile in the shared AWS config file (AWS_CONFIG_FILE or ~/.aws/config). */
export function profileRegion(profile: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const file = env.AWS_CONFIG_FILE ?? path.join(env.HOME ?? os.homedir(), '.aws', 'config');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const name = profile ?? 'default';
  const wanted = name === 'default' ? ['default', 'profile default'] : [`profile ${name}`];
  let inSection = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const section = /^\[(.+)\]$/.exec(line);
    if (section) inSection = wanted.includes((section[1] ?? '').trim());
    else if (inSection) {
      const kv = /^region\s*=\s*(\S+)$/.exec(line);
      if (kv) return kv[1];
    }
  }
  return undefined;
}

export function resolveTarget(opts: TargetOptions, env: NodeJS.ProcessEnv): Target {
  const kind = opts.target;
  if (kind !== undefined && kind !== 'local' && kind !== 'aws') {
    throw new UsageError(`--target must be 'local' or 'aws' (got '${kind}')`, { hint: 'use --endpoint-url URL for another AWS-compatible endpoint' });
  }
  if (opts.endpointUrl !== undefined && kind !== undefined) {
    throw new UsageError(`--target ${kind} conflicts with --endpoint-url: give one of them`, { hint: '--endpoint-url alone targets that endpoint' });
  }
  if (opts.endpointUrl !== undefined || (kind === undefined && env.AWS_ENDPOINT_URL)) {
    const flag = opts.endpointUrl !== undefined ? '--endpoint-url' : 'AWS_ENDPOINT_URL';
    const endpoint = validUrl(opts.endpointUrl ?? env.AWS_ENDPOINT_URL ?? '', flag);
    return { kind: 'endpoint', endpoint, region: opts.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? LOCAL_REGION, ...(opts.profile ? { profile: opts.profile } : {}) };
  }
  if (kind === 'aws') {
    const region = opts.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? profileRegion(opts.profile ?? env.AWS_PROFILE, env);
    // Still none: the client factory reports it as a usage error naming --region.
    return { kind: 'aws', region: region ?? '', ...(opts.profile ? { profile: opts.profile } : {}) };
  }
  if (opts.profile !== undefined) throw new UsageError('--profile only applies with --target aws or --endpoint-url');
  const port = localPort(opts, env);
  return { kind: 'local', region: opts.region ?? LOCAL_REGION, endpoint: `http://127.0.0.1:${port}`, port };
}

/** A stable key for the state file: resources belong to the target they were created in. */
export function targetKey(t: Target): string {
  if (t.kind === 'local') return `local:${t.port}:${t.region}`;
  if (t.kind === 'endpoint') return `endpoint:${t.endpoint}:${t.region}`;
  return `aws:${t.profile ?? 'default'}:${t.region}`;
}
