// Module resolution of the local Node.js runtime, for `import` (ESM resolve hook, registered with
// node:module register()) and for `require` (runtimeSdkRequireFallback below). AWS's Node.js 18+ runtimes
// ship the AWS SDK for JavaScript v3, so a handler may import `@aws-sdk/*` without bundling it; locally
// the SDK ddbs-test itself depends on stands in for it. Rules, as on AWS: the function's own resolution
// runs first (a copy in its node_modules wins), and only a bare `@aws-sdk/*` or `@smithy/*` specifier
// it cannot find falls back to the runtime's copy; nothing else of ddbs-test's dependencies is visible.
// Plain JS: it runs on the local `node` without tsx. No state: each runtime process loads it once.

export const RUNTIME_SDK_SPECIFIER = /^@(aws-sdk|smithy)\/[^/]/;

/** ESM resolve hook. Resolving from this file's location finds ddbs-test's own node_modules. */
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (err) {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !RUNTIME_SDK_SPECIFIER.test(specifier)) throw err;
    return nextResolve(specifier, { ...context, parentURL: import.meta.url });
  }
}

/**
 * Wraps CommonJS resolution (`Module._resolveFilename`, the one function every require goes through) with
 * the same fallback; `fromDir` is where the runtime's copy is looked up from.
 */
export function runtimeSdkRequireFallback(Module, fromDir) {
  const original = Module._resolveFilename;
  Module._resolveFilename = function resolveWithRuntimeSdk(request, parent, isMain, options) {
    try {
      return original.call(this, request, parent, isMain, options);
    } catch (err) {
      if (err?.code !== 'MODULE_NOT_FOUND' || !RUNTIME_SDK_SPECIFIER.test(request)) throw err;
      return original.call(this, request, parent, isMain, { paths: [fromDir] });
    }
  };
}
