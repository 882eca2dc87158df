// `ddbs-test results`: the stored results, newest first — every `run` cell and every live `count`
// is kept under $DDBS_TEST_HOME/results/, also after teardown.
import { Command } from 'commander';
import Table from 'cli-table3';
import { addCommonOptions, type CommandDeps, type GlobalOptions } from './context.ts';
import { ResultsStore } from '../core/results-store.ts';

export interface ResultsEntry {
  runId: string;
  measuredAt: string;
  command: 'run' | 'count';
  target: string;
  cells: number;
  verdict: string;
  table: string;
  written: number;
  file: string;
}

export function runResults(deps: CommandDeps): { results: ResultsEntry[]; dir: string } {
  const store = new ResultsStore(deps.home);
  const results = store.list().map((r) => ({
    runId: r.runId,
    measuredAt: r.measuredAt,
    command: r.command,
    target: r.target.kind === 'aws' ? `aws ${r.target.region}` : r.target.kind,
    cells: 1,
    verdict: r.cell.verdict,
    table: r.cell.table,
    written: r.cell.written,
    file: store.fileOf(r.runId),
  }));
  return { results, dir: store.dir };
}

export function formatResults(r: { results: ResultsEntry[]; dir: string }): string {
  if (r.results.length === 0) return `No stored results in ${r.dir} yet: \`ddbs-test run\` or \`ddbs-test count\` store one per run.`;
  const table = new Table({ head: ['run id', 'measured', 'by', 'target', 'cells', 'table', 'written', 'verdict'], style: { head: [], border: [] } });
  for (const e of r.results) table.push([e.runId, e.measuredAt, e.command, e.target, String(e.cells), e.table, String(e.written), e.verdict]);
  return `${table.toString()}\n${r.results.length} stored result(s) in ${r.dir}; \`ddbs-test count --run ID\` shows one.`;
}

export function resultsCommand(deps: (opts: GlobalOptions) => CommandDeps): Command {
  const cmd = new Command('results')
    .description('list stored results, newest first (run id, when, target, cells, verdict)')
    .addHelpText('after', '\nExamples:\n  $ ddbs-test results\n  $ ddbs-test results --json');
  addCommonOptions(cmd);
  cmd.action((opts: GlobalOptions) => {
    const d = deps(opts);
    const r = runResults(d);
    d.io.result(formatResults(r), r);
  });
  return cmd;
}
