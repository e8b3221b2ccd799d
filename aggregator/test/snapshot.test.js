import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeSnapshot } from '../src/snapshot.js';
import { normalizeStats, validateRate, normalizeControl } from '../src/service-adapter.js';
import { loadConfig } from '../src/config.js';

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

test('stats in the services\' shape become the snapshot\'s flat shape; an empty latency window is a gap', () => {
  const body = {
    service: 'orders', instance: 'orders-6f2a1c', role: 'consumer', group: 'orders', events: { total: 52000, perSecond: 166.4 },
    latencyMs: { processing: { count: 52000, mean: 0.41, p50: 0.3, p95: 0.9, p99: 2.1, max: 7.5 }, endToEnd: { count: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 } },
    errors: 1, retries: 2, dlq: 0, details: { ordersCreated: 51990 },
  };
  assert.deepEqual(normalizeStats('orders', body), {
    service: 'orders', instance: 'orders-6f2a1c', eventsPerSec: 166.4, processed: 52000, errors: 1, retries: 2, dlq: 0,
    processingLatencyMs: { p50: 0.3, p95: 0.9, p99: 2.1 }, endToEndLatencyMs: { p50: null, p95: null, p99: null },
  });
  assert.deepEqual(normalizeStats('analytics', { bogus: true }).processingLatencyMs, { p50: null, p95: null, p99: null });
  assert.equal(normalizeStats('analytics', 'not an object').eventsPerSec, null);
});

test('the control state carries both rate units', () => {
  assert.deepEqual(normalizeControl({ running: true, eventsPerMinute: 10000, eventsPerSecond: 166.667, sent: 5, sendFailures: 0 }), {
    running: true, eventsPerSecond: 166.667, eventsPerMinute: 10000, sent: 5, sendFailures: 0,
  });
  assert.deepEqual(normalizeControl({ running: false, eventsPerMinute: 600 }), { running: false, eventsPerSecond: 10, eventsPerMinute: 600, sent: null, sendFailures: null });
});

test('a rate is exactly one positive number within Payments\' range, in either unit', () => {
  assert.deepEqual(validateRate({ eventsPerSecond: 100 }), { body: { eventsPerSecond: 100 } });
  assert.deepEqual(validateRate({ eventsPerMinute: 10000 }), { body: { eventsPerMinute: 10000 } });
  assert.deepEqual(validateRate({ perSecond: 100000 }), { body: { eventsPerSecond: 100000 } }, 'alias, at the top of the range');
  assert.deepEqual(validateRate({ perMinute: 1 }), { body: { eventsPerMinute: 1 } }, 'alias, at the bottom of the range');
  for (const bad of [null, [], 5, {}, { eventsPerSecond: 0 }, { eventsPerSecond: -1 }, { eventsPerSecond: '10' }, { eventsPerSecond: 100001 },
    { eventsPerMinute: 0.5 }, { eventsPerSecond: 1, eventsPerMinute: 60 }, { rate: 5 }, { eventsPerSecond: null }]) {
    assert.ok(validateRate(bad).error, `${JSON.stringify(bad)} should be refused`);
  }
});

test('configuration: defaults match a local start, variables override them, bad numbers are refused', () => {
  const defaults = loadConfig({});
  assert.equal(defaults.port, 5173);
  assert.equal(defaults.snapshotsPerSec, 2);
  assert.equal(defaults.brokerUrl, 'http://127.0.0.1:8080');
  assert.deepEqual(Object.values(defaults.services), ['http://127.0.0.1:8081', 'http://127.0.0.1:8082', 'http://127.0.0.1:8083', 'http://127.0.0.1:8084']);
  const set = loadConfig({ AGGREGATOR_SNAPSHOTS_PER_SEC: '4', BROKER_URL: 'http://broker:8080/', ORDERS_URL: 'http://orders:8082' });
  assert.equal(set.snapshotsPerSec, 4);
  assert.equal(set.brokerUrl, 'http://broker:8080');
  assert.equal(set.services.orders, 'http://orders:8082');
  assert.throws(() => loadConfig({ AGGREGATOR_SNAPSHOTS_PER_SEC: 'fast' }), /AGGREGATOR_SNAPSHOTS_PER_SEC=fast/);
  assert.throws(() => loadConfig({ AGGREGATOR_PORT: '70000' }), /AGGREGATOR_PORT/);
  assert.throws(() => loadConfig({ BROKER_URL: 'localhost:8080' }), /BROKER_URL=localhost:8080 is not an http/);
  assert.throws(() => loadConfig({ PAYMENTS_URL: 'payments' }), /PAYMENTS_URL=payments is not a URL/);
});
