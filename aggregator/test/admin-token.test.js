import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { loadConfig } from '../src/config.js';
import { createAggregator } from '../src/aggregator.js';
import { startFakeSystem } from '../dev/fake-system.js';

// A broker with security on, as far as the aggregator can tell: it records the Authorization header of
// every request and answers only the broker's token.
const BROKER_TOKEN = 'broker-token-for-the-aggregator';
const ADMIN_TOKEN = 'admin-token-for-people';
const seen = [];
let broker;
let fake;
let aggregator;

before(async () => {
  broker = http.createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
    if (req.headers.authorization !== `Bearer ${BROKER_TOKEN}`) {
      res.writeHead(401, { 'Content-Type': 'application/problem+json' });
      return res.end(JSON.stringify({ status: 401, detail: 'no credentials' }));
    }
    if (req.url.startsWith('/api/v1/metrics/stream')) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      return res.write(': hello\n\n');
    }
    req.resume();
    req.on('end', () => {
      res.writeHead(req.method === 'POST' ? 201 : 200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ topics: [] }));
    });
  });
  await new Promise((resolve) => broker.listen(0, '127.0.0.1', resolve));
  fake = await startFakeSystem({ intervalMs: 100 });
  const config = {
    ...loadConfig({ BROKER_TOKEN, AGGREGATOR_ADMIN_TOKEN: ADMIN_TOKEN }), port: 0, pollMs: 100,
    brokerUrl: `http://127.0.0.1:${broker.address().port}`, services: fake.services,
  };
  aggregator = await createAggregator(config).start();
});

after(async () => {
  await aggregator.close();
  await fake.close();
  broker.closeAllConnections();
  await new Promise((resolve) => broker.close(resolve));
});

const api = (path, init = {}) => fetch(`${aggregator.url}${path}`, init);
const bearer = (token) => ({ Authorization: `Bearer ${token}` });

test('a broker token without an admin token is refused at start, so the broker token cannot be borrowed', () => {
  assert.throws(() => loadConfig({ BROKER_TOKEN }), /AGGREGATOR_ADMIN_TOKEN is not/);
  const config = loadConfig({ BROKER_TOKEN, AGGREGATOR_ADMIN_TOKEN: ADMIN_TOKEN });
  assert.equal(config.brokerToken, BROKER_TOKEN);
  assert.equal(config.adminToken, ADMIN_TOKEN);
  assert.equal(loadConfig({}).adminToken, null, 'off by default');
});

test('the metrics stream is opened with the broker token', async () => {
  for (let i = 0; i < 50 && !seen.some((r) => r.url.startsWith('/api/v1/metrics/stream')); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const stream = seen.find((r) => r.url.startsWith('/api/v1/metrics/stream'));
  assert.equal(stream?.authorization, `Bearer ${BROKER_TOKEN}`);
});

test('control changes need the admin token; reading the state does not', async () => {
  const anonymous = await api('/api/control/start', { method: 'POST' });
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.headers.get('content-type'), 'application/problem+json');
  assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer');
  assert.match((await anonymous.json()).detail, /admin token is required.*POST \/api\/control\/start/);

  const wrong = await api('/api/control/stop', { method: 'POST', headers: bearer(BROKER_TOKEN) });
  assert.equal(wrong.status, 401);
  assert.doesNotMatch(await wrong.text(), new RegExp(BROKER_TOKEN), 'no token in the answer');

  assert.equal((await api('/api/control/start', { method: 'POST', headers: bearer(ADMIN_TOKEN) })).status, 200);
  assert.equal((await api('/api/control')).status, 200);
});

test('broker changes through the proxy need the admin token and reach the broker with the broker token', async () => {
  const before = seen.length;
  const body = JSON.stringify({ name: 'from-dashboard', partitions: 1 });
  const headers = { 'Content-Type': 'application/json' };

  const anonymous = await api('/api/broker/topics', { method: 'POST', headers, body });
  assert.equal(anonymous.status, 401);
  assert.equal(seen.slice(before).filter((r) => r.method === 'POST').length, 0, 'the broker never saw it');

  const created = await api('/api/broker/topics', { method: 'POST', headers: { ...headers, ...bearer(ADMIN_TOKEN) }, body });
  assert.equal(created.status, 201);
  const post = seen.slice(before).find((r) => r.method === 'POST');
  assert.equal(post.authorization, `Bearer ${BROKER_TOKEN}`, 'the broker sees the aggregator, not the admin token');

  const listed = await api('/api/broker/topics');
  assert.equal(listed.status, 200, 'reads need no admin token');
  assert.equal(seen.at(-1).authorization, `Bearer ${BROKER_TOKEN}`);
});
