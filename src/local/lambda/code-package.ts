// Deployment packages: Code.ZipFile (base64 zip) unpacked with fflate into a directory of its own under the
// service's temp root, which the service removes when the function is deleted or the stack closes.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { invalidParameter } from './errors.ts';

export interface UnpackedCode {
  dir: string;
  sha256: string;
  size: number;
}

const BAD_ZIP = 'Could not unzip uploaded file. Please check your file, then try to upload again.';

/** Owns the temp root; creates it on first use so an unused service touches no disk. */
export class CodeStore {
  private root: Promise<string> | undefined;

  private rootDir(): Promise<string> {
    return (this.root ??= mkdtemp(path.join(os.tmpdir(), 'ddbs-lambda-')));
  }

  async unpack(functionName: string, code: unknown): Promise<UnpackedCode> {
    const zipFile = (code as { ZipFile?: unknown } | undefined)?.ZipFile;
    if (typeof zipFile !== 'string' || zipFile.length === 0) {
      const other = code !== null && typeof code === 'object' && Object.values(code).some((x) => x !== undefined);
      throw invalidParameter(other ? 'The local stack only accepts Code.ZipFile (S3 and image code are not available locally).' : BAD_ZIP);
    }
    const zip = Buffer.from(zipFile, 'base64');
    let entries: Record<string, Uint8Array>;
    try {
      entries = unzipSync(zip);
    } catch {
      throw invalidParameter(BAD_ZIP);
    }
    const dir = await mkdtemp(path.join(await this.rootDir(), `${functionName}-`));
    for (const [name, data] of Object.entries(entries)) {
      if (name.endsWith('/')) continue;
      const target = path.resolve(dir, name);
      if (!target.startsWith(dir + path.sep)) throw invalidParameter(BAD_ZIP); // zip-slip guard
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, data);
    }
    return { dir, sha256: createHash('sha256').update(zip).digest('base64'), size: zip.length };
  }

  async remove(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true });
  }

  async close(): Promise<void> {
    if (this.root) await rm(await this.root, { recursive: true, force: true });
  }
}
