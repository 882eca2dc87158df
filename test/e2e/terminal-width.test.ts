// `run` in a real terminal: tmux gives the CLI a pseudo-terminal of a chosen width, and the pane's
// contents are what a person sees. At 80 columns no line of run's output (status lines and the
// result table) may be longer than 80 characters; at 200 columns the table shows every column.
// Each tmux server is private: its socket is a file in the sandbox's home (-S, where -L would leave
// it in the shared /tmp/tmux-UID), and it is the only server this test kills.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { BIN, createCliSandbox, type CliSandbox } from '../helpers/cli.ts';
import { until } from '../helpers/until.ts';
import { RESULT_COLUMN_HEADS } from '../../src/output/result-table.ts';

const run = promisify(execFile);

function tmuxVersion(): string | undefined {
  try {
    return execFileSync('tmux', ['-V'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

const missing = tmuxVersion() === undefined;
if (missing && process.env.CI) throw new Error('tmux is missing: the terminal-width test needs it (apt-get install tmux)');
const skip = missing ? 'tmux not found: install tmux to run the terminal-width test' : false;

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

interface PaneOutput {
  exitCode: number;
  paneWidth: number;
  /** The pane's lines, wrapped lines joined back into one (what the program wrote as one line). */
  lines: string[];
}

/**
 * Runs the CLI as the only program of a fresh tmux session `columns` wide, waits for the exit code
 * it leaves in a marker file, and returns the whole pane (scrollback included).
 */
async function runInTerminal(box: CliSandbox, columns: number, args: string[]): Promise<PaneOutput> {
  const socket = path.join(box.home, `tmux-${columns}`);
  const marker = path.join(box.home, `exit-${columns}`);
  const cli = [process.execPath, BIN, ...args].map(quote).join(' ');
  // The pane stays open after the CLI exits (tail blocks) so its contents can be read.
  const script = `${cli}; echo $? > ${quote(`${marker}.tmp`)} && mv ${quote(`${marker}.tmp`)} ${quote(marker)}; exec tail -f /dev/null`;
  // A person's terminal: no CI, no NO_COLOR, so the CLI shows its spinners as it would to them.
  const env = {
    PATH: process.env.PATH,
    HOME: box.home,
    TERM: 'xterm-256color',
    DDBS_TEST_HOME: box.home,
    DDBS_TEST_LOCAL_PORT: String(box.port),
    ...(process.env.JAVA_HOME ? { JAVA_HOME: process.env.JAVA_HOME } : {}),
  };
  const tmux = (...a: string[]) => run('tmux', ['-S', socket, '-f', '/dev/null', ...a], { env });
  await tmux('new-session', '-d', '-s', 'width', '-x', String(columns), '-y', '50', script);
  try {
    const exitText = await until(`the CLI in tmux (${columns} columns) to exit`, async () => (fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8') : undefined), 300_000);
    const width = await tmux('display-message', '-p', '-t', 'width', '#{pane_width}');
    // -J joins lines the terminal wrapped, so a line longer than the pane comes back whole.
    const pane = await tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'width');
    return { exitCode: Number(exitText.trim()), paneWidth: Number(width.stdout.trim()), lines: pane.stdout.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '') };
  } finally {
    await tmux('kill-server').catch(() => undefined);
  }
}

/** The column heads of the result table, read from its heading row. */
function tableHeads(lines: string[]): string[] {
  const row = lines.find((l) => /^│ items +│/.test(l));
  assert.ok(row, `a result table in:\n${lines.join('\n')}`);
  return row.split('│').map((h) => h.trim()).filter(Boolean);
}

describe('run in a real terminal (tmux)', { skip }, () => {
  let box: CliSandbox;
  before(async () => {
    box = await createCliSandbox();
  });
  after(() => box?.cleanup());

  it('at 80 columns no line of the output is longer than 80 characters', async () => {
    const out = await runInTerminal(box, 80, ['run', '--items', '200', '--batch', '1,10']);
    assert.equal(out.paneWidth, 80);
    assert.equal(out.exitCode, 0, out.lines.join('\n'));
    const long = out.lines.filter((l) => [...l].length > 80);
    assert.deepEqual(long, [], `lines longer than 80 characters:\n${long.join('\n')}`);
    assert.ok(out.lines.some((l) => l.startsWith('COMPLETE: all 400 written records')), out.lines.join('\n'));
    // What fits are the columns that say whether everything arrived.
    const heads = tableHeads(out.lines);
    for (const essential of ['items', 'batch', 'written', 'delivered', 'lost', 'verdict']) assert.ok(heads.includes(essential), `${essential} in ${heads.join(', ')}`);
    assert.ok(heads.length < RESULT_COLUMN_HEADS.length, 'some columns were dropped to fit');
  });

  it('at 200 columns the table shows every column', async () => {
    const out = await runInTerminal(box, 200, ['run', '--items', '200', '--batch', '1,10']);
    assert.equal(out.paneWidth, 200);
    assert.equal(out.exitCode, 0, out.lines.join('\n'));
    assert.deepEqual(tableHeads(out.lines), RESULT_COLUMN_HEADS);
    assert.ok(out.lines.every((l) => [...l].length <= 200));
  });
});
