// `ddbs-test report [RESULT.json|RUNID ...] [--out report.html]`: one self-contained HTML file from
// stored or given results (default: the last stored run).
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { addCommonOptions, type CommandDeps, type GlobalOptions } from './context.ts';
import { loadResultDocument } from '../core/result-file.ts';
import { renderHtmlReport } from '../output/html-report.ts';
import { UsageError } from '../errors.ts';
import { ResultsStore } from '../core/results-store.ts';

export interface ReportOptions extends GlobalOptions {
  out: string;
}

export interface ReportResult {
  file: string;
  sources: string[];
  cells: number;
}

/** The newest stored result's run id, by when it was measured. */
function lastStoredRun(home: string): string | undefined {
  return new ResultsStore(home).list()[0]?.runId;
}

/** A report file name must end in .html and its folder must be writable: checked before any work. */
export function checkReportFile(file: string, flag: string): void {
  if (!/\.html?$/i.test(file)) throw new UsageError(`${flag} ${file}: the report is HTML; give a file name ending in .html`);
  try {
    fs.accessSync(path.dirname(path.resolve(file)), fs.constants.W_OK);
  } catch {
    throw new UsageError(`${flag} ${file}: the folder does not exist or is not writable`);
  }
}

export function runReport(refs: string[], opts: ReportOptions, deps: Pick<CommandDeps, 'home' | 'now'>): ReportResult {
  checkReportFile(opts.out, '--out');
  const sources = refs.length ? refs : [lastStoredRun(deps.home)].filter((r): r is string => r !== undefined);
  if (!sources.length) throw new UsageError('no results to report: run `ddbs-test run` first, or give result files', { hint: 'e.g. `ddbs-test run --items 1000 --batch 10 --out r.json`, then `ddbs-test report r.json`' });
  const docs = sources.map((s) => loadResultDocument(s, deps.home, 'RESULT'));
  fs.writeFileSync(opts.out, renderHtmlReport(docs, { generatedAt: new Date(deps.now()) }));
  return { file: path.resolve(opts.out), sources, cells: docs.reduce((n, d) => n + d.cells.length, 0) };
}

export function reportCommand(deps: (opts: GlobalOptions) => CommandDeps): Command {
  const cmd = new Command('report')
    .description('write one self-contained HTML report with charts from results (default: the last stored result)')
    .argument('[results...]', 'result JSON files or stored run ids')
    .option('--out <file>', 'the HTML file to write', 'report.html')
    .addHelpText('after', '\nExamples:\n  $ ddbs-test report\n  $ ddbs-test report base.json new.json --out compare.html');
  addCommonOptions(cmd);
  cmd.action((refs: string[], opts: ReportOptions) => {
    const d = deps(opts);
    const r = runReport(refs, opts, d);
    d.io.result(`Wrote ${r.file} (${r.cells} cell(s) from ${r.sources.join(', ')})`, r);
  });
  return cmd;
}
