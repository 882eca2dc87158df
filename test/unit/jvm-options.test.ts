// DynamoDB Local's JVM options: ours first (C1 only, the serial collector), the user's
// DDBS_TEST_JAVA_OPTS after them so theirs win, and never two collectors, which the JVM refuses.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { choosesCollector, javaCommand, jvmOptions } from '../../src/local/dynamodb/jvm.ts';

function javaVersionWith(options: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(javaCommand(), [...options, '-version'], { timeout: 60_000 }, (err, _stdout, stderr) => resolve({ code: err ? 1 : 0, stderr }));
  });
}

describe("DynamoDB Local's JVM options", { timeout: 120_000 }, () => {
  it('C1 and the serial collector by default; the user\'s options follow ours', () => {
    assert.deepEqual(jvmOptions({}), ['-Xss1m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC']);
    assert.deepEqual(jvmOptions({ DDBS_TEST_JAVA_OPTS: '-Xmx2g  -XX:TieredStopAtLevel=4' }), ['-Xss1m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xmx2g', '-XX:TieredStopAtLevel=4']);
  });

  it('a collector of the user\'s replaces ours', () => {
    assert.equal(choosesCollector(['-XX:+UseG1GC']), true);
    assert.equal(choosesCollector(['-XX:+UseParallelGC', '-Xmx1g']), true);
    assert.equal(choosesCollector(['-XX:-UseSerialGC']), true);
    assert.equal(choosesCollector(['-Xmx1g', '-XX:+UseStringDeduplication']), false);
    assert.deepEqual(jvmOptions({ DDBS_TEST_JAVA_OPTS: '-XX:+UseG1GC' }), ['-Xss1m', '-XX:TieredStopAtLevel=1', '-XX:+UseG1GC']);
  });

  it('the real JVM accepts the options, with and without a collector of the user\'s', async () => {
    for (const env of [{}, { DDBS_TEST_JAVA_OPTS: '-XX:+UseG1GC' }, { DDBS_TEST_JAVA_OPTS: '-XX:+UseParallelGC -XX:TieredStopAtLevel=4' }]) {
      const res = await javaVersionWith(jvmOptions(env));
      assert.equal(res.code, 0, `${JSON.stringify(env)}: ${res.stderr}`);
    }
    // What the rule avoids: the JVM refuses two collectors.
    assert.equal((await javaVersionWith(['-XX:+UseSerialGC', '-XX:+UseG1GC'])).code, 1);
  });
});
