// What this machine's process table says about the stack's processes. The stack runs in a process
// group of its own (the daemon leads it; the JVM and every function environment are members), so
// "is anything of the stack left" is a question about that group.
import fs from 'node:fs';
import { pause } from '../core/timing.ts';
import { wallNow } from './clock.ts';

/** Signal 0 reaches the process, and it is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/** Linux's /proc/PID/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses. */
function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * A killed process stays a zombie until its parent reaps it, and in a container whose init does
 * not reap, that is forever: signal 0 still reaches it, but it will never answer again. Elsewhere
 * than Linux (no /proc), assume alive.
 */
function isZombie(pid: number): boolean {
  return statFields(pid)?.[0] === 'Z';
}

/**
 * The live (non-zombie) members of a process group. Without /proc, signal 0 to the group says only
 * whether it has members at all, which is then the answer (as a list of the leader's id).
 */
export function liveGroupMembers(pgid: number): number[] {
  if (!fs.existsSync('/proc/self/stat')) {
    try {
      process.kill(-pgid, 0);
      return [pgid];
    } catch {
      return [];
    }
  }
  const members: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(entry);
    if (fields && fields[0] !== 'Z' && Number(fields[2]) === pgid) members.push(Number(entry));
  }
  return members;
}

/**
 * Asks a process group to stop (SIGTERM to its leader's group), waits for every member to go, and
 * kills what is left after `graceMs`.
 */
export async function endProcessGroup(pgid: number, graceMs: number): Promise<void> {
  const signalGroup = (sig: NodeJS.Signals): void => {
    try {
      process.kill(-pgid, sig);
    } catch {
      // group already gone
    }
  };
  const anyLeft = (): boolean => isAlive(pgid) || liveGroupMembers(pgid).length > 0;
  signalGroup('SIGTERM');
  const deadline = wallNow() + graceMs;
  let delay = 20;
  while (anyLeft() && wallNow() < deadline) {
    await pause(delay);
    delay = Math.min(delay * 2, 250);
  }
  if (anyLeft()) signalGroup('SIGKILL');
}
