// The local stack's admission rules as a decision table: which request heads get in, which are
// refused and for what reason; the allow-list parser; the refusal in each service's wire format.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { admitRequest, hostIsLoopback, parseAllowOrigins, preflightHeaders, refusalResponse, type GuardRequest } from '../../src/local/guard.ts';
import { LocalStackError } from '../../src/errors.ts';

const PORT = 4567;
const SIG = 'AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=abc';
const policy = { port: PORT, allowOrigins: ['http://localhost:3000'] };

function req(method: string, path: string, headers: Record<string, string>, query = ''): GuardRequest {
  return { method, path, headers: { host: `127.0.0.1:${PORT}`, ...headers }, query: new URLSearchParams(query) };
}

const PRESIGNED = 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20250101%2Fus-east-1%2Flambda%2Faws4_request&X-Amz-Signature=abc';

describe('admitRequest', () => {
  const table: [string, GuardRequest, string][] = [
    ['signed SDK request', req('POST', '/', { authorization: SIG }), 'admit'],
    ['signed, localhost', req('POST', '/', { authorization: SIG, host: `localhost:${PORT}` }), 'admit'],
    ['signed, [::1]', req('POST', '/', { authorization: SIG, host: `[::1]:${PORT}` }), 'admit'],
    ['signed, upper-case host name', req('POST', '/', { authorization: SIG, host: `LOCALHOST:${PORT}` }), 'admit'],
    ['presigned query', req('GET', '/2015-03-31/functions', {}, PRESIGNED), 'admit'],
    ['presigned query without signature', req('GET', '/2015-03-31/functions', {}, 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a'), 'refuse:unsigned'],
    ['presigned query with another algorithm', req('GET', '/x', {}, PRESIGNED.replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA')), 'refuse:unsigned'],
    ['unsigned', req('POST', '/', {}), 'refuse:unsigned'],
    ['Authorization that is not SigV4', req('POST', '/', { authorization: 'Bearer x' }), 'refuse:unsigned'],
    ['GET /health unsigned', req('GET', '/health', {}), 'admit'],
    ['POST /health unsigned', req('POST', '/health', {}), 'refuse:unsigned'],
    ['GET /health, foreign Host', req('GET', '/health', { host: `evil.example:${PORT}` }), 'refuse:host'],
    ['signed, foreign Host', req('POST', '/', { authorization: SIG, host: `evil.example:${PORT}` }), 'refuse:host'],
    ['signed, loopback Host with another port', req('POST', '/', { authorization: SIG, host: `127.0.0.1:${PORT + 1}` }), 'refuse:host'],
    ['signed, loopback Host without port', req('POST', '/', { authorization: SIG, host: '127.0.0.1' }), 'refuse:host'],
    ['signed, no Host', { method: 'POST', path: '/', headers: { authorization: SIG }, query: new URLSearchParams() }, 'refuse:host'],
    ['signed, name that only starts with localhost', req('POST', '/', { authorization: SIG, host: `localhost.evil.example:${PORT}` }), 'refuse:host'],
    ['Origin, unsigned', req('POST', '/', { origin: 'http://evil.example' }), 'refuse:origin'],
    ['Origin, signed', req('POST', '/', { origin: 'http://evil.example', authorization: SIG }), 'refuse:origin'],
    ['Origin: null, signed', req('POST', '/', { origin: 'null', authorization: SIG }), 'refuse:origin'],
    ['allowed origin with a trailing slash is another origin', req('POST', '/', { origin: 'http://localhost:3000/', authorization: SIG }), 'refuse:origin'],
    ['preflight from a foreign origin', req('OPTIONS', '/', { origin: 'http://evil.example', 'access-control-request-method': 'POST' }), 'refuse:origin'],
    ['Sec-Fetch-Site: cross-site, signed', req('POST', '/', { 'sec-fetch-site': 'cross-site', authorization: SIG }), 'refuse:fetch-metadata'],
    ['Sec-Fetch-Site: same-origin, signed', req('POST', '/', { 'sec-fetch-site': 'same-origin', authorization: SIG }), 'refuse:fetch-metadata'],
    ['Sec-Fetch-Site: none, signed', req('POST', '/', { 'sec-fetch-site': 'none', authorization: SIG }), 'admit'],
    ['Sec-Fetch-Mode: cors (Node fetch sends it), signed', req('POST', '/', { 'sec-fetch-mode': 'cors', authorization: SIG }), 'refuse:fetch-metadata'],
    ['Sec-Fetch-Mode: navigate, GET /health', req('GET', '/health', { 'sec-fetch-mode': 'navigate', 'sec-fetch-site': 'none' }), 'refuse:fetch-metadata'],
    ['allowed origin, signed, with browser metadata', req('POST', '/', { origin: 'http://localhost:3000', authorization: SIG, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' }), 'admit'],
    ['allowed origin, unsigned', req('POST', '/', { origin: 'http://localhost:3000' }), 'refuse:unsigned'],
    ['allowed origin, foreign Host', req('POST', '/', { origin: 'http://localhost:3000', authorization: SIG, host: `evil.example:${PORT}` }), 'refuse:host'],
    ['preflight from the allowed origin', req('OPTIONS', '/', { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' }), 'preflight'],
    ['OPTIONS without Origin, unsigned', req('OPTIONS', '/', {}), 'refuse:unsigned'],
  ];
  for (const [name, request, expected] of table) {
    test(name, () => {
      const a = admitRequest(request, policy);
      assert.equal(a.verdict === 'refuse' ? `refuse:${a.kind}` : a.verdict, expected, a.verdict === 'refuse' ? a.why : '');
    });
  }

  test('an allowed origin is admitted with its CORS origin; plain clients get none', () => {
    assert.deepEqual(admitRequest(req('POST', '/', { origin: 'http://localhost:3000', authorization: SIG }), policy), { verdict: 'admit', corsOrigin: 'http://localhost:3000' });
    assert.deepEqual(admitRequest(req('POST', '/', { authorization: SIG }), policy), { verdict: 'admit' });
  });

  test('with an empty allow list every Origin is refused', () => {
    const a = admitRequest(req('POST', '/', { origin: 'http://localhost:3000', authorization: SIG }), { port: PORT, allowOrigins: [] });
    assert.equal(a.verdict, 'refuse');
  });

  test('the reason quotes the header and stays short', () => {
    const a = admitRequest(req('POST', '/', { origin: `http://${'a'.repeat(500)}` }), policy);
    assert.equal(a.verdict, 'refuse');
    if (a.verdict === 'refuse') assert.ok(a.why.length < 250 && a.why.includes('"http://aaa'), a.why);
  });
});

describe('hostIsLoopback', () => {
  test('port 80 may be left out, as clients do', () => {
    assert.equal(hostIsLoopback('localhost', 80), true);
    assert.equal(hostIsLoopback('localhost:80', 80), true);
    assert.equal(hostIsLoopback('localhost', 4567), false);
  });
});

describe('parseAllowOrigins', () => {
  test('empty by default; comma-separated, trimmed', () => {
    assert.deepEqual(parseAllowOrigins(undefined), []);
    assert.deepEqual(parseAllowOrigins(''), []);
    assert.deepEqual(parseAllowOrigins(' http://localhost:3000 , https://tool.example ,'), ['http://localhost:3000', 'https://tool.example']);
    assert.deepEqual(parseAllowOrigins('chrome-extension://abcdef'), ['chrome-extension://abcdef']);
  });
  for (const bad of ['null', '*', 'localhost:3000', 'http://localhost:3000/', 'http://localhost:3000/app', 'http://a b']) {
    test(`refuses ${JSON.stringify(bad)} naming the variable`, () => {
      assert.throws(() => parseAllowOrigins(bad), (err: unknown) => err instanceof LocalStackError && err.message.startsWith('DDBS_TEST_ALLOW_ORIGINS') && Boolean(err.hint));
    });
  }
});

describe('refusalResponse', () => {
  test('JSON services: 403, MissingAuthenticationTokenException in header and body, the protocol content type', () => {
    for (const [service, type] of [['dynamodb', 'application/x-amz-json-1.0'], ['logs', 'application/x-amz-json-1.1'], ['lambda', 'application/json'], [undefined, 'application/json']] as const) {
      const r = refusalResponse(service, 'unsigned', 'x');
      assert.equal(r.status, 403);
      assert.equal(r.headers?.['content-type'], type);
      assert.equal(r.headers?.['x-amzn-errortype'], 'MissingAuthenticationTokenException');
      assert.equal((JSON.parse(String(r.body)) as { __type: string }).__type, 'MissingAuthenticationTokenException');
    }
  });
  test('browser reasons are AccessDenied and say why', () => {
    const r = refusalResponse('lambda', 'origin', 'Origin "http://evil.example" is not allowed');
    assert.equal(r.headers?.['x-amzn-errortype'], 'AccessDeniedException');
    assert.match(String(r.body), /evil\.example/);
  });
  test('IAM and STS: an XML ErrorResponse in their namespace', () => {
    const iam = refusalResponse('iam', 'unsigned', 'x');
    assert.equal(iam.status, 403);
    assert.match(String(iam.body), /<ErrorResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><Error><Type>Sender<\/Type><Code>MissingAuthenticationToken<\/Code>/);
    assert.match(String(refusalResponse('sts', 'host', 'x').body), /sts\.amazonaws\.com.*<Code>AccessDenied<\/Code>/);
  });
});

describe('preflightHeaders', () => {
  test('echoes the asked-for headers and opts into Private Network Access only when asked', () => {
    const h = preflightHeaders('https://tool.example', { 'access-control-request-headers': 'authorization,x-amz-target', 'access-control-request-private-network': 'true' });
    assert.equal(h['access-control-allow-origin'], 'https://tool.example');
    assert.equal(h['access-control-allow-headers'], 'authorization,x-amz-target');
    assert.equal(h['access-control-allow-private-network'], 'true');
    assert.equal(preflightHeaders('https://tool.example', {})['access-control-allow-private-network'], undefined);
  });
});
