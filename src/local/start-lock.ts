// One starter at a time per DDBS_TEST_HOME: a lock file created with O_EXCL holding the starter's
// pid. A lock whose pid is dead was left by a starter that crashed and is taken over; a lock with
// no pid yet is being written (the create and the write are two steps) unless it is old.
import fs from 'node:fs';
import path from 'node:path';
import { wallNow } from './clock.ts';

const UNWRITTEN_GRACE_MS = 5_000;

export function startLockFile(home: string): string {
  return path.join(home, 'local', 'start.lock');
}

export type LockAttempt = { acquired: true; release(): void } | { acquired: false; holder: number | undefined };

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Tries once to take the start lock; says who holds it otherwise. */
export function tryStartLock(home: string, pid = process.pid): LockAttempt {
  const file = startLockFile(home);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, String(pid), { flag: 'wx', mode: 0o600 });
      return {
        acquired: true,
        release: () => {
          // Only our own lock: a waiter may have judged us dead and taken it over.
          if (readHolder(file) === pid) fs.rmSync(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readHolder(file);
    if (holder !== undefined && processAlive(holder)) return { acquired: false, holder };
    if (holder === undefined && !isOld(file)) return { acquired: false, holder: undefined };
    // Stale: its starter is gone. Remove it and try again (another waiter may win the race).
    fs.rmSync(file, { force: true });
  }
  return { acquired: false, holder: readHolder(file) };
}

function readHolder(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isOld(file: string): boolean {
  try {
    return wallNow() - fs.statSync(file).mtimeMs > UNWRITTEN_GRACE_MS;
  } catch {
    return true;
  }
}
