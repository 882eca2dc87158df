// Who may talk to the local stack. It listens on 127.0.0.1, which keeps other machines out but not
// the web pages open in the user's browser: a page can POST a "simple" request (text/plain or form
// body, no preflight) to http://127.0.0.1:PORT, and a DNS-rebinding page can even read the answers.
// Since CreateFunction + Invoke runs code, the stack admits only what AWS clients send:
// - the Host is one of the loopback names with the stack's own port (a rebinding page sends its own
//   name);
// - no Origin header unless the user allowed that origin (browsers send Origin on cross-site and
//   POST requests; SDKs, boto3 and the AWS CLI never do);
// - no Fetch Metadata (Sec-Fetch-Site / Sec-Fetch-Mode other than `none`), which only browsers send;
// - a SigV4 Authorization header or presigned query, as every AWS client signs (the signature is
//   not checked: any credentials work locally). A page cannot add Authorization without a preflight,
//   and the preflight carries an Origin.
// Everything here is a pure function of the request head, so the rules are unit-tested as a table.
import { randomUUID } from 'node:crypto';
import { LocalStackError } from '../errors.ts';
import type { StackResponse } from './http.ts';
import { errorXml } from './iam/xml.ts';
import type { ServiceName } from './router.ts';

export interface GuardRequest {
  method: string;
  path: string;
  /** Header names lower-cased. */
  headers: Record<string, string | undefined>;
  query: URLSearchParams;
}

export interface GuardPolicy {
  /** The port the stack actually listens on. */
  port: number;
  /** Browser origins the user trusts (exact `scheme://host[:port]`). */
  allowOrigins: readonly string[];
}

export type RefusalKind = 'host' | 'origin' | 'fetch-metadata' | 'unsigned';

export type Admission =
  /** Let it through; `corsOrigin` is set when an allowed origin asked (the response gets CORS headers). */
  | { verdict: 'admit'; corsOrigin?: string }
  /** A CORS preflight from an allowed origin: answer it here, with the allowance. */
  | { verdict: 'preflight'; corsOrigin: string }
  | { verdict: 'refuse'; kind: RefusalKind; why: string };

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** Decides whether a request may reach the services. Checks run from the most to the least
 *  browser-specific reason, so the logged reason names what gave the page away. */
export function admitRequest(req: GuardRequest, policy: GuardPolicy): Admission {
  const host = req.headers.host;
  if (!hostIsLoopback(host, policy.port)) {
    return refuse('host', host === undefined ? 'no Host header' : `Host ${show(host)} is not a loopback name with port ${policy.port} (DNS rebinding?)`);
  }

  const origin = req.headers.origin;
  const allowed = origin !== undefined && policy.allowOrigins.includes(origin);
  if (origin !== undefined && !allowed) {
    return refuse('origin', `Origin ${show(origin)} is not in DDBS_TEST_ALLOW_ORIGINS (requests from web pages are refused)`);
  }
  if (allowed && req.method === 'OPTIONS') return { verdict: 'preflight', corsOrigin: origin };

  if (!allowed) {
    for (const name of ['sec-fetch-site', 'sec-fetch-mode']) {
      const value = req.headers[name];
      if (value !== undefined && value !== 'none') return refuse('fetch-metadata', `${name} ${show(value)} marks a browser request`);
    }
  }

  const isHealth = req.method === 'GET' && req.path === '/health';
  if (!isHealth && !isSigned(req)) return refuse('unsigned', 'no AWS Signature V4 (Authorization header or presigned query)');
  return allowed ? { verdict: 'admit', corsOrigin: origin } : { verdict: 'admit' };
}

/** `127.0.0.1:PORT`, `localhost:PORT` or `[::1]:PORT`; clients leave out `:80` on port 80. */
export function hostIsLoopback(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const h = host.toLowerCase();
  return LOOPBACK_NAMES.some((name) => h === `${name}:${port}` || (port === 80 && h === name));
}

