import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeSnapshot } from '../src/snapshot.js';
import { normalizeStats, validateRate, normalizeControl } from '../src/service-adapter.js';

const up = (stats) => ({ up: true, since: 1, error: null, stats });
const down = { up: false, since: 1, error: 'ECONNREFUSED', stats: null };

test('merges the broker snapshot and every service, marking down sources instead of failing', () => {
  const now = 10_000;
  const broker = { latest: { seq: 3, ts: now - 500 }, status: { up: true, since: 0, error: null } };
  const snapshot = mergeSnapshot({
    seq: 7, now, broker,
    services: { payments: up({ eventsPerSec: 5 }), orders: down },
    control: { up: true, running: true, perSecond: 5 },
  });
  assert.equal(snapshot.seq, 7);
  assert.equal(snapshot.ts, now);
  assert.deepEqual(snapshot.broker, { seq: 3, ts: now - 500 });
  assert.deepEqual(snapshot.services, { payments: { eventsPerSec: 5 }, orders: null });
  assert.deepEqual(snapshot.sources.orders, { up: false, since: 1, error: 'ECONNREFUSED' });
  assert.equal(snapshot.sources.broker.up, true);
  assert.deepEqual(snapshot.control, { up: true, running: true, perSecond: 5 });
});

test('a broker whose stream is open but silent past staleMs counts as down', () => {
  const broker = { latest: { seq: 3, ts: 1000 }, status: { up: true, since: 0, error: null } };
  const snapshot = mergeSnapshot({ seq: 1, now: 9000, broker, services: {}, control: {}, staleMs: 5000 });
  assert.equal(snapshot.broker, null);
  assert.equal(snapshot.sources.broker.up, false);
  assert.match(snapshot.sources.broker.error, /no snapshot for 8 s/);
});

test('stats keep the known fields only, missing ones become null', () => {
  assert.deepEqual(normalizeStats('orders', { eventsPerSec: 12.5, processed: 100, extra: 1, processingLatencyMs: { p50: 2 } }), {
    service: 'orders', eventsPerSec: 12.5, processed: 100, errors: null, retries: null, dlq: null,
    processingLatencyMs: { p50: 2, p95: null, p99: null }, endToEndLatencyMs: { p50: null, p95: null, p99: null },
  });
  assert.deepEqual(normalizeControl({ running: true, perMinute: 600 }), { running: true, perSecond: 10 });
});

test('a rate is exactly one positive, bounded perSecond or perMinute', () => {
  assert.deepEqual(validateRate({ perSecond: 100 }), { body: { perSecond: 100 } });
  assert.deepEqual(validateRate({ perMinute: 10000 }), { body: { perMinute: 10000 } });
  for (const bad of [null, [], 5, {}, { perSecond: 0 }, { perSecond: -1 }, { perSecond: '10' }, { perSecond: 1e9 },
    { perSecond: 1, perMinute: 60 }, { rate: 5 }]) {
    assert.ok(validateRate(bad).error, `${JSON.stringify(bad)} should be refused`);
  }
});
