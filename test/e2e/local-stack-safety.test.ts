// The local stack is safe to leave running: reachable only from this machine (127.0.0.1), one per
// home, clear about a port another program holds, stoppable twice, leaving no process behind, and
// never keeping the user's AWS credentials in its files or in the environment of its processes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';
import { freePort, isAlive } from '../../src/local/index.ts';

const ACCESS_KEY = 'AKIAFAKEFAKEFAKE';
const SECRET_KEY = 'supersecretvalue';
const SESSION_TOKEN = 'sessiontokenfakefakefake';
const SECRET_ENV = { AWS_ACCESS_KEY_ID: ACCESS_KEY, AWS_SECRET_ACCESS_KEY: SECRET_KEY, AWS_SESSION_TOKEN: SESSION_TOKEN };

type StackInfo = { pid: number; jvmPid: number; port: number; url: string };
const stackFile = (home: string) => path.join(home, 'local', 'stack.json');
const stackInfo = (home: string) => JSON.parse(fs.readFileSync(stackFile(home), 'utf8')) as StackInfo;

/** Connects to host:port; resolves 'connected' or the error code. */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: 3000 });
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('timeout', () => {
      s.destroy();
      resolve('ETIMEDOUT');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
}

/** This machine's first non-loopback IPv4 address, if it has one. */
function externalIPv4(): string | undefined {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

/** Every file under dir, recursively. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/**
 * Live processes in the stack's process group (daemon, JVM, function environments). A zombie is
 * left out: it is a dead process whose exit status nobody collected (this sandbox's init does not
 * reap), it holds no memory, port or file.
 */
function groupPids(pgid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        // /proc/PID/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces, so split after ')'.
        const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
        const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return state !== 'Z' && Number(pgrp) === pgid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('the local stack: loopback only, one per home, no secrets, clean stop', { timeout: 400_000 }, () => {
  let box: CliSandbox;
  before(async () => {
    box = await createCliSandbox();
  });
  after(async () => {
    await box.cleanup();
  });

  it('local status when not running: exit 0, says so (and --json says running: false)', async () => {
    const r = await box.run(['local', 'status']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'The local stack is not running.\n');
    const j = await box.run(['local', 'status', '--json']);
    assert.equal(j.code, 0);
    assert.equal((JSON.parse(j.stdout) as { running: boolean }).running, false);
    assert.equal(fs.existsSync(stackFile(box.home)), false, 'status starts nothing');
  });

  it('local stop when nothing runs: exit 0, "No local stack was running."', async () => {
    const r = await box.run(['local', 'stop']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'No local stack was running.\n');
  });

  it('AWS credentials in the environment end up in no file under DDBS_TEST_HOME and in no stack process', async () => {
    // The stack is started by a command that has the user's credentials in its environment, and a
    // consumer runs (so function environments exist) under the same environment.
    for (const args of [
      ['create-table', '--table', 'secret-local'],
      ['attach-consumer', '--table', 'secret-local', '--batch-size', '10'],
      ['seed', '--table', 'secret-local', '--items', '20'],
      ['count', '--wait', '--idle', '10', '--timeout', '60'],
    ]) {
      const r = await box.run(args, { env: SECRET_ENV });
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    }
    // The same credentials used against the stack as an endpoint: they are sent (the key id in the
    // signature) and must still not be written down.
    const viaEndpoint = await box.run(['create-table', '--table', 'secret-endpoint', '--endpoint-url', `http://127.0.0.1:${box.port}`], { env: SECRET_ENV });
    assert.equal(viaEndpoint.code, 0, viaEndpoint.stderr);

    const files = filesUnder(box.home);
    assert.ok(files.some((f) => f.endsWith('state.json')) && files.some((f) => f.endsWith(path.join('local', 'stack.log'))), `state.json and the stack log exist: ${files.join(', ')}`);
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      for (const secret of [ACCESS_KEY, SECRET_KEY, SESSION_TOKEN]) assert.ok(!text.includes(secret), `${path.relative(box.home, f)} must not contain ${secret}`);
    }
    const info = stackInfo(box.home);
    const pids = groupPids(info.pid);
    assert.ok(pids.includes(info.pid) && pids.includes(info.jvmPid), `daemon and JVM found in the stack's process group: ${pids.join(', ')}`);
    assert.ok(pids.length >= 3, `a warm function environment runs in the group too: ${pids.join(', ')}`);
    for (const pid of pids) {
      const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
      for (const secret of [ACCESS_KEY, SECRET_KEY, SESSION_TOKEN]) assert.ok(!environ.includes(secret), `process ${pid} of the stack must not have ${secret} in its environment`);
    }
  });

  it('the stack API listens on 127.0.0.1 only: refused on this machine\'s other address', async (t) => {
    const { port } = stackInfo(box.home);
    assert.equal(await tryConnect('127.0.0.1', port), 'connected');
    const ext = externalIPv4();
    if (!ext) return t.skip('this machine has no non-loopback IPv4 address');
    assert.equal(await tryConnect(ext, port), 'ECONNREFUSED', `${ext}:${port}`);
    if (os.networkInterfaces().lo?.some((a) => a.address === '::1')) assert.notEqual(await tryConnect('::1', port), 'connected', 'not on IPv6 loopback either');
  });

  it(
    'DynamoDB Local (the JVM behind the stack) is not reachable from this machine\'s other address either',
    async (t) => {
      const ext = externalIPv4();
      if (!ext) return t.skip('this machine has no non-loopback IPv4 address');
      const jvmPort = jvmListeningPort(stackInfo(box.home).jvmPid);
      assert.ok(jvmPort, 'found the JVM\'s listening port');
      assert.equal(await tryConnect(ext, jvmPort), 'ECONNREFUSED', `${ext}:${jvmPort}`);
    },
  );

  it('a second local start reports the running stack: exit 0, same pid; another --port is refused naming both ports', async () => {
    const before = stackInfo(box.home);
    const again = await box.run(['local', 'start', '--json']);
    assert.equal(again.code, 0, again.stderr);
    const doc = JSON.parse(again.stdout) as { alreadyRunning: boolean; running: boolean; stack: StackInfo };
    assert.equal(doc.running, true);
    assert.equal(doc.alreadyRunning, true);
    assert.equal(doc.stack.pid, before.pid, 'the same stack, not a new one');
    const human = await box.run(['local', 'start']);
    assert.equal(human.code, 0);
    assert.match(human.stdout, new RegExp(`^Already running: http://127\\.0\\.0\\.1:${box.port} \\(pid ${before.pid}, `));
    assert.deepEqual(stackInfo(box.home), before, 'stack.json untouched');

    const otherPort = await freePort();
    const other = await box.run(['local', 'start', '--port', String(otherPort)]);
    assert.equal(other.code, 3, other.stderr);
    assert.match(other.stderr, new RegExp(`already running on port ${box.port}, not ${otherPort}`));
    assert.match(other.stderr, /^hint: .*ddbs-test local stop/m);
    assert.equal(await tryConnect('127.0.0.1', otherPort), 'ECONNREFUSED', 'nothing started on the other port');
  });

  it('local status when running: exit 0, the URL and the pids', async () => {
    const info = stackInfo(box.home);
    const r = await box.run(['local', 'status']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Running: ${info.url.replaceAll('.', '\\.')} \\(pid ${info.pid}, DynamoDB Local pid ${info.jvmPid}, since `));
    assert.match(r.stdout, new RegExp(`AWS_ENDPOINT_URL=${info.url.replaceAll('.', '\\.')}`));
  });

  it('local stop twice: both exit 0; afterwards no process of the stack remains (daemon, JVM, function environments)', async () => {
    const info = stackInfo(box.home);
    const first = await box.run(['local', 'stop']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, `Stopped the local stack (pid ${info.pid}).\n`);
    assert.equal(isAlive(info.pid), false, 'daemon gone');
    assert.equal(isAlive(info.jvmPid), false, 'DynamoDB Local JVM gone');
    assert.deepEqual(groupPids(info.pid), [], 'no process left in the stack\'s process group');
    assert.equal(fs.existsSync(stackFile(box.home)), false, 'stack.json removed');
    assert.equal(await tryConnect('127.0.0.1', info.port), 'ECONNREFUSED', 'the port is free again');
    const second = await box.run(['local', 'stop']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, 'No local stack was running.\n');
  });
});

/** The TCP port the given process listens on, from /proc/net/tcp{,6} and its socket inodes. */
function jvmListeningPort(pid: number): number | undefined {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m?.[1]) inodes.add(m[1]);
    } catch {
      // fd closed meanwhile
    }
  }
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is cols[1] ("ADDR:PORT" in hex), st is cols[3] ("0A" = LISTEN), inode is cols[9].
      if (cols[3] === '0A' && inodes.has(cols[9] ?? '')) return parseInt(cols[1]?.split(':')[1] ?? '', 16);
    }
  }
  return undefined;
}

describe('a port held by another program', { timeout: 60_000 }, () => {
  let box: CliSandbox;
  const servers: Array<http.Server | net.Server> = [];
  before(async () => {
    box = await createCliSandbox();
  });
  after(async () => {
    for (const s of servers) s.close();
    await box.cleanup();
  });

  const listen = async (server: http.Server | net.Server): Promise<number> => {
    servers.push(server);
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    return port;
  };

  const assertRefused = (r: { code: number; stdout: string; stderr: string }, port: number): void => {
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`^error: port ${port} on 127\\.0\\.0\\.1 is held by another program$`, 'm'));
    assert.match(r.stderr, /^hint: choose a free port with --port or DDBS_TEST_LOCAL_PORT$/m);
    assert.equal(r.stdout, '');
    assert.equal(fs.existsSync(stackFile(box.home)), false, 'no stack started');
    const state = path.join(box.home, 'state.json');
    if (fs.existsSync(state)) assert.deepEqual((JSON.parse(fs.readFileSync(state, 'utf8')) as { resources: unknown[] }).resources, []);
  };

  it('a plain HTTP server: local start and create-table exit 3 naming the port, and the server is left alone', async () => {
    let hits = 0;
    const port = await listen(http.createServer((_req, res) => (hits++, res.end('hello from another program'))));
    const env = { DDBS_TEST_LOCAL_PORT: String(port) };
    assertRefused(await box.run(['local', 'start'], { env }), port);
    assertRefused(await box.run(['create-table', '--table', 'tx'], { env }), port);
    assertRefused(await box.run(['local', 'start', '--port', String(port)]), port);
    assert.ok(hits >= 1, 'the probe asked the server who it is');
    // The other program still serves.
    const body = await new Promise<string>((resolve, reject) => http.get({ host: '127.0.0.1', port, path: '/' }, (res) => {
      let b = '';
      res.on('data', (d: Buffer) => (b += d.toString()));
      res.on('end', () => resolve(b));
    }).on('error', reject));
    assert.equal(body, 'hello from another program');
  });

  it('a TCP server that closes every connection: local start exits 3 naming the port', async () => {
    const port = await listen(net.createServer((s) => s.destroy()));
    assertRefused(await box.run(['local', 'start', '--port', String(port)]), port);
  });
});
