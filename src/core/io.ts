// What the run functions say while they work. They emit typed events; one reporter (built once in
// bin/) decides how each is shown: a spinner in a terminal, plain lines at a steady pace in a log,
// and nothing but the result document on stdout with --json.

/** How far a long phase has come. */
export interface ProgressEvent {
  /** What is being done, e.g. "Seeding t1" or "cell 2/4 · Counting abc123". */
  phase: string;
  done: number;
  total?: number;
  /** What `done` counts, plural: "items", "records delivered", "resources", "steps". */
  unit: string;
  /** Units per second so far. */
  rate?: number;
  /** Seconds left at the current rate. */
  etaSec?: number;
  /** Anything else worth a glance: "3 retries", "p99 120 ms", "waiting for the mapping". */
  detail?: string;
}

export interface IoHost {
  /** --json: the result goes out as one document. */
  readonly json: boolean;
  /**
   * Starts a long phase (a line, or a spinner in a terminal); an open phase ends first. `label`
   * names the phase on its progress lines (default: the title).
   */
  phase(title: string, label?: string): void;
  /** Where the open phase stands. */
  progress(event: ProgressEvent): void;
  /** Ends the open phase: "✓ summary", or "✗ summary" when it did not get everything done. */
  phaseEnd(summary?: string, ok?: boolean): void;
  info(message: string): void;
  warn(message: string): void;
  /** The command's result: `human` text for people, `document` for --json. */
  result(human: string, document: unknown): void;
  /** Marks the open phase failed and prints the error with its hint (the stack only with debug). */
  error(err: unknown, debug?: boolean): void;
}

/** The same host, with every progress line labelled by `scope` (e.g. the run's "cell 2/4"). */
export function scopedIo(io: IoHost, scope: string): IoHost {
  return {
    json: io.json,
    phase: (t, label) => io.phase(t, `${scope} · ${label ?? t}`),
    progress: (e) => io.progress({ ...e, phase: `${scope} · ${e.phase}` }),
    phaseEnd: (s, ok) => io.phaseEnd(s, ok),
    info: (m) => io.info(m),
    warn: (m) => io.warn(m),
    result: (h, d) => io.result(h, d),
    error: (e, d) => io.error(e, d),
  };
}

/**
 * A host for work done ahead, in the background: it holds what it is told until `replay(io)` tells
 * it all to `io`, in order, and passes everything after that straight on. Progress is not held
 * (by the time it would be shown it is stale).
 */
export function deferredIo(json: boolean): IoHost & { replay(to: IoHost): void } {
  const held: Array<(io: IoHost) => void> = [];
  let target: IoHost | undefined;
  const tell = (call: (io: IoHost) => void) => (target ? call(target) : held.push(call));
  return {
    json,
    phase: (t, label) => tell((io) => io.phase(t, label)),
    progress: (e) => target?.progress(e),
    phaseEnd: (s, ok) => tell((io) => io.phaseEnd(s, ok)),
    info: (m) => tell((io) => io.info(m)),
    warn: (m) => tell((io) => io.warn(m)),
    result: (h, d) => tell((io) => io.result(h, d)),
    error: (e, d) => tell((io) => io.error(e, d)),
    replay(to) {
      target = to;
      for (const call of held.splice(0)) call(to);
    },
  };
}
