// The checkpoint only moves over the done prefix: a lane that finishes early never carries it past a
// record another lane still owes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CheckpointLedger } from '../../src/local/esm/checkpoint-ledger.ts';
import { DEFAULT_SETTINGS, type Mapping } from '../../src/local/esm/mapping.ts';

const mapping = (): Mapping => ({
  uuid: 'u', arn: 'a', functionArn: 'f', eventSourceArn: 's', startingPosition: 'TRIM_HORIZON', settings: DEFAULT_SETTINGS,
  compiledFilters: undefined, state: 'Enabled', enabled: true, lastModifiedMs: 0, lastProcessingResult: '', tags: new Map(), checkpoints: new Map(), anchored: false,
});

test('the checkpoint stops at the first record still owed and catches up when it is done', () => {
  const m = mapping();
  const ledger = new CheckpointLedger(m, 'shard-1');
  const [a, b, c, d] = ['001', '002', '003', '004'].map((s) => ledger.track(s));
  ledger.settle([b!, d!]);
  assert.equal(m.checkpoints.get('shard-1')?.sequenceNumber, undefined, 'nothing before 001 is done');
  assert.equal(ledger.outstanding(), 4);
  ledger.settle([a!]);
  assert.equal(m.checkpoints.get('shard-1')?.sequenceNumber, '002');
  assert.equal(ledger.outstanding(), 2);
  ledger.settle([c!]);
  assert.equal(m.checkpoints.get('shard-1')?.sequenceNumber, '004');
  assert.equal(ledger.outstanding(), 0);
  assert.equal(m.checkpoints.get('shard-1')?.finished, false);
  ledger.finish();
  assert.equal(m.checkpoints.get('shard-1')?.finished, true);
});

test('the checkpoint survives a new ledger for the same shard (poller restart)', () => {
  const m = mapping();
  const first = new CheckpointLedger(m, 'shard-1');
  first.settle([first.track('007')]);
  assert.equal(new CheckpointLedger(m, 'shard-1').checkpoint.sequenceNumber, '007');
});
