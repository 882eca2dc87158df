// The start lock (one starter per home; a dead starter's lock is taken over) and hints that fit the
// target: an unreachable AWS endpoint names the network, proxy and region, never the local stack.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { startLockFile, tryStartLock } from '../../src/local/start-lock.ts';
import { translateAwsError } from '../../src/aws/errors.ts';
import { createClients } from '../../src/aws/clients.ts';

function tempHome(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-test-lock-'));
}

/** A pid that is certainly not running: a child that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid as number;
}

describe('start lock', () => {
  it('the first taker holds it; a second sees the holder\'s pid; release frees it', () => {
    const home = tempHome();
    const first = tryStartLock(home);
    assert.equal(first.acquired, true);
    assert.equal(fs.readFileSync(startLockFile(home), 'utf8'), String(process.pid));
    const second = tryStartLock(home, process.pid + 1);
    assert.deepEqual(second, { acquired: false, holder: process.pid });
    if (first.acquired) first.release();
    assert.equal(fs.existsSync(startLockFile(home)), false);
    assert.equal(tryStartLock(home).acquired, true);
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('a lock left by a dead process is taken over', () => {
    const home = tempHome();
    fs.mkdirSync(path.dirname(startLockFile(home)), { recursive: true });
    fs.writeFileSync(startLockFile(home), String(deadPid()));
    const got = tryStartLock(home);
    assert.equal(got.acquired, true);
    assert.equal(fs.readFileSync(startLockFile(home), 'utf8'), String(process.pid));
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('release leaves a lock someone else took over alone', () => {
    const home = tempHome();
    const mine = tryStartLock(home);
    fs.writeFileSync(startLockFile(home), '1');
    if (mine.acquired) mine.release();
    assert.equal(fs.readFileSync(startLockFile(home), 'utf8'), '1');
    fs.rmSync(home, { recursive: true, force: true });
  });
});

const enotfound = (): Error =>
  Object.assign(new Error('getaddrinfo ENOTFOUND dynamodb.us-east-7.amazonaws.com'), { code: 'ENOTFOUND', hostname: 'dynamodb.us-east-7.amazonaws.com', syscall: 'getaddrinfo' });

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('unreachable-endpoint hints fit the target', () => {
  it('AWS target, ENOTFOUND: network, proxy and region, not the local stack', () => {
    const e = translateAwsError(enotfound(), 'listing tables', 'aws');
    assert.equal(e.code, 'EndpointUnreachable');
    assert.match(e.message, /^listing tables: the endpoint did not answer \(ENOTFOUND\)$/);
    assert.doesNotMatch(e.hint ?? '', /local stack|ddbs-test local/);
    assert.match(e.hint ?? '', /network/);
    assert.match(e.hint ?? '', /proxy/i);
    assert.match(e.hint ?? '', /region/);
    assert.match(e.hint ?? '', /dynamodb\.us-east-7\.amazonaws\.com/, 'names the host it tried');
  });

  it('local target, ENOTFOUND: the local stack and how to check it', () => {
    const e = translateAwsError(enotfound(), 'listing tables', 'local');
    assert.match(e.hint ?? '', /local stack/);
    assert.match(e.hint ?? '', /`ddbs-test local status`/);
  });

  it('the clients tag their errors with the target kind: a real refused connection to the local target gets the local hint', async () => {
    const port = await closedPort();
    const clients = createClients({ kind: 'local', region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, port });
    let err: unknown;
    try {
      await clients.dynamodb.send(new ListTablesCommand({}));
    } catch (e) {
      err = e;
    } finally {
      clients.destroy();
    }
    assert.ok(err, 'the call failed');
    const local = translateAwsError(err, 'listing tables');
    assert.match(local.message, /the endpoint did not answer \(ECONNREFUSED\)/);
    assert.match(local.hint ?? '', /`ddbs-test local status`/);
    assert.doesNotMatch(translateAwsError(err, 'listing tables', 'aws').hint ?? '', /local stack|ddbs-test local/, 'an explicit target wins');
  });
});
