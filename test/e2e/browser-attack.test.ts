// A real browser (Debian's headless chromium, driven by playwright-core) loads a web page that tries
// to create and run a Lambda function on the local stack with no-cors POSTs, as a malicious site
// could: against 127.0.0.1, against `localhost`, and through a rebound host name. No function may
// be created and the handler's file must not appear; the stack log shows the requests did arrive
// and were refused. A page from an origin the user allowed (DDBS_TEST_ALLOW_ORIGINS) can still talk
// to the stack with a signed CORS request, so the refusals are the guard's doing, not the browser's.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type BrowserContext } from 'playwright-core';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';
import { zipFiles } from '../fixtures/handlers/package.ts';
import { TEST_CREDENTIALS, TEST_REGION } from '../helpers/stack.ts';

const CHROMIUM = '/usr/bin/chromium';
const REBOUND_NAME = 'rebind.test';
const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';

const missing = !fs.existsSync(CHROMIUM);
if (missing && process.env.CI) throw new Error(`${CHROMIUM} is missing: the browser-attack test needs Debian's chromium (apt-get install chromium)`);
const skip = missing ? `${CHROMIUM} not found: install Debian's chromium to run the browser-attack test` : false;

/** What the attacking page runs: the create-and-invoke sequence, fire-and-forget (opaque answers). */
function attackPage(bases: Record<string, string>, createBodies: Record<string, string>): string {
  const script = `
    const bases = ${JSON.stringify(bases)};
    const bodies = ${JSON.stringify(createBodies)};
    const outcome = {};
    (async () => {
      for (const [name, base] of Object.entries(bases)) {
        const send = (p, body) => fetch(base + p, { mode: 'no-cors', method: 'POST', headers: { 'content-type': 'text/plain' }, body })
          .then((r) => r.type, (e) => 'error: ' + e.message);
        outcome[name] = [
          await send('/2015-03-31/functions', bodies[name]),
          await send('/2015-03-31/functions/pwned-' + name + '/invocations', '{}'),
        ];
      }
      window.__outcome = outcome;
    })();`;
  return `<!doctype html><html><body><h1>cute cats</h1><script>${script}</script></body></html>`;
}

/** What a trusted local tool's page does: a signed CORS request it can read. */
function trustedPage(stackUrl: string): string {
  const script = `
    fetch(${JSON.stringify(`${stackUrl}/2015-03-31/functions/`)}, { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=00' } })
      .then((r) => r.json().then((body) => ({ status: r.status, body })), (e) => ({ error: e.message }))
      .then((result) => { window.__outcome = result; });`;
  return `<!doctype html><html><body><script>${script}</script></body></html>`;
}

function servePage(html: () => string): Promise<http.Server> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(html());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const portOf = (s: http.Server): number => (s.address() as AddressInfo).port;

describe('a web page in a real browser cannot run code through the local stack', { skip }, () => {
  let box: CliSandbox;
  let dir: string;
  let browser: BrowserContext | undefined;
  const servers: http.Server[] = [];
  let attackHtml = '';
  let trustedHtml = '';

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-browser-'));
    const attacker = await servePage(() => attackHtml);
    const trusted = await servePage(() => trustedHtml);
    servers.push(attacker, trusted);
    box = await createCliSandbox();
    const started = await box.run(['local', 'start'], { env: { DDBS_TEST_ALLOW_ORIGINS: `http://127.0.0.1:${portOf(trusted)}` } });
    assert.equal(started.code, 0, started.stderr);

    const bases = { ip: `http://127.0.0.1:${box.port}`, localhost: `http://localhost:${box.port}`, rebound: `http://${REBOUND_NAME}:${box.port}` };
    const bodies = Object.fromEntries(Object.keys(bases).map((name) => {
      const handler = `exports.handler = async () => { require('fs').writeFileSync(${JSON.stringify(path.join(dir, `ran-${name}`))}, 'ran'); return 'ran'; };`;
      return [name, JSON.stringify({ FunctionName: `pwned-${name}`, Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: Buffer.from(zipFiles({ 'index.js': handler })).toString('base64') } })];
    }));
    attackHtml = attackPage(bases, bodies);
    trustedHtml = trustedPage(`http://127.0.0.1:${box.port}`);

    browser = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
        // DNS rebinding, simulated: a foreign name that resolves to this machine.
        `--host-resolver-rules=MAP ${REBOUND_NAME} 127.0.0.1`],
    });
  });

  after(async () => {
    await browser?.close();
    for (const s of servers) s.close();
    await box?.cleanup();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the no-cors create-and-invoke sequence creates no function and runs nothing', async () => {
    const page = await browser!.newPage();
    await page.goto(`http://127.0.0.1:${portOf(servers[0])}/`);
    const outcome = await page.waitForFunction(() => (window as unknown as { __outcome?: unknown }).__outcome, undefined, { timeout: 30_000 }).then((h) => h.jsonValue());
    // The browser did send every request (no-cors answers are opaque to the page).
    assert.deepEqual(outcome, { ip: ['opaque', 'opaque'], localhost: ['opaque', 'opaque'], rebound: ['opaque', 'opaque'] });

    const lambda = new LambdaClient({ endpoint: `http://127.0.0.1:${box.port}`, region: TEST_REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    assert.deepEqual((await lambda.send(new ListFunctionsCommand({}))).Functions, []);
    assert.deepEqual(fs.readdirSync(dir), [], 'no handler ran');

    // ...and they reached the stack, which refused each one and said why.
    const log = fs.readFileSync(path.join(box.home, 'local', 'stack.log'), 'utf8');
    const refused = log.split('\n').filter((l) => / refused POST \/2015-03-31\/functions/.test(l));
    assert.equal(refused.length, 6, log);
    assert.equal(refused.filter((l) => l.includes(`Origin "http://127.0.0.1:${portOf(servers[0])}" is not in DDBS_TEST_ALLOW_ORIGINS`)).length, 4, log);
    assert.equal(refused.filter((l) => l.includes(`Host "${REBOUND_NAME}:${box.port}"`)).length, 2, log);
  });

  it('a page from an allowed origin can read a signed request (the browser does reach the stack)', async () => {
    const page = await browser!.newPage();
    await page.goto(`http://127.0.0.1:${portOf(servers[1])}/`);
    const outcome = await page.waitForFunction(() => (window as unknown as { __outcome?: unknown }).__outcome, undefined, { timeout: 30_000 }).then((h) => h.jsonValue());
    assert.deepEqual(outcome, { status: 200, body: { Functions: [] } });
  });
});
