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

/** When this build began: a source changed after it may not be in the bundle. */
const startedMs = Date.now();
let result;
try {
  result = await build({
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
} catch (err) {
  fs.rmSync(STAGING, { recursive: true, force: true });
  throw err;
}

// What the bundle was made from: every module, and the compiler settings esbuild read. A source
// saved (or removed) while the build ran may or may not be in it: then no manifest, and bin/ runs
// the sources until the next build.
const inputs = {};
let changedDuringBuild = false;
try {
  for (const input of [...Object.keys(result.metafile.inputs), 'tsconfig.json']) {
    const file = path.resolve(ROOT, input);
    let stat;
    try {
      stat = fs.statSync(file);
    } catch {
      changedDuringBuild = true;
      continue;
    }
    if (stat.mtimeMs >= startedMs) changedDuringBuild = true;
    inputs[path.relative(ROOT, file).split(path.sep).join('/')] = [stat.size, stat.mtimeMs];
  }
  if (!changedDuringBuild) fs.writeFileSync(path.join(STAGING, 'manifest.json'), `${JSON.stringify({ entries: Object.keys(ENTRIES), inputs })}\n`);
  else console.warn('build: a source changed during the build; run `npm run build` again to use the bundle');

  // The old bundle is moved aside and the new one renamed in (a process loading the bundle in the
  // instant between may fail once; bin/ then undoes what it began). When another build swapped its
  // own in first, that one stays and this one is dropped.
  const aside = `${DIST}.old-${process.pid}`;
  try {
    if (fs.existsSync(DIST)) fs.renameSync(DIST, aside);
    fs.renameSync(STAGING, DIST);
  } catch (err) {
    if (!fs.existsSync(path.join(DIST, 'manifest.json'))) console.warn(`build: dist/ was not replaced (${err.message}); bin/ runs the sources until the next build`);
  } finally {
    fs.rmSync(aside, { recursive: true, force: true });
  }
} finally {
  fs.rmSync(STAGING, { recursive: true, force: true });
}
