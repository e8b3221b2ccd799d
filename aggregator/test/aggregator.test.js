import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import WebSocket from 'ws';
import { loadConfig } from '../src/config.js';
import { createAggregator } from '../src/aggregator.js';
import { SseParser } from '../src/sse-parser.js';
import { startFakeSystem } from '../dev/fake-system.js';

let fake;
let aggregator;
let uiDist;

before(async () => {
  fake = await startFakeSystem({ intervalMs: 100 });
  uiDist = fs.mkdtempSync(path.join(os.tmpdir(), 'ui-dist-'));
  fs.mkdirSync(path.join(uiDist, 'assets'));
  fs.writeFileSync(path.join(uiDist, 'index.html'), '<!doctype html><title>MiniKafka</title>');
  fs.writeFileSync(path.join(uiDist, 'assets', 'app-1234.js'), 'console.log(1)');
  const config = {
    ...loadConfig({}), port: 0, snapshotsPerSec: 10, pollMs: 100, historySize: 20, uiDist,
    brokerUrl: fake.brokerUrl, services: fake.services,
  };
  aggregator = await createAggregator(config).start();
});

after(async () => {
  await aggregator.close();
  await fake.close();
  fs.rmSync(uiDist, { recursive: true, force: true });
});

const api = (p, init) => fetch(`${aggregator.url}${p}`, init);
const json = (body) => ({ method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

/** Reads an SSE response until `count` events arrived (or 3 s passed). */
function readSse(headers, count) {
  return new Promise((resolve, reject) => {
    const events = [];
    const req = http.get(`${aggregator.url}/api/stream`, { headers }, (res) => {
      res.setEncoding('utf8');
      const parser = new SseParser((e) => {
        events.push({ ...e, data: JSON.parse(e.data) });
        if (events.length === count) { req.destroy(); resolve({ events, headers: res.headers }); }
      });
      res.on('data', (c) => parser.push(c));
    });
    req.on('error', () => {});
    setTimeout(() => { req.destroy(); reject(new Error(`only ${events.length} events`)); }, 3000);
  });
}

/** Waits until the aggregator has published at least `seq` snapshots (and every source was polled). */
async function published(seq) {
  for (;;) {
    const latest = await (await api('/api/snapshot')).json();
    if (latest?.seq >= seq && Object.values(latest.sources).every((s) => s.up) && latest.control.up) return latest;
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('an SSE client gets the history first, then live snapshots from every source', async () => {
  await published(3);
  const { events, headers } = await readSse({}, 3);
  assert.match(headers['content-type'], /^text\/event-stream/);
  const [history, first, second] = events;
  assert.equal(history.event, 'history');
  assert.ok(Array.isArray(history.data) && history.data.length >= 2, 'history has the snapshots so far');
  assert.equal(first.event, 'snapshot');
  assert.equal(first.data.seq, history.data.at(-1).seq + 1, 'live snapshots continue the history');
  assert.equal(second.data.seq, first.data.seq + 1);
  assert.equal(second.id, String(second.data.seq));
  const s = second.data;
  for (const name of ['broker', 'payments', 'orders', 'notifications', 'analytics']) assert.equal(s.sources[name].up, true, name);
  assert.equal(s.broker.topics[0].topic, 'payments');
  assert.equal(s.services.orders.service, 'orders');
  assert.equal(s.control.up, true);
});

test('an SSE client reconnecting with Last-Event-ID gets only what it missed', async () => {
  const latest = (await published(3)).seq;
  const { events } = await readSse({ 'Last-Event-ID': String(latest - 2) }, 1);
  assert.ok(events[0].data.every((s) => s.seq > latest - 2));
  assert.ok(events[0].data.length >= 2 && events[0].data.length <= 4);
});

test('a WebSocket client gets the history first, then live snapshots', async () => {
  const ws = new WebSocket(`${aggregator.url.replace('http', 'ws')}/ws`);
  const messages = [];
  await new Promise((resolve, reject) => {
    ws.on('message', (m) => { messages.push(JSON.parse(m)); if (messages.length === 3) resolve(); });
    ws.on('error', reject);
    setTimeout(() => reject(new Error(`only ${messages.length} messages`)), 3000);
  });
  ws.close();
  assert.equal(messages[0].type, 'history');
  assert.ok(messages[0].snapshots.length >= 1);
  assert.equal(messages[1].type, 'snapshot');
  assert.equal(messages[2].snapshot.seq, messages[1].snapshot.seq + 1);
  assert.ok(messages[2].snapshot.broker);
});

test('Start, rate and Stop are relayed to Payments and show in the state', async () => {
  let res = await api('/api/control/start', { method: 'POST' });
  assert.equal(res.status, 200);
  const { sent, ...state } = await res.json();
  assert.deepEqual(state, { running: true, eventsPerSecond: 200, eventsPerMinute: 12000, sendFailures: 0 });
  assert.equal(typeof sent, 'number');
  res = await api('/api/control/rate', json({ eventsPerMinute: 6000 }));
  assert.equal(res.status, 200);
  assert.equal((await res.json()).eventsPerSecond, 100);
  res = await api('/api/control');
  assert.equal((await res.json()).eventsPerSecond, 100);
  await new Promise((r) => setTimeout(r, 150)); // one snapshot interval
  const snapshot = await (await api('/api/snapshot')).json();
  assert.equal(snapshot.control.running, true, 'the next snapshot shows the new state');
  assert.equal(snapshot.control.eventsPerSecond, 100);
  res = await api('/api/control/stop', { method: 'POST' });
  assert.equal((await res.json()).running, false);
  assert.deepEqual(fake.calls.map((c) => c.command), ['start', 'rate', 'stop']);
  assert.deepEqual(fake.calls[1].body, { eventsPerMinute: 6000 });
});

test('bad control input is a 400 problem detail and never reaches Payments', async () => {
  const before = fake.calls.length;
  const cases = [
    ['/api/control/launch', { method: 'POST' }],
    ['/api/control/rate', json({ eventsPerSecond: -5 })],
    ['/api/control/rate', json({ eventsPerSecond: 'fast' })],
    ['/api/control/rate', json({ eventsPerSecond: 200000 })],
    ['/api/control/rate', json({ eventsPerSecond: 1, eventsPerMinute: 60 })],
    ['/api/control/rate', json({ speed: 3 })],
    ['/api/control/rate', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{"eventsPerSecond":' }],
    ['/api/control/rate', { method: 'PUT' }],
  ];
  for (const [p, init] of cases) {
    const res = await api(p, init);
    assert.equal(res.status, 400, `${p} ${init.body}`);
    assert.match(res.headers.get('content-type'), /^application\/problem\+json/);
    const body = await res.json();
    assert.equal(body.status, 400);
    assert.ok(body.detail.length > 5);
  }
  assert.equal((await api('/api/control/start', { method: 'GET' })).status, 405);
  assert.equal(fake.calls.length, before);
});

test('Payments down: control answers 502 and the snapshot marks it down', async () => {
  const config = { ...loadConfig({}), port: 0, pollMs: 100, snapshotsPerSec: 10, uiDist, brokerUrl: 'http://127.0.0.1:9', services: { payments: 'http://127.0.0.1:9' } };
  const lonely = await createAggregator(config).start();
  try {
    const res = await fetch(`${lonely.url}/api/control/start`, { method: 'POST' });
    assert.equal(res.status, 502);
    assert.match((await res.json()).detail, /not reachable/);
    await new Promise((r) => setTimeout(r, 300));
    const snapshot = await (await fetch(`${lonely.url}/api/snapshot`)).json();
    assert.equal(snapshot.sources.payments.up, false);
    assert.equal(snapshot.sources.broker.up, false);
    assert.equal(snapshot.services.payments, null);
    assert.equal(snapshot.broker, null);
    assert.equal((await fetch(`${lonely.url}/api/broker/topics`)).status, 502);
  } finally {
    await lonely.close();
  }
});

test('a Payments that answers too slowly is a 502 after the timeout, and the aggregator carries on', async () => {
  const silent = http.createServer(() => {}); // accepts, never answers
  await new Promise((r) => silent.listen(0, '127.0.0.1', r));
  const paymentsUrl = `http://127.0.0.1:${silent.address().port}`;
  const slow = await createAggregator({
    ...loadConfig({}), port: 0, requestTimeoutMs: 300, uiDist, brokerUrl: fake.brokerUrl, services: { payments: paymentsUrl },
  }).start();
  try {
    const started = Date.now();
    const res = await fetch(`${slow.url}/api/control/stop`, { method: 'POST' });
    assert.equal(res.status, 502);
    assert.match((await res.json()).detail, /timed out/);
    assert.ok(Date.now() - started >= 290);
    assert.equal((await fetch(`${slow.url}/api/health`)).status, 200);
  } finally {
    await slow.close();
    silent.closeAllConnections();
    await new Promise((r) => silent.close(r));
  }
});

test('the broker admin API is proxied under /api/broker, statuses and problem details included', async () => {
  let res = await api('/api/broker/topics/payments');
  assert.equal(res.status, 200);
  assert.equal((await res.json()).partitions.length, 3);
  res = await api('/api/broker/topics/payments/partitions/0/records?offset=0&limit=2');
  assert.ok((await res.json()).records.length <= 2);
  res = await api('/api/broker/topics', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"name":"bad name!"}' });
  assert.equal(res.status, 400);
  assert.match(res.headers.get('content-type'), /problem\+json/);
  res = await api('/api/broker/groups/orders/offsets/reset', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"to":"earliest"}' });
  assert.equal(res.status, 409);
  // Nothing outside the broker's /api/v1/ is reachable: dot segments, raw or encoded, are resolved
  // before routing (the first lands on the dashboard's index.html, the second on no endpoint).
  const rawGet = (p) => new Promise((resolve) => {
    http.get(`${aggregator.url}${p}`, (r) => { r.resume(); resolve(r); });
  });
  assert.match((await rawGet('/api/broker/../../actuator/shutdown')).headers['content-type'], /text\/html/);
  assert.equal((await rawGet('/api/broker/topics/%2e%2e/%2e%2e/actuator')).statusCode, 404);
  assert.equal((await rawGet('/api/broker/topics/%2e%2e/groups')).statusCode, 200, 'resolved inside the prefix: /api/v1/groups');
});

test('serves the built UI, with index.html for the dashboard routes and a 404 JSON for unknown API paths', async () => {
  let res = await api('/');
  assert.equal(res.status, 200);
  assert.match(await res.text(), /MiniKafka/);
  res = await api('/groups');
  assert.match(res.headers.get('content-type'), /text\/html/);
  res = await api('/assets/app-1234.js');
  assert.match(res.headers.get('cache-control'), /immutable/);
  assert.equal((await api('/assets/missing.js')).status, 404);
  assert.equal((await api('/%2e%2e%2f%2e%2e%2fetc%2fpasswd')).status, 404, 'nothing outside dist is served');
  assert.equal((await api('/api/nothing')).status, 404);
  const raw = (target) => new Promise((resolve) => {
    http.get({ host: '127.0.0.1', port: new URL(aggregator.url).port, path: target }, (r) => { r.resume(); resolve(r.statusCode); });
  });
  assert.equal(await raw('//'), 400, 'a target URL cannot parse');
  assert.equal(await raw('/%E0%A4%A'), 400, 'a path that does not decode');
  assert.equal((await api('/api/health')).status, 200, 'and the aggregator is still up');
});

test('without a built dashboard, / says how to build it and the API still works', async () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'no-ui-'));
  const bare = await createAggregator({ ...loadConfig({}), port: 0, uiDist: empty, brokerUrl: fake.brokerUrl, services: fake.services }).start();
  try {
    const res = await fetch(`${bare.url}/`);
    assert.equal(res.status, 503);
    assert.match(await res.text(), /npm run build/);
    assert.equal((await fetch(`${bare.url}/api/health`)).status, 200);
  } finally {
    await bare.close();
    fs.rmSync(empty, { recursive: true, force: true });
  }
});
