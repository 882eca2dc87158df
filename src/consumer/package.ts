// Builds the zip ddbs-test deploys: the instrumented consumer for the runtime at the zip root, plus
// the user's code (--code) when given. The Lambda handler is always ddbs_consumer.handler; the
// user's MODULE.FUNCTION (--handler) travels in DDBS_USER_MODULE / DDBS_USER_FUNCTION.
import { execFile } from 'node:child_process';
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { zipSync, type Zippable } from 'fflate';
import { UsageError } from '../errors.ts';

export interface ConsumerZipOptions {
  runtime: string;
  /** A file or a directory; a directory's contents go to the zip root. */
  codePath?: string;
  /** MODULE.FUNCTION, the module path relative to --code, e.g. `index.handler`, `src/app.handler`. */
  handler?: string;
  /** Node only: import the module in a throwaway process to check the export (default true). */
  checkExport?: boolean;
}

export interface ConsumerZip {
  zip: Uint8Array;
  handler: string;
  environment: Record<string, string>;
}

const CONSUMER_HANDLER = 'ddbs_consumer.handler';
const CONSUMER_FILES = { node: ['ddbs_consumer.mjs', 'ddbs_identity.mjs', 'ddbs_lines.mjs'], python: ['ddbs_consumer.py'] } as const;
const NODE_EXTENSIONS = ['.js', '.mjs', '.cjs'];
// Lambda rejects a directly uploaded zip above 50 MB.
const MAX_ZIP_BYTES = 50 * 1024 * 1024;
// Fixed timestamps keep the zip (and so the function's CodeSha256) identical for identical inputs.
const ZIP_MTIME = new Date(2020, 0, 1);
const FILE_ATTRS = { os: 3, attrs: 0o100644 << 16, mtime: ZIP_MTIME };
const EXEC_ATTRS = { os: 3, attrs: 0o100755 << 16, mtime: ZIP_MTIME };

type Language = keyof typeof CONSUMER_FILES;

function languageOf(runtime: string): Language {
  if (/^nodejs\d/.test(runtime)) return 'node';
  if (/^python3\.\d+$/.test(runtime)) return 'python';
  throw new UsageError(`--runtime ${runtime} is not supported`, { hint: 'use a nodejs (e.g. nodejs22.x) or python3 (e.g. python3.12) runtime' });
}

interface UserHandler {
  module: string;
  fn: string;
}

/**
 * Splits MODULE.FUNCTION as the runtime does. Node: the module is the last path segment up to its
 * first dot and the rest may be a dotted export path. Python: split at the last dot.
 */
function parseHandler(handler: string, language: Language): UserHandler {
  const slash = handler.lastIndexOf('/');
  const dir = handler.slice(0, slash + 1);
  const rest = handler.slice(slash + 1);
  const dot = language === 'node' ? rest.indexOf('.') : rest.lastIndexOf('.');
  const module = dir + rest.slice(0, Math.max(0, dot));
  const fn = dot < 0 ? '' : rest.slice(dot + 1);
  if (dot <= 0 || fn === '' || module.startsWith('/') || module.split('/').includes('..')) {
    throw new UsageError(`--handler ${handler} is not MODULE.FUNCTION`, { hint: 'e.g. --handler index.handler or --handler src/app.handler (the module path is relative to --code)' });
  }
  return { module, fn };
}

// Never shipped: VCS data, and Python bytecode compiled for the local interpreter (Lambda
// recompiles). node_modules is kept: it is the function's dependencies.
const SKIPPED_DIRS = new Set(['.git', '__pycache__']);

/** Every file under `dir` as zip path → absolute path; skips SKIPPED_DIRS, keeps node_modules. */
async function collectFiles(dir: string, prefix = '', seen = new Set<string>()): Promise<Map<string, string>> {
  const real = await realpath(dir);
  const files = new Map<string, string>();
  if (seen.has(real)) return files; // a symlink loop
  seen.add(real);
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (SKIPPED_DIRS.has(entry.name)) continue;
    const abs = join(dir, entry.name);
    const info = await stat(abs).catch(() => undefined); // follows symlinks; a dangling one is skipped
    if (info?.isDirectory()) for (const [p, a] of await collectFiles(abs, `${prefix}${entry.name}/`, seen)) files.set(p, a);
    else if (info?.isFile()) files.set(`${prefix}${entry.name}`, abs);
  }
  return files;
}

async function userFiles(codePath: string): Promise<Map<string, string>> {
  const info = await stat(codePath).catch(() => undefined);
  if (!info) throw new UsageError(`--code ${codePath}: no such file or directory`);
  if (info.isFile()) return new Map([[basename(codePath), codePath]]);
  return collectFiles(codePath);
}

