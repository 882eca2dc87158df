// Reads a result document from a file or from the stored results, whatever version wrote it.
// Version 1 documents (and `count --json`'s one-cell document) are accepted as they are: fields a
// newer version added are optional for every reader.
import fs from 'node:fs';
import type { Cell, ResultDocument } from './result.ts';
import { UsageError } from '../errors.ts';
import { ResultsStore } from './results-store.ts';

const RUN_ID = /^[a-z0-9][a-z0-9-]{2,63}$/i;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isCell(v: unknown): v is Cell {
  return isObject(v) && typeof v.items === 'number' && typeof v.batchSize === 'number' && typeof v.written === 'number';
}

/** A document from any shape ddbs-test writes: a run document, a count document, a stored result. */
export function asResultDocument(raw: unknown, source: string): ResultDocument {
  if (!isObject(raw)) throw new UsageError(`${source}: not a ddbs-test result (expected a JSON object)`);
  const cells = Array.isArray(raw.cells) ? raw.cells : isCell(raw.cell) ? [raw.cell] : isCell(raw) ? [raw] : isObject(raw.document) && Array.isArray(raw.document.cells) ? raw.document.cells : undefined;
  if (!cells || !cells.every(isCell)) throw new UsageError(`${source}: not a ddbs-test result (no cells with items, batchSize and written)`);
  const version = typeof raw.schemaVersion === 'number' ? raw.schemaVersion : 1;
  const target = isObject(raw.target) ? (raw.target as ResultDocument['target']) : { kind: 'unknown', region: '' };
  const verdict = typeof raw.verdict === 'string' ? raw.verdict : cells.every((c) => c.missing === 0) ? 'complete' : 'incomplete';
  return { schemaVersion: version, tool: { name: 'ddbs-test', version: String((isObject(raw.tool) && raw.tool.version) || '') }, target, cells, verdict: verdict as ResultDocument['verdict'] };
}

/** A path to a JSON file, or a run id found under `<home>/results/`. */
export function loadResultDocument(ref: string, home: string, flag: string): ResultDocument {
  const store = new ResultsStore(home);
  const stored = store.fileOf(ref);
  const file = fs.existsSync(ref) ? ref : RUN_ID.test(ref) && fs.existsSync(stored) ? stored : undefined;
  if (!file) throw new UsageError(`${flag} ${ref}: no such file, and no stored result with that run id in ${store.dir}`, { hint: 'list stored runs with `ddbs-test results`' });
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${flag} ${ref}: not valid JSON (${(err as Error).message})`);
  }
  return asResultDocument(raw, ref);
}
