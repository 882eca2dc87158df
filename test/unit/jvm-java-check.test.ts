// The Java check runs beside DynamoDB Local's boot, but its verdict still comes first: no Java, or a
// Java too old, is reported as such rather than as a JVM that exited.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDynamoDbLocal } from '../../src/local/dynamodb/jvm.ts';
import { LocalStackError } from '../../src/errors.ts';

const saved = process.env.JAVA_HOME;
const made: string[] = [];
afterEach(() => {
  if (saved === undefined) delete process.env.JAVA_HOME;
  else process.env.JAVA_HOME = saved;
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A JAVA_HOME whose `java` claims `version` for -version and fails to run anything else. */
function fakeJavaHome(version: string): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-fake-java-'));
  made.push(home);
  fs.mkdirSync(path.join(home, 'bin'));
  const script = `#!/bin/sh\nif [ "$1" = "-version" ]; then echo 'openjdk version "${version}" 2019-01-15' >&2; exit 0; fi\necho 'Error: UnsupportedClassVersionError' >&2\nexit 1\n`;
  fs.writeFileSync(path.join(home, 'bin', 'java'), script, { mode: 0o755 });
  return home;
}

describe('startDynamoDbLocal: the Java check', () => {
  it('no Java at all: "Java was not found", not a spawn error', async () => {
    process.env.JAVA_HOME = path.join(os.tmpdir(), 'ddbs-no-such-java-home');
    await assert.rejects(startDynamoDbLocal({ log: () => {} }), (err: unknown) => err instanceof LocalStackError && /Java was not found/.test(err.message));
  });

  it('a Java too old: names the version found and the one needed, not the JVM that exited', async () => {
    process.env.JAVA_HOME = fakeJavaHome('11.0.2');
    await assert.rejects(startDynamoDbLocal({ log: () => {} }), (err: unknown) => err instanceof LocalStackError && /Java 11 found, but DynamoDB Local needs Java 17/.test(err.message));
  });

  it('skipJavaCheck (a restart): the JVM that exited is what is reported', async () => {
    process.env.JAVA_HOME = fakeJavaHome('11.0.2');
    await assert.rejects(startDynamoDbLocal({ log: () => {}, skipJavaCheck: true }), /DynamoDB Local exited with .* before it was ready: .*UnsupportedClassVersionError/);
  });
});
