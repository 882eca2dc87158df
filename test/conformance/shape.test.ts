// The recording comparer itself (test/helpers/shape.ts): it must accept a faithful document and name
// every kind of difference: a missing key, an extra key, a type change, a wrong literal, a bad placeholder
// shape, an inconsistent placeholder binding and a key-order change.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RECORDED_ACCOUNT, assertShape, compareShape, loadRecording, type Mismatch } from '../helpers/shape.ts';

const SUBS = { substitutions: { [RECORDED_ACCOUNT]: '000000000000' } };
const STREAM = 'arn:aws:dynamodb:us-east-1:000000000000:table/t1/stream/2025-11-25T10:00:00.123';

/** A document the way the local stack should produce the NEW_IMAGE recording. */
function goodEvent(): Record<string, unknown> {
  return {
    Records: [{
      eventID: 'ab0ed3713569f4655f353e5ef61a88c4', eventName: 'INSERT', eventVersion: '1.1', eventSource: 'aws:dynamodb', awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: 1764064800, Keys: { my_partition_key: { S: 'hello world' } },
        NewImage: { binary_key: { B: 'Zm9vYmFy' }, my_partition_key: { S: 'hello world' } },
        SequenceNumber: '800000000003126276362', SizeBytes: 70, StreamViewType: 'NEW_IMAGE',
      },
      eventSourceARN: STREAM,
    }],
  };
}

const recordedEvents = () => loadRecording<unknown[]>('esm-event-new-image').recorded;
const problems = (m: Mismatch[]) => m.map((x) => `${x.path}: ${x.problem}`).join('\n');

function expectOne(actual: unknown, path: string, problem: RegExp, recorded: unknown = recordedEvents(), opts = SUBS): void {
  const { mismatches } = compareShape(recorded, actual, opts);
  assert.equal(mismatches.length, 1, problems(mismatches));
  assert.equal(mismatches[0]!.path, path);
  assert.match(mismatches[0]!.problem, problem);
}

