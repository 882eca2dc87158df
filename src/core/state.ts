// The state file: what ddbs-test created (so teardown can find it) and the runs it seeded (so count
// can reconcile them). Written atomically (temp file + rename), never holds secrets.
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { StateError } from '../errors.ts';

export const STATE_FORMAT = 'ddbs-test-state';
export const STATE_VERSION = 1;

export type ResourceKind = 'mapping' | 'function' | 'role' | 'log-group' | 'table';

export interface ResourceRecord {
  kind: ResourceKind;
  /** Name, ARN or UUID: whatever the delete call needs. */
  id: string;
  /** Which target it lives in (see targetKey). */
  target: string;
  createdAt: string;
  runId?: string;
}

export interface RunRecord {
  runId: string;
  target: string;
  table: string;
  functionName?: string;
  logGroup?: string;
  /** Distinct items (keys) written. */
  items: number;
  /** seed --updates: each item written 1 + updates times (absent = 0). */
  updates?: number;
  /** Stream records written (writes acknowledged); absent = items (a run without updates). */
  records?: number;
  /** True when ddbs-test wrote the items (seed); false for a table written by other tools. */
  seeded: boolean;
  startedAt: string;
  /** Where the per-request write timings are kept (a separate file: it can be large). */
  writesFile?: string;
  firstWriteAt?: number;
  lastAckAt?: number;
  retries?: number;
  /** Set when `run` tore the run's resources down: its evidence (log group, stream) is gone. */
  tornDownAt?: string;
}

/** A consumer attached to a table's stream (attach-consumer), so seed/count know where logs go. */
export interface AttachmentRecord {
  target: string;
  table: string;
  functionName: string;
  logGroup: string;
  mappingUuid: string;
  batchSize: number;
  parallelizationFactor: number;
  batchWindowS: number;
  workMs?: number;
  failRate?: number;
  /** The mapping's settings count needs when the mapping itself cannot be read. */
  startingPosition?: string;
  maxRetries?: number;
  bisect?: boolean;
  filters?: string[];
  timeoutS?: number;
  /** When attach-consumer started (a LATEST mapping starts at or after this). */
  createdAt: string;
}

export interface StateDocument {
  format: typeof STATE_FORMAT;
  version: number;
  resources: ResourceRecord[];
  runs: RunRecord[];
  attachments?: AttachmentRecord[];
}

export function defaultHome(env: NodeJS.ProcessEnv): string {
  return env.DDBS_TEST_HOME && env.DDBS_TEST_HOME.length > 0 ? path.resolve(env.DDBS_TEST_HOME) : path.join(os.homedir(), '.ddbs-test');
}

function emptyState(): StateDocument {
  return { format: STATE_FORMAT, version: STATE_VERSION, resources: [], runs: [] };
}

