// UpdateFunctionCode: PUT /2015-03-31/functions/{name}/code. The new package gets its own directory; the old
// one is removed once the environments still running the old code have ended.
import { toFunctionConfiguration } from '../function-record.ts';
import type { LambdaOperation } from '../service-state.ts';
import { beginUpdate, finishUpdate } from './updateFunctionConfiguration.ts';

export const updateFunctionCode: LambdaOperation = async (state, body) => {
  const fn = state.registry.get(String(body.FunctionName));
  beginUpdate(fn, body.RevisionId);
  const code = await state.code.unpack(fn.name, { ZipFile: body.ZipFile, S3Bucket: body.S3Bucket, ImageUri: body.ImageUri });
  if (body.DryRun === true) {
    await state.code.remove(code.dir);
    return { ...toFunctionConfiguration(fn, state.ctx.region), CodeSha256: code.sha256, CodeSize: code.size };
  }
  const oldDir = fn.codeDir;
  fn.codeDir = code.dir;
  fn.codeSha256 = code.sha256;
  fn.codeSize = code.size;
  const config = finishUpdate(state, fn);
  void state.engine.retire(fn.name).then(() => state.code.remove(oldDir));
  return config;
};
