// bin/ runs the bundle in dist/ only while it matches the sources it was built from; after any
// edit (or a file gone, or a bundle missing an entry) it runs the sources through tsx.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ENTRIES, bundleMatchesSources } from '../../bin/load.mjs';

/** A package folder with two sources and a manifest taken from them as they are now. */
function builtPackage(): { root: URL; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-bundle-'));
  fs.mkdirSync(path.join(dir, 'src'));
  fs.mkdirSync(path.join(dir, 'dist'));
  const inputs: Record<string, [number, number]> = {};
  for (const [file, text] of [['src/a.ts', 'export const a = 1;\n'], ['src/b.mjs', 'export const b = 2;\n']] as const) {
    fs.writeFileSync(path.join(dir, file), text);
    const stat = fs.statSync(path.join(dir, file));
    inputs[file] = [stat.size, stat.mtimeMs];
  }
  fs.writeFileSync(path.join(dir, 'dist', 'manifest.json'), JSON.stringify({ entries: Object.keys(ENTRIES), inputs }));
  return { root: pathToFileURL(`${dir}/`), dir };
}

describe('which code bin/ runs', () => {
  it('the bundle, while every source it was built from is unchanged', () => {
    const { root, dir } = builtPackage();
    assert.equal(bundleMatchesSources(root), true);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the sources after an edit, even one that keeps the size', () => {
    const { root, dir } = builtPackage();
    const file = path.join(dir, 'src/a.ts');
    fs.writeFileSync(file, 'export const a = 9;\n');
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(file, later, later);
    assert.equal(bundleMatchesSources(root), false);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the sources when a source is gone, the manifest is missing, or an entry was not built', () => {
    const gone = builtPackage();
    fs.rmSync(path.join(gone.dir, 'src/b.mjs'));
    assert.equal(bundleMatchesSources(gone.root), false);
    const unbuilt = builtPackage();
    fs.rmSync(path.join(unbuilt.dir, 'dist', 'manifest.json'));
    assert.equal(bundleMatchesSources(unbuilt.root), false);
    const partial = builtPackage();
    const manifest = JSON.parse(fs.readFileSync(path.join(partial.dir, 'dist', 'manifest.json'), 'utf8'));
    fs.writeFileSync(path.join(partial.dir, 'dist', 'manifest.json'), JSON.stringify({ ...manifest, entries: ['cli'] }));
    assert.equal(bundleMatchesSources(partial.root), false);
    for (const p of [gone, unbuilt, partial]) fs.rmSync(p.dir, { recursive: true, force: true });
  });

  it('this checkout: a bundle, if built, that was built from the sources here', () => {
    const root = pathToFileURL(`${path.resolve(import.meta.dirname, '../..')}/`);
    const manifest = path.join(root.pathname, 'dist', 'manifest.json');
    if (!fs.existsSync(manifest)) return;
    const inputs = Object.keys((JSON.parse(fs.readFileSync(manifest, 'utf8')) as { inputs: Record<string, unknown> }).inputs);
    for (const source of Object.values(ENTRIES)) assert.ok(inputs.includes(source), `${source} is in the bundle`);
    assert.ok(inputs.includes('tsconfig.json'), 'the compiler settings count as an input');
    assert.ok(inputs.every((f) => f.startsWith('src/') || f === 'tsconfig.json'), 'only our sources are bundled (packages stay in node_modules)');
  });
});
