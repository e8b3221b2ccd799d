import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SnapshotHub } from '../src/hub.js';

test('publishes at its own steady rate, however often the sources change', async () => {
  let sourceUpdates = 0;
  const source = setInterval(() => { sourceUpdates += 1; }, 5);
  const hub = new SnapshotHub({ snapshotsPerSec: 10, historySize: 50, build: ({ seq, now }) => ({ seq, ts: now, sourceUpdates }) });
  const received = [];
  hub.subscribe((s) => received.push(s));
  hub.start();
  await new Promise((r) => setTimeout(r, 1050));
  hub.close();
  clearInterval(source);
  assert.ok(received.length >= 7 && received.length <= 11, `${received.length} snapshots in ~1 s at 10/s`);
  assert.ok(sourceUpdates > 5 * received.length, 'sources changed far more often than snapshots went out');
  const gaps = received.slice(1).map((s, i) => s.ts - received[i].ts);
  // never faster than the rate (a busy machine may make a gap longer, never shorter)
  assert.ok(gaps.every((g) => g >= 70), `spacing: ${gaps}`);
});

test('keeps the last historySize snapshots and answers what came after a given seq', () => {
  const hub = new SnapshotHub({ snapshotsPerSec: 2, historySize: 3, build: ({ seq }) => ({ seq }) });
  for (let i = 0; i < 5; i++) hub.tick();
  assert.deepEqual(hub.history().map((s) => s.seq), [3, 4, 5]);
  assert.deepEqual(hub.history(4).map((s) => s.seq), [5]);
  assert.deepEqual(hub.history(5), []);
  assert.deepEqual(hub.history(99).map((s) => s.seq), [3, 4, 5], 'an id from before a restart gets everything');
  assert.equal(hub.latest().seq, 5);
});

test('a subscriber that throws is dropped, the others still receive', () => {
  const hub = new SnapshotHub({ build: ({ seq }) => ({ seq }) });
  const got = [];
  hub.subscribe(() => { throw new Error('gone'); });
  hub.subscribe((s) => got.push(s.seq));
  hub.tick();
  hub.tick();
  assert.deepEqual(got, [1, 2]);
  assert.equal(hub.subscriberCount, 1);
});