/** Looks like SigV4 (the signature itself is not verified). */
export function isSigned(req: Pick<GuardRequest, 'headers' | 'query'>): boolean {
  if (/^AWS4-HMAC-SHA256\s+Credential=\S/.test(req.headers.authorization ?? '')) return true;
  const q = req.query;
  return q.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256' && Boolean(q.get('X-Amz-Credential')) && Boolean(q.get('X-Amz-Signature'));
}

/** Parses DDBS_TEST_ALLOW_ORIGINS: comma-separated origins, compared exactly with the browser's
 *  Origin header, which never has a path or trailing slash. `null` (sandboxed frames, file://
 *  pages) is refused because any page can produce it. */
export function parseAllowOrigins(raw: string | undefined): string[] {
  const origins = (raw ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const o of origins) {
    if (!/^[a-z][a-z0-9+.-]*:\/\/[^/\s?#]+$/i.test(o)) {
      throw new LocalStackError(`DDBS_TEST_ALLOW_ORIGINS: ${JSON.stringify(o)} is not an origin`, {
        hint: 'list origins as scheme://host[:port] separated by commas, without path or trailing slash, e.g. http://localhost:3000',
      });
    }
  }
  return origins;
}

/** Headers that let an allowed origin's page read the answer (and its AWS response headers). */
export function corsHeaders(origin: string): Record<string, string> {
  return {
    'access-control-allow-origin': origin,
    'access-control-expose-headers': 'x-amzn-requestid,x-amzn-errortype,x-amz-function-error,x-amz-log-result,x-amz-executed-version,x-amz-crc32,date',
    vary: 'Origin',
  };
}

/** The preflight answer for an allowed origin: the methods the services use, the asked-for headers
 *  (Authorization, X-Amz-*), and Chrome's Private Network Access opt-in for a public site. */
export function preflightHeaders(origin: string, headers: Record<string, string | undefined>): Record<string, string> {
  return {
    ...corsHeaders(origin),
    'access-control-allow-methods': 'GET,POST,PUT,DELETE',
    'access-control-allow-headers': headers['access-control-request-headers'] ?? '',
    'access-control-max-age': '600',
    ...(headers['access-control-request-private-network'] === 'true' ? { 'access-control-allow-private-network': 'true' } : {}),
  };
}

const JSON_CONTENT_TYPE: Record<ServiceName, string> = {
  dynamodb: 'application/x-amz-json-1.0',
  logs: 'application/x-amz-json-1.1',
  lambda: 'application/json',
  esm: 'application/json',
  iam: 'text/xml',
  sts: 'text/xml',
};

const QUERY_NAMESPACE = { iam: 'https://iam.amazonaws.com/doc/2010-05-08/', sts: 'https://sts.amazonaws.com/doc/2011-06-15/' };

/** A 403 in the wire format of the service the request was meant for, so SDKs, boto3 and the CLI
 *  show a named error: AWS's MissingAuthenticationToken(Exception) for an unsigned request,
 *  AccessDenied(Exception) for the browser-only reasons. */
export function refusalResponse(service: ServiceName | undefined, kind: RefusalKind, why: string): StackResponse {
  const requestId = randomUUID();
  const unsigned = kind === 'unsigned';
  const message = unsigned
    ? 'Request is missing Authentication Token (the ddbs-test local stack admits only AWS SigV4-signed requests; any credentials work)'
    : `The ddbs-test local stack refused this request: ${why}`;
  if (service === 'iam' || service === 'sts') {
    const code = unsigned ? 'MissingAuthenticationToken' : 'AccessDenied';
    return {
      status: 403,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: errorXml(QUERY_NAMESPACE[service], requestId, { type: 'Sender', code, message }),
    };
  }
  const code = unsigned ? 'MissingAuthenticationTokenException' : 'AccessDeniedException';
  return {
    status: 403,
    headers: { 'content-type': service ? JSON_CONTENT_TYPE[service] : 'application/json', 'x-amzn-errortype': code, 'x-amzn-requestid': requestId },
    body: JSON.stringify({ __type: code, message }),
  };
}

function refuse(kind: RefusalKind, why: string): Admission {
  return { verdict: 'refuse', kind, why };
}

/** Header values are attacker-chosen: quote them and keep log lines short. */
function show(value: string): string {
  return JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…` : value);
}
