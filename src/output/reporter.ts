// The only code that writes to the terminal. Results go to stdout (one JSON document with --json),
// everything else (progress, spinners, warnings, errors) to stderr. Plain lines without a TTY,
// with NO_COLOR or on CI.
import ora, { type Ora } from 'ora';
import type { Writable } from 'node:stream';
import { DdbsError } from '../errors.ts';

export interface Spinner {
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  stop(): void;
}

export interface Reporter {
  readonly json: boolean;
  readonly interactive: boolean;
  /** A progress or status line on stderr. */
  info(message: string): void;
  warn(message: string): void;
  /** A spinner on stderr in a TTY; plain start/end lines otherwise. */
  spinner(text: string): Spinner;
  /** The command's result: `human` text for people, `document` for --json. */
  result(human: string, document: unknown): void;
  error(err: unknown, debug?: boolean): void;
}

export interface ReporterOptions {
  json: boolean;
  stdout?: Writable & { isTTY?: boolean };
  stderr?: Writable & { isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
}

export function createReporter(opts: ReporterOptions): Reporter {
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  const env = opts.env ?? process.env;
  const interactive = Boolean(stderr.isTTY) && !env.CI && !env.NO_COLOR && env.TERM !== 'dumb';
  let active: Ora | undefined;

  const line = (text: string): void => {
    if (active?.isSpinning) {
      active.clear();
      stderr.write(`${text}\n`);
      active.render();
    } else stderr.write(`${text}\n`);
  };

  return {
    json: opts.json,
    interactive,
    info: (m) => line(m),
    warn: (m) => line(`warning: ${m}`),
    spinner(text) {
      if (!interactive) {
        stderr.write(`${text}\n`);
        let last = text;
        return {
          update: (t) => {
            last = t;
          },
          succeed: (t) => stderr.write(`✓ ${t ?? last}\n`),
          fail: (t) => stderr.write(`✗ ${t ?? last}\n`),
          stop: () => {},
        };
      }
      const s = ora({ text, stream: stderr, discardStdin: false }).start();
      active = s;
      return {
        update: (t) => {
          s.text = t;
        },
        succeed: (t) => {
          s.succeed(t);
          active = undefined;
        },
        fail: (t) => {
          s.fail(t);
          active = undefined;
        },
        stop: () => {
          s.stop();
          active = undefined;
        },
      };
    },
    result(human, document) {
      if (opts.json) stdout.write(`${JSON.stringify(document, null, 2)}\n`);
      else if (human.length > 0) stdout.write(human.endsWith('\n') ? human : `${human}\n`);
    },
    error(err, debug = false) {
      active?.stop();
      if (err instanceof DdbsError) {
        stderr.write(`error: ${err.message}\n`);
        if (err.hint) stderr.write(`hint: ${err.hint}\n`);
        const cause = err.cause as Error | undefined;
        if (debug && cause?.stack) stderr.write(`${cause.stack}\n`);
        if (opts.json && !err.resultPrinted) stdout.write(`${JSON.stringify(err.toJSON(), null, 2)}\n`);
        return;
      }
      const e = err as Error;
      stderr.write(`error: unexpected failure: ${e?.message ?? String(err)}\n`);
      stderr.write('hint: this is a bug in ddbs-test; rerun with DDBS_TEST_DEBUG=1 for the stack trace and report it\n');
      if (debug && e?.stack) stderr.write(`${e.stack}\n`);
    },
  };
}
