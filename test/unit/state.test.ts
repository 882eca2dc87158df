import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StateStore } from '../../src/core/state.ts';

const tmpHome = () => fs.mkdtempSync(path.join(os.tmpdir(), 'ddbs-state-'));

describe('state file', () => {
  it('starts empty, records and removes resources per target, written with owner-only permissions', () => {
    const s = new StateStore(tmpHome());
    assert.deepEqual(s.resourcesFor('local:1:us-east-1'), []);
    s.addResource({ kind: 'table', id: 't1', target: 'local:1:us-east-1', createdAt: 'now' });
    s.addResource({ kind: 'table', id: 't1', target: 'local:1:us-east-1', createdAt: 'again' });
    s.addResource({ kind: 'table', id: 't2', target: 'aws:default:eu-west-1', createdAt: 'now' });
    assert.deepEqual(s.resourcesFor('local:1:us-east-1').map((r) => r.createdAt), ['again']);
    s.removeResource('table', 't1', 'local:1:us-east-1');
    assert.equal(s.resourcesFor('local:1:us-east-1').length, 0);
    assert.equal(s.resourcesFor('aws:default:eu-west-1').length, 1);
    assert.equal(fs.statSync(s.file).mode & 0o777, 0o600);
    assert.deepEqual(fs.readdirSync(s.home).filter((f) => f.endsWith('.tmp')), [], 'no temp files left');
  });
  it('a corrupt or foreign file is a clear error, and is left untouched', () => {
    const s = new StateStore(tmpHome());
    fs.writeFileSync(s.file, '{not json');
    assert.throws(() => s.read(), (e: { exitCode: number; message: string }) => e.exitCode === 3 && /corrupt/.test(e.message));
    fs.writeFileSync(s.file, JSON.stringify({ some: 'other tool' }));
    assert.throws(() => s.addResource({ kind: 'table', id: 'x', target: 't', createdAt: 'n' }), /not a ddbs-test state file/);
    assert.deepEqual(JSON.parse(fs.readFileSync(s.file, 'utf8')), { some: 'other tool' });
  });
  it('keeps the last 50 runs and finds the latest per target', () => {
    const s = new StateStore(tmpHome());
    for (let i = 0; i < 60; i++) s.addRun({ runId: `r${i}`, target: i % 2 ? 'a' : 'b', table: 't', items: 1, seeded: true, startedAt: '' });
    const doc = s.read();
    assert.equal(doc.runs.length, 50);
    assert.equal(s.latestRun('a')?.runId, 'r59');
    assert.equal(s.latestRun('b')?.runId, 'r58');
  });
});
