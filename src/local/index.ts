// The local stack's public face: what commands, tests and benchmarks use. Everything else under
// src/local/ is the emulator's inside and may change shape without notice.

/** The background stack of one DDBS_TEST_HOME: start it, ask whether it runs, stop it. */
export { startStack, stopStack, inspectStack } from './supervisor.ts';
export { probePort } from './health-probe.ts';
export { isAlive } from './processes.ts';
export type { JvmHealth } from './dynamodb/jvm-supervisor.ts';
/** How many shards a local table's stream may have. */
export { MAX_SHARDS, MIN_SHARDS } from './dynamodb/streams/settings.ts';
export { stackLogFile, type StackInfo } from './daemon.ts';
/** An in-process stack (tests and benchmarks): `createLocalStack({ port: 0 })` → `{ url, close() }`. */
export { createLocalStack, type LocalStack, type LocalStackOptions } from './server.ts';
/** What DynamoDB Local needs, and a raw DynamoDB Local for baselines. */
export { checkJava, freePort, startDynamoDbLocal } from './dynamodb/jvm.ts';
