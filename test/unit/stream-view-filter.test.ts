// count judges the mapping's filter criteria on each stream record while the read holds it whole
// (images included), as Lambda does on the event record it would deliver, and keeps only the outcome.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import { StreamFacts, droppedByFilter, filterView, seededStreamView, type StreamFact } from '../../src/core/stream-view.ts';

const ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/2026-01-01T00:00:00.000';
const source = { streamArn: ARN, region: 'us-east-1' };

function raw(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', seq: string, extra: Record<string, unknown> = {}): _Record {
  return {
    eventID: '1b2c3d4e-0000-4000-8000-000000000000', eventName, eventVersion: '1.1', eventSource: 'aws:dynamodb', awsRegion: 'ddblocal',
    dynamodb: { ApproximateCreationDateTime: new Date(1_700_000_000_000), Keys: { pk: { S: 'r1#0' } }, SequenceNumber: seq, SizeBytes: 20, StreamViewType: 'NEW_AND_OLD_IMAGES', ...extra },
  } as _Record;
}

describe('filter outcome from the whole stream record', () => {
  it('patterns on NewImage, OldImage, binary values, creation time, region and source ARN match as Lambda sees them', () => {
    const red = raw('MODIFY', '1', { NewImage: { pk: { S: 'r1#0' }, colour: { S: 'red' }, blob: { B: Uint8Array.from([1, 2, 3]) } }, OldImage: { pk: { S: 'r1#0' }, colour: { S: 'blue' } } });
    const keep = (pattern: unknown) => !droppedByFilter(filterView([JSON.stringify(pattern)], source), red);
    assert.equal(keep({ dynamodb: { NewImage: { colour: { S: ['red'] } } } }), true);
    assert.equal(keep({ dynamodb: { NewImage: { colour: { S: ['blue'] } } } }), false);
    assert.equal(keep({ dynamodb: { OldImage: { colour: { S: ['blue'] } } } }), true);
    assert.equal(keep({ dynamodb: { NewImage: { blob: { B: ['AQID'] } } } }), true, 'binary as base64, as in the event');
    assert.equal(keep({ dynamodb: { ApproximateCreationDateTime: [1_700_000_000] } }), true, 'epoch seconds, as in the event');
    assert.equal(keep({ awsRegion: ['us-east-1'], eventSourceARN: [ARN] }), true, "the function's region, not DynamoDB Local's");
    assert.equal(keep({ eventName: ['INSERT'] }), false);
    assert.equal(keep({ dynamodb: { NewImage: { colour: { S: [{ exists: false }] } } } }), false);
    assert.equal(droppedByFilter(filterView([JSON.stringify({ dynamodb: { NewImage: { colour: { S: ['red'] } } } })], source), raw('REMOVE', '2', { OldImage: { colour: { S: 'red' } } })), true);
  });

  it('a judged outcome places the record as filtered; an image pattern without one stays unknown (never guessed)', () => {
    const view = filterView([JSON.stringify({ dynamodb: { NewImage: { colour: { S: ['red'] } } } })], source);
    const fact = (i: number, filtered?: boolean): StreamFact => ({ shardId: 's0', sequenceNumber: String(100 + i), eventName: 'INSERT', keys: { pk: { S: `evrun1#${i}` } }, approximateCreationMs: 0, ...(filtered === undefined ? {} : { filtered }) });
    const judged = new StreamFacts();
    judged.setShards([{ shardId: 's0' }], false);
    [fact(0, false), fact(1, true), fact(2, true)].forEach((f) => judged.add(f));
    const p = seededStreamView('evrun1', 3, judged, view).placement;
    assert.deepEqual([...p.filtered], [0, 1, 1]);
    assert.equal(p.filterUnknown, undefined);

    const keysOnly = new StreamFacts();
    keysOnly.setShards([{ shardId: 's0' }], false);
    keysOnly.add(fact(0));
    assert.match(seededStreamView('evrun1', 1, keysOnly, view).placement.filterUnknown ?? '', /keys only/);
  });
});