/** Writes a file so that readers see either the old or the new content, never a torn one. */
export function writeFileAtomic(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export class StateStore {
  readonly home: string;
  readonly file: string;

  constructor(home: string) {
    this.home = home;
    this.file = path.join(home, 'state.json');
  }

  read(): StateDocument {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
      throw new StateError(`cannot read the state file ${this.file}: ${(err as Error).message}`, { cause: err });
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new StateError(`the state file ${this.file} is corrupt (not JSON); nothing was deleted`, {
        hint: `move it aside and use \`ddbs-test teardown --sweep\` to find tagged leftovers`,
        cause: err,
      });
    }
    const d = doc as Partial<StateDocument>;
    if (!d || typeof d !== 'object' || d.format !== STATE_FORMAT || !Array.isArray(d.resources) || !Array.isArray(d.runs)) {
      throw new StateError(`${this.file} is not a ddbs-test state file; nothing was deleted`, {
        hint: 'point DDBS_TEST_HOME at a folder of its own, or move the file aside',
      });
    }
    if ((d.version ?? 0) > STATE_VERSION) {
      throw new StateError(`the state file ${this.file} was written by a newer ddbs-test (version ${d.version})`, { hint: 'upgrade ddbs-test' });
    }
    return d as StateDocument;
  }

  /**
   * Read-modify-write under a lock file, so parallel ddbs-test processes (two runs, a run and a
   * teardown) never lose each other's records. Returns what the mutator returned.
   */
  update<T>(mutate: (doc: StateDocument) => T): T {
    const release = this.lock();
    try {
      const doc = this.read();
      const result = mutate(doc);
      writeFileAtomic(this.file, `${JSON.stringify(doc, null, 2)}\n`);
      return result;
    } finally {
      release();
    }
  }

  private lock(): () => void {
    const lockFile = `${this.file}.lock`;
    fs.mkdirSync(this.home, { recursive: true, mode: 0o700 });
    const deadline = Date.now() + 15_000;
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
      try {
        fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx', mode: 0o600 });
        return () => fs.rmSync(lockFile, { force: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new StateError(`cannot lock the state file ${this.file}: ${(err as Error).message}`, { cause: err });
      }
      // A lock left by a process that died (updates take milliseconds) is taken over.
      try {
        if (Date.now() - fs.statSync(lockFile).mtimeMs > 10_000) fs.rmSync(lockFile, { force: true });
      } catch {
        // released meanwhile
      }
      if (Date.now() > deadline) throw new StateError(`the state file ${this.file} stayed locked by another ddbs-test process`, { hint: `if no other ddbs-test is running, remove ${lockFile}` });
      Atomics.wait(pause, 0, 0, delay); // a short synchronous pause: updates are synchronous
    }
  }

  addResource(r: ResourceRecord): void {
    this.update((doc) => {
      doc.resources = doc.resources.filter((x) => !(x.kind === r.kind && x.id === r.id && x.target === r.target));
      doc.resources.push(r);
    });
  }

  removeResource(kind: ResourceKind, id: string, target: string): void {
    this.update((doc) => {
      doc.resources = doc.resources.filter((x) => !(x.kind === kind && x.id === id && x.target === target));
    });
  }

  resourcesFor(target: string): ResourceRecord[] {
    return this.read().resources.filter((r) => r.target === target);
  }

  addRun(run: RunRecord): void {
    this.update((doc) => {
      doc.runs = doc.runs.filter((r) => r.runId !== run.runId);
      doc.runs.push(run);
      // Keep the file small: the last 50 runs are plenty for `count`.
      if (doc.runs.length > 50) doc.runs = doc.runs.slice(-50);
    });
  }

  addAttachment(a: AttachmentRecord): void {
    this.update((doc) => {
      doc.attachments = [...(doc.attachments ?? []).filter((x) => !(x.target === a.target && x.table === a.table)), a];
    });
  }

  removeAttachment(target: string, table: string): void {
    this.update((doc) => {
      doc.attachments = (doc.attachments ?? []).filter((x) => !(x.target === target && x.table === table));
    });
  }

  /** The consumer function is gone: its table no longer has an attachment. */
  removeAttachmentsOfFunction(target: string, functionName: string): void {
    this.update((doc) => {
      doc.attachments = (doc.attachments ?? []).filter((x) => !(x.target === target && x.functionName === functionName));
    });
  }

  attachmentFor(target: string, table: string): AttachmentRecord | undefined {
    return (this.read().attachments ?? []).find((a) => a.target === target && a.table === table);
  }

  /** Where a run's per-request write timings are kept. */
  writesFile(runId: string): string {
    return path.join(this.home, 'runs', `${runId}.writes.json`);
  }

  latestRun(target: string): RunRecord | undefined {
    return this.read().runs.filter((r) => r.target === target).at(-1);
  }

  /**
   * What the user last did on this target: the last seeded run or the last attachment (a table
   * that another tool writes), whichever is newer by its recorded time.
   */
  latestActivity(target: string): { run: RunRecord } | { attachment: AttachmentRecord } | undefined {
    const doc = this.read();
    const run = doc.runs.filter((r) => r.target === target).at(-1);
    const att = (doc.attachments ?? []).filter((a) => a.target === target).sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt)).at(-1);
    if (att && (!run || Date.parse(att.createdAt) > Date.parse(run.startedAt))) return { attachment: att };
    return run ? { run } : undefined;
  }

  markTornDown(runId: string, at: string): void {
    this.update((doc) => {
      for (const r of doc.runs) if (r.runId === runId) r.tornDownAt = at;
    });
  }

  /**
   * Marks the runs of `target` whose evidence was among `gone` (their table, function or log group
   * was deleted or found missing) as torn down, so count shows their stored result instead of
   * recounting against evidence that no longer exists.
   */
  markRunsTornDownBy(target: string, gone: { kind: ResourceKind; id: string }[], at: string): void {
    const has = (kind: ResourceKind, id: string | undefined) => id !== undefined && gone.some((g) => g.kind === kind && g.id === id);
    this.update((doc) => {
      for (const r of doc.runs) {
        if (r.target !== target || r.tornDownAt) continue;
        if (has('table', r.table) || has('log-group', r.logGroup) || has('function', r.functionName)) r.tornDownAt = at;
      }
    });
  }

  findRun(runId: string): RunRecord | undefined {
    return this.read().runs.find((r) => r.runId === runId);
  }
}
