#!/usr/bin/env node
// Bundles what bin/ loads into dist/ (run by `npm ci` / `npm install` through the prepare script).
// Loading the TypeScript sources through tsx costs every process most of a second of CPU (a
// transform and a loader round trip per module); the bundle loads in a fraction of that, which
// matters most while the local stack's JVM boots on the same two cores. bin/ uses the bundle only
// while it matches the sources (dist/manifest.json: size and mtime of every input), and tsx otherwise,
// so an edited source is never run stale.
//
// The sources find files beside themselves through import.meta.url (the runtime, the consumer, the
// Java launcher, package.json); in a bundle that URL is the bundle's. Each use is rewritten to the
// source file's own URL, relative to dist/, so the bundle keeps working wherever the folder moves.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENTRIES } from '../bin/load.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');
const STAGING = path.join(ROOT, `dist.staging-${process.pid}`);


const ownUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.(ts|mjs)$/ }, async (args) => {
      const text = await fs.promises.readFile(args.path, 'utf8');
      const relative = path.relative(DIST, args.path).split(path.sep).join('/');
      const contents = text.replaceAll('import.meta.url', `new URL(${JSON.stringify(relative)}, import.meta.url).href`);
      return { contents, loader: args.path.endsWith('.ts') ? 'ts' : 'js' };
    });
  },
};

const result = await build({
  absWorkingDir: ROOT,
  entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, path.join(ROOT, file)])),
  outdir: STAGING,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  keepNames: true,
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
  plugins: [ownUrl],
});

const inputs = {};
for (const input of Object.keys(result.metafile.inputs)) {
  const file = path.resolve(ROOT, input);
  const stat = fs.statSync(file);
  inputs[path.relative(ROOT, file).split(path.sep).join('/')] = [stat.size, stat.mtimeMs];
}
fs.writeFileSync(path.join(STAGING, 'manifest.json'), `${JSON.stringify({ entries: Object.keys(ENTRIES), inputs })}\n`);
// Swap in whole: a process starting meanwhile sees the old bundle or the new one, never half.
fs.rmSync(DIST, { recursive: true, force: true });
fs.renameSync(STAGING, DIST);
