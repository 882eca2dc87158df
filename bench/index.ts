// `npm run bench [-- name...]`: runs the benchmarks and prints one JSON line per benchmark.
// Figures and the machine go into BENCHMARKS.md by hand (this machine is shared: quote medians).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const benches: Record<string, () => Promise<Record<string, unknown>>> = {
  tables: async () => (await import('./tables.ts')).benchTables(),
  esm: async () => (await import('./esm.ts')).benchEsm(),
  seed: async () => (await import('./seed.ts')).benchSeed(),
  reconcile: async () => (await import('./reconcile.ts')).benchReconcile(),
  series: async () => (await import('./series.ts')).benchSeries(),
  quickstart: async () => (await import('./quickstart.ts')).benchQuickStart(),
  soak: async () => (await import('./soak.ts')).benchSoak(),
  startup: async () => (await import('./startup.ts')).benchStartup(),
  shards: async () => (await import('./shards.ts')).benchShards(),
  'shards-memory': async () => (await import('./shards.ts')).benchShardsMemory(),
  'stream-read': async () => (await import('./stream-read.ts')).benchStreamRead(),
  'count-stream': async () => (await import('./count-stream.ts')).benchCountStream(),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length > 0 ? wanted : Object.keys(benches);
for (const name of names) {
  const bench = benches[name];
  if (!bench) {
    process.stderr.write(`unknown benchmark '${name}'; known: ${Object.keys(benches).join(', ')}\n`);
    process.exitCode = 2;
    continue;
  }
  process.stdout.write(`${JSON.stringify(await bench())}\n`);
}
