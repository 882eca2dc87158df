// Every default a flag has, in one place: the flag declarations show and apply them, and `run`
// passes the same values to the steps it chains, so a cell behaves like the commands run by hand.
export const DEFAULTS = {
  seed: {
    items: 1000,
    concurrency: 16,
    itemSizeBytes: 128,
  },
  count: {
    idleS: 30,
    timeoutS: 600,
    pollMs: 1000,
  },
  consumer: {
    batchSize: 100,
    batchWindowS: 0,
    parallelizationFactor: 1,
    startingPosition: 'TRIM_HORIZON',
    maxRetries: -1,
    maxRecordAgeS: -1,
    memoryMb: 256,
    timeoutS: 30,
    workMs: 0,
    failRate: 0,
  },
  run: {
    items: [1000, 10_000],
    batch: [1, 10],
    /** A cell's count gives up after this long (longer than count's own: cells can be large). */
    cellTimeoutS: 900,
    /** A cell polls the logs twice as often as a hand-run count: its run is known to be in flight. */
    countPollMs: 500,
    /**
     * On the local stack a cell polls every 100 ms: a read there is one in-memory query, and its
     * lines are readable as soon as an invocation ends (no ingestion delay), so a longer pause only
     * adds to every cell's time. AWS keeps 500 ms: CloudWatch Logs' read quotas are per account.
     */
    countPollMsLocal: 100,
  },
} as const;
