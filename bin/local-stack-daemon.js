#!/usr/bin/env node
// Entry of the background local stack process (started by `ddbs-test local start` and by commands
// that need the stack). Arguments: --home DIR --port N --region R [--shards N]; DDBS_TEST_ALLOW_ORIGINS
// and the DDBS_TEST_SHARD* settings from the environment (the supervisor passes them through).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { load } = await import('./load.mjs');
const { runDaemon } = await load('daemon');
const arg = (name) => process.argv[process.argv.indexOf(name) + 1];
const code = await runDaemon({ home: arg('--home'), port: Number(arg('--port')), region: arg('--region') ?? 'us-east-1', allowOrigins: process.env.DDBS_TEST_ALLOW_ORIGINS, ...(process.argv.includes('--shards') ? { shards: Number(arg('--shards')) } : {}) });
process.exit(code);
