// The shapes every local-stack service works with: a fully buffered request and a response.
// Services never touch node:http directly, so they can be called in-process (tests, the ESM poller).

export interface StackRequest {
  method: string;
  /** Path without the query string, e.g. `/2015-03-31/functions/f1/invocations`. */
  path: string;
  query: URLSearchParams;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface StackResponse {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

export type ServiceHandler = (req: StackRequest) => Promise<StackResponse>;

/** JSON response helper; `contentType` differs per protocol (rest-json vs json 1.0/1.1). */
export function jsonResponse(
  status: number,
  body: unknown,
  contentType = 'application/json',
  extraHeaders: Record<string, string> = {},
): StackResponse {
  return {
    status,
    headers: { 'content-type': contentType, ...extraHeaders },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

/** The region a SigV4-signed request was signed for (credential scope), if any. */
export function signedRegion(headers: Record<string, string>): string | undefined {
  const m = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(headers.authorization ?? '');
  return m?.[1];
}

/** The service a SigV4-signed request was signed for (credential scope), if any. */
export function signedService(headers: Record<string, string>): string | undefined {
  const m = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(headers.authorization ?? '');
  return m?.[1];
}
