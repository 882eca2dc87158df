// The modules bin/ runs, by name: from the bundle in dist/ while it matches the sources (see
// scripts/build.mjs), otherwise the TypeScript sources through tsx. One answer per process, so a
// process never mixes the two (the bundle's classes are not the sources' classes).
import fs from 'node:fs';

/** What bin/ imports, and the source each comes from. */
export const ENTRIES = {
  cli: 'src/cli.ts',
  reporter: 'src/output/reporter.ts',
  errors: 'src/errors.ts',
  'early-start': 'src/local/early-start.ts',
  daemon: 'src/local/daemon.ts',
};

/**
 * True when `root`/dist was built from exactly the sources on disk: every input the build read has
 * the size and modification time it had then, and every entry bin/ needs is there.
 * @param {URL} root the package folder (ends with a slash)
 */
export function bundleMatchesSources(root) {
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(new URL('dist/manifest.json', root), 'utf8'));
  } catch {
    return false;
  }
  for (const [file, [size, mtimeMs]] of Object.entries(manifest.inputs ?? {})) {
    let stat;
    try {
      stat = fs.statSync(new URL(file, root));
    } catch {
      return false;
    }
    if (stat.size !== size || stat.mtimeMs !== mtimeMs) return false;
  }
  return Object.keys(ENTRIES).every((name) => manifest.entries?.includes(name));
}

let useBundle;

export async function load(name) {
  if (!(name in ENTRIES)) throw new Error(`bin/load.mjs: no module named ${name}`);
  if (useBundle === undefined) {
    useBundle = bundleMatchesSources(new URL('../', import.meta.url));
    if (!useBundle) (await import('tsx/esm/api')).register();
  }
  return import(useBundle ? `../dist/${name}.mjs` : `../${ENTRIES[name]}`);
}