function expectedModuleFiles(h: UserHandler, language: Language): string[] {
  if (language === 'node') return NODE_EXTENSIONS.map((ext) => h.module + ext);
  const path = h.module.replaceAll('.', '/'); // Python imports `src/app` and `src.app` alike
  return [`${path}.py`, `${path}/__init__.py`];
}

/** Runs `node -e` in a clean environment to learn whether the export is a function; undefined = unknown. */
function probeNodeExport(file: string, fnPath: string, cwd: string): Promise<{ type: string; exports: string[] } | undefined> {
  const marker = '__ddbs_probe__';
  const script = `const ns = await import(${JSON.stringify(pathToFileURL(file).href)});
const walk = (root) => ${JSON.stringify(fnPath)}.split('.').reduce((v, k) => (v == null ? undefined : v[k]), root);
const found = [walk(ns), walk(ns.default)].find((v) => typeof v === 'function');
const names = [...new Set([...Object.keys(ns), ...Object.keys(Object(ns.default))])].filter((k) => k !== 'default');
process.stdout.write('\\n${marker}' + JSON.stringify({ type: typeof found, exports: names }) + '\\n');
process.exit(0);`;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { cwd, env: { PATH: process.env.PATH ?? '' }, timeout: 10_000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout) => {
      const line = stdout.split('\n').find((l) => l.startsWith(marker));
      if (err || !line) return resolve(undefined); // could not import it here (missing deps, side effects): don't guess
      resolve(JSON.parse(line.slice(marker.length)) as { type: string; exports: string[] });
    });
  });
}

/** The consumer zip for `runtime`, with the user's code when `codePath` is given. */
export async function buildConsumerZip(opts: ConsumerZipOptions): Promise<ConsumerZip> {
  const language = languageOf(opts.runtime);
  if (opts.codePath !== undefined && !opts.handler) throw new UsageError('--code needs --handler MODULE.FUNCTION', { hint: 'e.g. --code ./app --handler index.handler' });
  if (opts.handler && opts.codePath === undefined) throw new UsageError('--handler needs --code PATH (the file or directory holding the handler module)');

  const entries: Zippable = {};
  for (const name of CONSUMER_FILES[language]) {
    entries[name] = [await readFile(new URL(`./${name}`, import.meta.url)), FILE_ATTRS];
  }
  const environment: Record<string, string> = {};

  if (opts.codePath !== undefined && opts.handler) {
    const h = parseHandler(opts.handler, language);
    const files = await userFiles(opts.codePath);
    for (const name of Object.keys(entries)) {
      if (files.has(name)) throw new UsageError(`--code ${opts.codePath} contains ${name}, a file name ddbs-test reserves for its consumer`, { hint: 'rename that file' });
    }
    const expected = expectedModuleFiles(h, language);
    const found = expected.find((p) => files.has(p));
    if (!found) {
      const hint = language === 'node' && files.has(`${h.module}.ts`) ? 'compile TypeScript to JavaScript first: Lambda runs .js, .mjs or .cjs' : `the module path is relative to --code (${files.size} files found there)`;
      throw new UsageError(`--handler ${opts.handler}: expected ${expected.join(' or ')} in --code ${opts.codePath}, found none`, { hint });
    }
    if (language === 'node' && opts.checkExport !== false) {
      const probe = await probeNodeExport(files.get(found)!, h.fn, (await stat(opts.codePath)).isDirectory() ? opts.codePath : join(opts.codePath, '..'));
      if (probe && probe.type !== 'function') {
        throw new UsageError(`--handler ${opts.handler}: ${found} does not export a function ${h.fn} (exports: ${probe.exports.join(', ') || 'none'})`);
      }
    }
    for (const [path, abs] of files) {
      const info = await stat(abs);
      entries[path] = [await readFile(abs), info.mode & 0o111 ? EXEC_ATTRS : FILE_ATTRS];
    }
    environment.DDBS_USER_MODULE = h.module;
    environment.DDBS_USER_FUNCTION = h.fn;
  }

  const zip = zipSync(entries, { level: 6 });
  if (zip.byteLength > MAX_ZIP_BYTES) {
    throw new UsageError(`--code ${opts.codePath}: the zipped package is ${(zip.byteLength / 1048576).toFixed(1)} MB; Lambda accepts at most 50 MB uploaded directly`, { hint: 'leave out dev dependencies, or use a layer' });
  }
  return { zip, handler: CONSUMER_HANDLER, environment };
}