describe('shape comparer', () => {
  it('accepts a document that matches the recording, and binds placeholders to actual values', () => {
    const r = assertShape(recordedEvents(), [goodEvent()], SUBS);
    assert.equal(r.bindings('resource:1'), 't1');
    assert.equal(r.bindings('resource:2'), '2025-11-25T10:00:00.123', 'a stream label with colons is one resource');
    assert.equal(r.bindings('region'), 'us-east-1');
  });

  it('names a missing key', () => {
    const doc = goodEvent();
    delete ((doc.Records as Array<Record<string, Record<string, unknown>>>)[0]!.dynamodb!).SizeBytes;
    expectOne([doc], '$[0].Records[0].dynamodb.SizeBytes', /missing key/);
  });

  it('names an extra key, unless the recording is an excerpt', () => {
    const doc = goodEvent();
    (doc.Records as Array<Record<string, unknown>>)[0]!.userIdentity = { type: 'Service' };
    expectOne([doc], '$[0].Records[0].userIdentity', /unexpected key/);
    assert.deepEqual(compareShape(recordedEvents(), [doc], { ...SUBS, partial: true }).mismatches, []);
  });

  it('names a type change, literal or placeholder', () => {
    const doc = goodEvent();
    (doc.Records as Array<Record<string, Record<string, unknown>>>)[0]!.dynamodb!.SizeBytes = '70';
    expectOne([doc], '$[0].Records[0].dynamodb.SizeBytes', /type: recorded number, got string/);
    const doc2 = goodEvent();
    (doc2.Records as Array<Record<string, Record<string, unknown>>>)[0]!.dynamodb!.ApproximateCreationDateTime = '1764064800';
    expectOne([doc2], '$[0].Records[0].dynamodb.ApproximateCreationDateTime', /wants a number, got string/);
  });

  it('names a wrong literal value', () => {
    const doc = goodEvent();
    (doc.Records as Array<Record<string, unknown>>)[0]!.eventVersion = '1.0';
    expectOne([doc], '$[0].Records[0].eventVersion', /recorded "1.1", got "1.0"/);
  });

  it('names a bad shape for each placeholder kind', () => {
    const cases: Array<[string, (r: Record<string, Record<string, unknown>>) => void, RegExp]> = [
      ['$[0].Records[0].eventID', (r) => (r.eventID = '0f2c6a5e-6f4e-4d5f-9a0b-6d1f0e5c2b11' as never), /event-i-d.*does not match/],
      ['$[0].Records[0].dynamodb.SequenceNumber', (r) => (r.dynamodb!.SequenceNumber = '000001'), /sequence-number.*does not match/],
      ['$[0].Records[0].dynamodb.ApproximateCreationDateTime', (r) => (r.dynamodb!.ApproximateCreationDateTime = 1764064800123), /int\(log10\(x\)\) == 9/],
      ['$[0].Records[0].awsRegion', (r) => (r.awsRegion = 'ddblocal' as never), /region.*does not match/],
      ['$[0].Records[0].eventSourceARN', (r) => (r.eventSourceARN = STREAM.replace('000000000000', '111122223333') as never), /does not fit the recorded/],
      ['$[0].Records[0].eventSourceARN', (r) => (r.eventSourceARN = STREAM.replace(':aws:', ':aws-cn:') as never), /does not fit/],
    ];
    for (const [path, mutate, problem] of cases) {
      const doc = goodEvent();
      mutate((doc.Records as Array<Record<string, Record<string, unknown>>>)[0]!);
      expectOne([doc], path, problem);
    }
    const esm = loadRecording<Record<string, unknown>>('create-event-source-mapping').recorded;
    const { mismatches } = compareShape({ UUID: esm.UUID, LastModified: esm.LastModified }, { UUID: 'not-a-uuid', LastModified: '2025-11-25T10:00:00Z' });
    assert.deepEqual(mismatches.map((m) => m.path), ['$.UUID', '$.LastModified'], problems(mismatches));
    assert.deepEqual(compareShape('<timestamp:2022-07-13T13:48:01.000Z>', '2026-01-02T03:04:05Z').mismatches.length, 1, 'timestamp keeps the recorded format');
    assert.deepEqual(compareShape('<timestamp:2022-07-13T13:48:01.000Z>', '2026-01-02T03:04:05.678Z').mismatches, []);
    assert.match(problems(compareShape('<no-such-kind:1>', 'x').mismatches), /unknown placeholder kind/);
  });

  it('holds a numbered placeholder to one value, and different numbers to different values', () => {
    const recorded = { a: '<uuid:1>', b: 'x/<uuid:1>', c: '<uuid:2>' };
    const u1 = '14e0db71-5d35-4eb5-b481-8945cf9d10c2';
    const u2 = '24e0db71-5d35-4eb5-b481-8945cf9d10c2';
    assert.deepEqual(compareShape(recorded, { a: u1, b: `x/${u1}`, c: u2 }).mismatches, []);
    assert.match(problems(compareShape(recorded, { a: u1, b: `x/${u2}`, c: u2 }).mismatches), /\$\.b: .*does not fit/);
    assert.match(problems(compareShape(recorded, { a: u1, b: `x/${u1}`, c: u1 }).mismatches), /<uuid:2> and <uuid:1> must be different/);
  });

  it('checks key order only where asked', () => {
    const recorded = { A: 1, B: 2, C: { y: 1, x: 2 } };
    const actual = { B: 2, A: 1, C: { x: 2, y: 1 } };
    assert.deepEqual(compareShape(recorded, actual).mismatches, []);
    assert.deepEqual(compareShape(recorded, actual, { keyOrder: true }).mismatches.map((m) => m.path), ['$', '$.C']);
    assert.deepEqual(compareShape(recorded, actual, { keyOrder: (p) => p === '$' }).mismatches.map((m) => m.path), ['$']);
  });

  it('reports array length and nested differences all at once', () => {
    const { mismatches } = compareShape({ xs: [1, 2], o: { k: true } }, { xs: [1], o: { k: null } });
    assert.deepEqual(mismatches.map((m) => m.path), ['$.xs', '$.o.k']);
    assert.throws(() => assertShape({ xs: [1, 2] }, { xs: [1] }), /1 difference\(s\) from the AWS recording:\n {2}\$\.xs: length/);
  });
});
