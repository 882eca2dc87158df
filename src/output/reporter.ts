// The only code that writes to the terminal: the IoHost the run functions talk to. Results go to
// stdout (one JSON document with --json), everything else (phases, progress, warnings, errors) to
// stderr. In a terminal a phase is a spinner; without one (a pipe, a CI log, NO_COLOR, TERM=dumb)
// it is a start line, a progress line at a steady pace and an end line, so a log shows a long
// phase moving without a line per event. With --json there is no spinner and no progress line.
import ora, { type Ora } from 'ora';
import type { Writable } from 'node:stream';
import { DdbsError } from '../errors.ts';
import type { IoHost, ProgressEvent } from '../core/io.ts';
import { wrapText } from './result-table.ts';

export interface ReporterOptions {
  json: boolean;
  stdout?: Writable & { isTTY?: boolean };
  stderr?: Writable & { isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
  /** Without a terminal: one progress line per this many ms while a phase is open (default 2000). */
  progressIntervalMs?: number;
  now?: () => number;
}

/** "Seeding t1: 4,200/10,000 items (1,050/s, ETA 6 s, 3 retries)". */
export function progressText(e: ProgressEvent): string {
  const n = (v: number): string => Math.round(v).toLocaleString('en-US');
  const extras = [
    e.rate !== undefined ? `${n(e.rate)}/s` : '',
    e.etaSec !== undefined ? `ETA ${e.etaSec < 1 ? '<1' : n(e.etaSec)} s` : '',
    e.detail ?? '',
  ].filter(Boolean);
  return `${e.phase}: ${n(e.done)}${e.total !== undefined ? `/${n(e.total)}` : ''} ${e.unit}${extras.length ? ` (${extras.join(', ')})` : ''}`;
}

interface OpenPhase {
  /** How progress lines name the phase before it reports any progress. */
  label: string;
  startedAt: number;
  latest?: ProgressEvent;
  /** The end line's default text: the title, or the spinner's latest text. */
  text: string;
  timer?: NodeJS.Timeout;
}

export function createReporter(opts: ReporterOptions): IoHost {
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  const env = opts.env ?? process.env;
  const now = opts.now ?? Date.now;
  const interval = opts.progressIntervalMs ?? 2000;
  const interactive = !opts.json && Boolean(stderr.isTTY) && !env.CI && !env.NO_COLOR && env.TERM !== 'dumb';
  let spinner: Ora | undefined;
  let open: OpenPhase | undefined;

  // In a terminal, a line that stays on screen keeps to its width (read at each write: terminals are
  // resized): wrapped at spaces, continuation lines indented, instead of cut mid-word by the
  // terminal. `lead` is what is printed before the text (a ✓ and a space). Piped output is not
  // touched: a log or a grep wants each message on one line.
  const fit = (text: string, lead = 0): string => {
    const columns = stderr.isTTY ? (stderr as { columns?: number }).columns : undefined;
    if (!columns || columns <= lead + 10) return text;
    return text.split('\n').flatMap((l) => wrapText(l, columns - lead, '  ')).join('\n');
  };

  const line = (text: string): void => {
    if (spinner?.isSpinning) {
      spinner.clear();
      stderr.write(`${fit(text)}\n`);
      spinner.render();
    } else stderr.write(`${fit(text)}\n`);
  };

  // Without a terminal, an open phase prints where it stands every `interval`, whether or not it
  // reported anything new: a log shows a long phase alive at a steady pace, one line at a time.
  // The timer is re-armed after each line (never setInterval) and unref'd: it never keeps the
  // process up.
  const heartbeat = (phase: OpenPhase): void => {
    clearTimeout(phase.timer);
    phase.timer = setTimeout(() => {
      const secs = Math.round((now() - phase.startedAt) / 1000);
      stderr.write(`${fit(`${phase.latest ? progressText(phase.latest) : `${phase.label}: working`} [${secs} s]`)}\n`);
      heartbeat(phase);
    }, interval);
    phase.timer.unref();
  };

  const close = (): void => {
    clearTimeout(open?.timer);
    open = undefined;
    spinner = undefined;
  };

  const end = (summary: string | undefined, ok: boolean): void => {
    const text = summary ?? open?.text;
    const shown = text === undefined ? undefined : fit(text, 2);
    if (spinner) {
      if (ok) spinner.succeed(shown);
      else spinner.fail(shown);
    } else if (shown !== undefined) stderr.write(`${ok ? '✓' : '✗'} ${shown}\n`);
    close();
  };

  return {
    json: opts.json,
    phase(title, label = title) {
      spinner?.stopAndPersist();
      close();
      open = { label, text: title, startedAt: now() };
      if (interactive) spinner = ora({ text: title, stream: stderr, discardStdin: false }).start();
      else stderr.write(`${fit(title)}\n`);
      if (!interactive && !opts.json) heartbeat(open);
    },
    progress(event) {
      if (opts.json || !open) return;
      open.latest = event;
      if (spinner) spinner.text = open.text = progressText(event);
    },
    phaseEnd(summary, ok = true) {
      end(summary, ok);
    },
  info: (m) => line(m),
    warn: (m) => line(`warning: ${m}`),
    result(human, document) {
      if (opts.json) stdout.write(`${JSON.stringify(document, null, 2)}\n`);
      else if (human.length > 0) stdout.write(human.endsWith('\n') ? human : `${human}\n`);
    },
    error(err, debug = false) {
      if (open) end(undefined, false);
      if (err instanceof DdbsError) {
        stderr.write(`${fit(`error: ${err.message}`)}\n`);
        if (err.hint) stderr.write(`${fit(`hint: ${err.hint}`)}\n`);
        const cause = err.cause as Error | undefined;
        if (debug && cause?.stack) stderr.write(`${cause.stack}\n`);
        if (opts.json && !err.resultPrinted) stdout.write(`${JSON.stringify(err.toJSON(), null, 2)}\n`);
        return;
      }
      const e = err as Error;
      stderr.write(`${fit(`error: unexpected failure: ${e?.message ?? String(err)}`)}\n`);
      stderr.write(`${fit('hint: this is a bug in ddbs-test; rerun with DDBS_TEST_DEBUG=1 for the stack trace and report it')}\n`);
      if (debug && e?.stack) stderr.write(`${e.stack}\n`);
    },
  };
}
