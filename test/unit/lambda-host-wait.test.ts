// The local Lambda's limits do not count the time a loaded host kept a function from a CPU: the
// timer's arithmetic on an injected clock, the per-process bookkeeping, and the kernel's counter on
// real processes (busy ones that outnumber the cores wait in the run queue; a sleeping one does not).
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HostWait, limitTimer, runQueueWaitMs, type LimitClock } from '../../src/local/lambda/runtime/host-wait.ts';
import { until } from '../helpers/until.ts';

const CROWDED_SERVICE = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/handlers/crowded-init-service.ts');

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function fakeClock(): LimitClock & { advance(ms: number): void } {
  let t = 0;
  const timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  return {
    now: () => t,
    schedule(fn, ms) {
      const entry = { at: t + ms, fn, live: true };
      timers.push(entry);
      return () => {
        entry.live = false;
      };
    },
    advance(ms) {
      const end = t + ms;
      for (;;) {
        const next = timers.filter((e) => e.live && e.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!next) break;
        t = next.at;
        next.live = false;
        next.fn();
      }
      t = end;
    },
  };
}

/** A process whose run-queue counter the test sets. */
function counter(start = 0) {
  const c = {
    ms: start,
    reads: 0,
    read: (pid: number) => {
      c.reads++;
      return pid === 1 ? c.ms : undefined;
    },
  };
  return c;
}

describe('limits that do not count the host’s CPU wait', () => {
  it('without run-queue wait the limit expires on time, and cancelling stops it', () => {
    const clock = fakeClock();
    const c = counter(500);
    let expiredAt: number | undefined;
    limitTimer(10_000, new HostWait(() => 1, { read: c.read }), () => (expiredAt = clock.now()), { clock });
    clock.advance(9_999);
    assert.equal(expiredAt, undefined);
    clock.advance(1);
    assert.equal(expiredAt, 10_000, 'a process already running counts from its first reading (the 500 ms before do not count)');

    let fired = false;
    const reads = c.reads;
    const cancel = limitTimer(1_000, new HostWait(() => 1, { read: c.read }), () => (fired = true), { clock });
    clock.advance(200);
    cancel();
    clock.advance(5_000);
    assert.equal(fired, false);
    assert.equal(c.reads, reads, 'a phase that ends within its first 250 ms reads nothing');
  });

  it('the time a process waited for a CPU extends the limit, by at most the limit again', () => {
    const clock = fakeClock();
    const c = counter();
    let extendedBy: number | undefined;
    limitTimer(10_000, new HostWait(() => 1, { read: c.read }), (ms) => (extendedBy = ms), { clock });
    clock.advance(6_000);
    c.ms = 3_000;
    clock.advance(4_000);
    assert.equal(extendedBy, undefined, 'at 10 s it has had 7 s of its own');
    clock.advance(2_999);
    assert.equal(extendedBy, undefined);
    clock.advance(1);
    assert.equal(extendedBy, 3_000);

    const starved = counter();
    let at: number | undefined;
    const t0 = clock.now();
    limitTimer(1_000, new HostWait(() => 1, { read: starved.read }), () => (at = clock.now() - t0), { clock });
    clock.advance(300);
    starved.ms = 50_000;
    clock.advance(10_000);
    assert.equal(at, 2_000, 'a host that never lets it run still ends it at twice the limit');

    let stretchedAt: number | undefined;
    const t1 = clock.now();
    const more = counter();
    limitTimer(1_000, new HostWait(() => 1, { read: more.read }), () => (stretchedAt = clock.now() - t1), { clock, stretch: 3 });
    clock.advance(300);
    more.ms = 50_000;
    clock.advance(10_000);
    assert.equal(stretchedAt, 3_000, 'a stretch of 3 allows three times the limit');
  });

  it('a process born during the phase counts from its birth, and the processes of one phase add up', () => {
    const values = new Map<number, number>([[1, 400]]);
    let pid: number | undefined = 1;
    const wait = new HostWait(() => pid, { read: (p) => values.get(p) });
    assert.equal(wait.sample(), 0);
    values.set(1, 700);
    assert.equal(wait.sample(), 300);
    pid = undefined; // killed, its successor not spawned yet
    assert.equal(wait.sample(), 300);
    pid = 2;
    values.set(2, 250); // born during the phase: all of its 250 ms are the phase's
    assert.equal(wait.sample(), 550);

    const newborn = new HostWait(() => 1, { newborn: true, read: () => 120 });
    assert.equal(newborn.sample(), 120, 'a process spawned for the phase (an init) counts from its birth');
  });
});

describe('the kernel’s run-queue counter', { skip: process.platform !== 'linux' && 'schedstat is Linux only' }, () => {
  // Busy processes starve whatever else runs on the machine: each test ends its own at once.
  const children: ChildProcess[] = [];
  const stopAll = () => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
  };
  afterEach(stopAll);
  after(stopAll);
  const start = (code: string) => {
    const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(child);
    return child;
  };

  it('grows for busy processes that outnumber the cores, not for a sleeping one', async () => {
    // The sleeper says when it is asleep: its own start-up (runnable, like any start) is not measured.
    const sleeping = start("setTimeout(() => {}, 120000); process.stdout.write('asleep\\n')");
    await new Promise((resolve) => sleeping.stdout!.once('data', resolve));
    const sleeper = sleeping.pid!;
    const base = runQueueWaitMs(sleeper);
    const busy = Array.from({ length: os.availableParallelism() + 1 }, () => start('for (;;) {}').pid!);
    assert.notEqual(base, undefined, 'this kernel exposes /proc/<pid>/schedstat');
    const waited = await until('a busy process to wait 300 ms for a CPU', async () => {
      const most = Math.max(...busy.map((p) => runQueueWaitMs(p) ?? 0));
      return most >= 300 ? most : undefined;
    });
    assert.ok(waited >= 300);
    assert.ok(runQueueWaitMs(sleeper)! - base! < 100, 'a sleeping process is not in the run queue');
    assert.equal(runQueueWaitMs(2 ** 22 + 12345), undefined, 'no such process');
  });

  it('an init that computes on a crowded CPU is not timed out for the time it waited for that CPU', { timeout: 120_000, skip: !hasTaskset() && 'taskset (util-linux) is not installed' }, async () => {
    // One CPU shared by three busy processes and the service (its runtimes inherit the pinning): the
    // init's 1 s of computing takes about 4 s of wall time, past a 3 s limit that counts its own time only.
    const LIMIT_MS = 3000;
    for (let i = 0; i < 3; i++) children.push(spawn('taskset', ['-c', '0', process.execPath, '-e', 'for (;;) {}'], { stdio: 'ignore' }));
    const service = spawn('taskset', ['-c', '0', process.execPath, '--import', 'tsx', CROWDED_SERVICE, String(LIMIT_MS), '1000'], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(service);
    let out = '';
    service.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    await new Promise((resolve) => service.on('close', resolve));
    const { response, tail } = JSON.parse(out) as { response: { inits: number }; tail: string };
    const initMs = Number(/Init Duration: ([\d.]+) ms/.exec(tail.split('\n').find((l) => l.startsWith('REPORT ')) ?? '')?.[1]);
    assert.ok(initMs > LIMIT_MS, `the init outlasted the limit in wall time (precondition), ${initMs} ms\n${tail}`);
    assert.doesNotMatch(tail, /Status: timeout/, tail);
    assert.equal(response.inits, 1, 'the first init finished: no retried init');
  });
});
