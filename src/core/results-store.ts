// Stored results: one JSON file per run id under $DDBS_TEST_HOME/results/, written by every `run`
// cell and every live `count`, kept after teardown. A count of a run whose evidence is gone shows
// the stored result instead of recounting deleted evidence.
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './state.ts';
import type { Cell, ResultDocument } from './result.ts';

const RESULT_FORMAT = 'ddbs-test-result';

export interface StoredResult {
  format: typeof RESULT_FORMAT;
  version: 1;
  runId: string;
  /** When the numbers were measured (ISO). */
  measuredAt: string;
  /** Which command measured them. */
  command: 'run' | 'count';
  target: ResultDocument['target'];
  /** The cell exactly as measured (its own schemaVersion is the result document's). */
  schemaVersion: number;
  cell: Cell;
}

export class ResultsStore {
  readonly dir: string;

  constructor(home: string) {
    this.dir = path.join(home, 'results');
  }

  fileOf(runId: string): string {
    return path.join(this.dir, `${encodeURIComponent(runId)}.json`);
  }

  save(r: Omit<StoredResult, 'format' | 'version'>): string {
    const file = this.fileOf(r.runId);
    writeFileAtomic(file, `${JSON.stringify({ format: RESULT_FORMAT, version: 1, ...r }, null, 2)}\n`);
    return file;
  }

  load(runId: string): StoredResult | undefined {
    return readStored(this.fileOf(runId));
  }

  /** Every stored result, newest measurement first; unreadable files are skipped. */
  list(): StoredResult[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
    return names
      .map((n) => readStored(path.join(this.dir, n)))
      .filter((r): r is StoredResult => r !== undefined)
      .sort((a, b) => Date.parse(b.measuredAt) - Date.parse(a.measuredAt));
  }
}

function readStored(file: string): StoredResult | undefined {
  try {
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<StoredResult>;
    if (doc.format !== RESULT_FORMAT || typeof doc.runId !== 'string' || !doc.cell) return undefined;
    return doc as StoredResult;
  } catch {
    return undefined;
  }
}
