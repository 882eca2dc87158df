// GetFunction: GET /2015-03-31/functions/{name} → Configuration, Code location, Tags.
import { toFunctionConfiguration } from '../function-record.ts';
import { optionalString, type LambdaOperation } from '../service-state.ts';

export const getFunction: LambdaOperation = (state, input) => {
  const fn = state.registry.get(String(input.FunctionName), optionalString(input, 'Qualifier'));
  const out: Record<string, unknown> = {
    Configuration: toFunctionConfiguration(fn, state.ctx.region),
    // AWS hands out a presigned S3 URL here; locally the code is not downloadable.
    Code: { RepositoryType: 'S3', Location: `${state.ctx.url()}/2015-03-31/functions/${fn.name}/code-package` },
  };
  if (Object.keys(fn.tags).length > 0) out.Tags = { ...fn.tags };
  return out;
};
