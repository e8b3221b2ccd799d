#!/usr/bin/env node
/**
 * A stand-in for the whole MiniKafka demo, for the dashboard's end-to-end test and for working on the UI
 * without Java: a fake broker (metrics SSE stream per docs/metrics.md and enough of the admin REST API
 * of docs/rest-api.md) and the four demo services (`/stats`, Payments' `/control`). Payments "produces"
 * to the topic `payments` at its rate while running; each consumer group reads a little slower, so lag
 * and queue depth move. Every control call is recorded at `GET /__calls` on the Payments fake.
 *
 *   node dev/fake-system.js            # broker 8080, services 8081-8084
 *   FAKE_BASE_PORT=18080 node dev/fake-system.js
 */
import http from 'node:http';
import { pathToFileURL } from 'node:url';

/** The share of its lag each group reads per interval: lower reads slower and lags more. */
const CONSUMERS = { orders: 0.7, notifications: 0.85, analytics: 0.45 };

export async function startFakeSystem({ basePort = 0, host = '127.0.0.1', intervalMs = 1000 } = {}) {
  const state = newState();
  const calls = [];
  const tick = setInterval(() => advance(state, intervalMs), intervalMs);
  const streams = new Set();
  let seq = 0;
  const publish = setInterval(() => {
    seq += 1;
    const text = `id:${seq}\nevent:snapshot\nretry:1000\ndata:${JSON.stringify(brokerSnapshot(state, seq, intervalMs))}\n\n`;
    for (const res of streams) res.write(text);
  }, intervalMs);

  const servers = {};
  const port = (i) => (basePort ? basePort + i : 0);
  servers.broker = await listen(brokerHandler(state, streams, () => seq, intervalMs), port(0), host);
  servers.payments = await listen(paymentsHandler(state, calls), port(1), host);
  servers.orders = await listen(consumerHandler(state, 'orders'), port(2), host);
  servers.notifications = await listen(consumerHandler(state, 'notifications'), port(3), host);
  servers.analytics = await listen(consumerHandler(state, 'analytics'), port(4), host);
  const url = (name) => `http://${host}:${servers[name].address().port}`;
  return {
    state,
    calls,
    brokerUrl: url('broker'),
    services: { payments: url('payments'), orders: url('orders'), notifications: url('notifications'), analytics: url('analytics') },
    async close() {
      clearInterval(tick);
      clearInterval(publish);
      for (const server of Object.values(servers)) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  };
}

function newState() {
  const partitions = [0, 1, 2].map(() => ({ end: 0, inRate: 0 }));
  const groups = {};
  for (const name of Object.keys(CONSUMERS)) groups[name] = { committed: [0, 0, 0], outRate: 0, processed: 0 };
  return { running: false, perSecond: 200, partitions, groups, produced: 0, createdTopics: [] };
}

/** One interval of fake traffic: Payments appends at its rate, every group reads a share of its lag. */
function advance(state, intervalMs) {
  const seconds = intervalMs / 1000;
  state.partitions.forEach((p, i) => {
    const n = state.running ? Math.round((state.perSecond * seconds) / 3 + (i - 1) * 2) : 0;
    p.end += Math.max(0, n);
    p.inRate = Math.max(0, n) / seconds;
  });
  state.produced = state.partitions.reduce((sum, p) => sum + p.end, 0);
  for (const [name, group] of Object.entries(state.groups)) {
    let read = 0;
    group.committed = group.committed.map((offset, i) => {
      const lag = state.partitions[i].end - offset;
      const step = Math.ceil(lag * CONSUMERS[name]);
      read += step;
      return offset + step;
    });
    group.outRate = read / seconds;
    group.processed += read;
  }
}

function rates(inPerSec, outPerSec) {
  return { eventsInPerSec: inPerSec, bytesInPerSec: inPerSec * 120, eventsOutPerSec: outPerSec, bytesOutPerSec: outPerSec * 120 };
}

function brokerSnapshot(state, seq, intervalMs) {
  const outTotal = Object.values(state.groups).reduce((s, g) => s + g.outRate, 0);
  const inTotal = state.partitions.reduce((s, p) => s + p.inRate, 0);
  const partitions = state.partitions.map((p, i) => {
    const minCommitted = Math.min(...Object.values(state.groups).map((g) => g.committed[i]));
    return {
      partition: i, rates: rates(p.inRate, (outTotal * p.inRate) / (inTotal || 1)),
      logStartOffset: 0, logEndOffset: p.end, queueDepth: p.end - minCommitted, pendingAppendBytes: 0, pendingAppends: 0,
    };
  });
  const running = state.running;
  return {
    seq, ts: Date.now(), intervalMs: seq === 1 ? 0 : intervalMs,
    totals: rates(inTotal, outTotal),
    latencyMs: running ? { p50: 1.2 + Math.random(), p95: 3.5 + Math.random(), p99: 6 + Math.random() * 2, max: 9, count: 20 } : { p50: null, p95: null, p99: null, max: null, count: 0 },
    active: { producers: running ? 1 : 0, consumers: 3, groups: 3, members: 3, rebalances: 3 },
    topics: [{ topic: 'payments', rates: rates(inTotal, outTotal), partitions }],
    groups: Object.entries(state.groups).map(([group, g]) => {
      const rows = g.committed.map((committedOffset, i) => ({
        topic: 'payments', partition: i, committedOffset, logEndOffset: state.partitions[i].end, lag: state.partitions[i].end - committedOffset,
      }));
      return { group, state: 'STABLE', members: 1, lag: rows.reduce((s, r) => s + r.lag, 0), partitions: rows };
    }),
  };
}

function brokerHandler(state, streams, currentSeq, intervalMs) {
  return async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const path = url.pathname;
    if (path === '/api/v1/metrics/stream') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      res.write(`id:${currentSeq()}\nevent:snapshot\nretry:1000\ndata:${JSON.stringify(brokerSnapshot(state, currentSeq(), intervalMs))}\n\n`);
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (path === '/api/v1/topics' && req.method === 'GET') {
      return json(res, 200, { topics: [{ name: 'payments', partitions: 3 }, ...state.createdTopics.map((t) => ({ name: t.name, partitions: t.partitions }))] });
    }
    if (path === '/api/v1/topics' && req.method === 'POST') {
      const body = JSON.parse((await readBody(req)) || '{}');
      if (!/^[a-zA-Z0-9._-]{1,249}$/.test(body.name || '')) return problem(res, 400, `invalid topic name "${body.name ?? ''}"`);
      if (body.name === 'payments' || state.createdTopics.some((t) => t.name === body.name)) return problem(res, 409, `topic ${body.name} already exists`);
      state.createdTopics.push({ name: body.name, partitions: body.partitions ?? 1 });
      return json(res, 201, describeTopic(state, body.name));
    }
    let m = path.match(/^\/api\/v1\/topics\/([^/]+)$/);
    if (m && req.method === 'GET') {
      const topic = describeTopic(state, decodeURIComponent(m[1]));
      return topic ? json(res, 200, topic) : problem(res, 404, `unknown topic ${m[1]}`);
    }
    m = path.match(/^\/api\/v1\/topics\/payments\/partitions\/(\d+)\/records$/);
    if (m && req.method === 'GET') return browse(state, Number(m[1]), url.searchParams, res);
    if (path === '/api/v1/groups') {
      return json(res, 200, { groups: Object.entries(state.groups).sort(([a], [b]) => a.localeCompare(b)).map(([groupId, g]) => ({ groupId, state: 'STABLE', members: 1, lag: lagOf(state, g) })) });
    }
    m = path.match(/^\/api\/v1\/groups\/([^/]+)$/);
    if (m && req.method === 'GET') {
      const id = decodeURIComponent(m[1]);
      const g = state.groups[id];
      if (!g) return problem(res, 404, `unknown group ${id}`);
      return json(res, 200, {
        groupId: id, state: 'STABLE', lag: lagOf(state, g),
        members: [{ memberId: `${id}-member-1`, instanceId: null, clientId: `${id}-1`, memberEpoch: 1, topics: ['payments'], assignment: [0, 1, 2].map((partition) => ({ topic: 'payments', partition })), connected: true }],
        partitions: g.committed.map((committedOffset, i) => ({ topic: 'payments', partition: i, committedOffset, logEndOffset: state.partitions[i].end, lag: state.partitions[i].end - committedOffset, metadata: null, committedAt: new Date().toISOString(), owner: `${id}-member-1` })),
      });
    }
    m = path.match(/^\/api\/v1\/groups\/([^/]+)\/offsets\/reset$/);
    if (m && req.method === 'POST') return problem(res, 409, `group ${decodeURIComponent(m[1])} has 1 live member; stop its consumers first`);
    return problem(res, 404, `no such endpoint ${path}`);
  };
}

function lagOf(state, g) {
  return g.committed.reduce((s, c, i) => s + state.partitions[i].end - c, 0);
}

function describeTopic(state, name) {
  if (name === 'payments') {
    return {
      name, createdAt: '2026-11-25T15:00:00Z', config: { retentionMs: 604800000, retentionBytes: -1, segmentBytes: 268435456, segmentMs: 604800000, maxMessageBytes: 1048640, logAppendTime: false },
      partitions: state.partitions.map((p, i) => ({ partition: i, logStartOffset: 0, logEndOffset: p.end, sizeBytes: p.end * 120, segmentCount: 1, queueDepth: p.end - Math.min(...Object.values(state.groups).map((g) => g.committed[i])), pendingAppendBytes: 0 })),
    };
  }
  const t = state.createdTopics.find((x) => x.name === name);
  if (!t) return null;
  return { name, createdAt: new Date().toISOString(), config: {}, partitions: Array.from({ length: t.partitions }, (_, partition) => ({ partition, logStartOffset: 0, logEndOffset: 0, sizeBytes: 0, segmentCount: 1, queueDepth: 0, pendingAppendBytes: 0 })) };
}

function browse(state, partition, params, res) {
  const p = state.partitions[partition];
  if (!p) return problem(res, 404, `unknown partition ${partition}`);
  const limit = Number(params.get('limit') ?? 100);
  let offset = params.has('offset') ? Number(params.get('offset')) : 0;
  if (params.has('timestamp')) offset = 0;
  if (offset < 0 || offset > p.end) return problem(res, 400, `offset ${offset} is out of range for payments-${partition}: valid offsets are 0..${p.end}`);
  const records = [];
  for (let o = offset; o < Math.min(p.end, offset + limit); o++) {
    records.push({ offset: o, timestamp: 1795621000000 + o * 10, key: `c-${o % 50}`, keyEncoding: 'utf8', value: JSON.stringify({ amount: (o % 97) + 1, currency: 'EUR' }), valueEncoding: 'utf8', headers: { source: 'fake' } });
  }
  return json(res, 200, { topic: 'payments', partition, logStartOffset: 0, logEndOffset: p.end, nextOffset: offset + records.length, records });
}

function controlState(state) {
  return { running: state.running, eventsPerMinute: state.perSecond * 60, eventsPerSecond: state.perSecond, sent: state.produced, sendFailures: 0 };
}

function paymentsHandler(state, calls) {
  return async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/__calls') return json(res, 200, calls);
    if (path === '/stats') return json(res, 200, serviceStats('payments', state.running ? state.perSecond : 0, state.produced, controlState(state)));
    if (path === '/control' && req.method === 'GET') return json(res, 200, controlState(state));
    if (path === '/control/start' && req.method === 'POST') {
      calls.push({ command: 'start', at: Date.now() });
      state.running = true;
      return json(res, 200, controlState(state));
    }
    if (path === '/control/stop' && req.method === 'POST') {
      calls.push({ command: 'stop', at: Date.now() });
      state.running = false;
      return json(res, 200, controlState(state));
    }
    if (path === '/control/rate' && req.method === 'PUT') {
      const body = JSON.parse((await readBody(req)) || '{}');
      calls.push({ command: 'rate', body, at: Date.now() });
      const perSecond = body.eventsPerSecond ?? body.eventsPerMinute / 60;
      if (!(perSecond > 0)) return problem(res, 400, 'give exactly one of eventsPerMinute or eventsPerSecond');
      state.perSecond = perSecond;
      return json(res, 200, controlState(state));
    }
    return problem(res, 404, `no such endpoint ${path}`);
  };
}

function consumerHandler(state, name) {
  return (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path !== '/stats') return problem(res, 404, `no such endpoint ${path}`);
    const g = state.groups[name];
    return json(res, 200, serviceStats(name, g.outRate, g.processed, {}));
  };
}

/** `/stats` in the shape of docs/demo-services.md (demo branch). */
function serviceStats(service, perSecond, total, details) {
  const count = perSecond > 0 ? Math.round(perSecond * 30) : 0;
  const base = { payments: 0.4, orders: 2, notifications: 1, analytics: 5 }[service];
  const window = (k) => (count ? { count, mean: base * k * 1.2, p50: base * k, p95: base * k * 2.5, p99: base * k * 4, max: base * k * 6 } : { count: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 });
  const producer = service === 'payments';
  return {
    service, instance: `${service}-fake`, role: producer ? 'producer' : 'consumer', destination: 'payments', group: producer ? null : service,
    time: new Date().toISOString(), uptimeSeconds: 1,
    events: { total: total, perSecond },
    latencyMs: { processing: window(1), endToEnd: producer ? window(0) : window(3) },
    errors: 0, retries: service === 'notifications' ? Math.floor(total / 1000) : 0, dlq: 0, details,
  };
}

function listen(handler, port, host) {
  const server = http.createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((error) => problem(res, 500, error.message));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

function readBody(req) {
  return new Promise((resolve) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { body += c; });
    req.on('end', () => resolve(body));
  });
}

function json(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function problem(res, status, detail) {
  res.writeHead(status, { 'Content-Type': 'application/problem+json' });
  res.end(JSON.stringify({ title: http.STATUS_CODES[status], status, detail }));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const fake = await startFakeSystem({ basePort: Number(process.env.FAKE_BASE_PORT || 8080) });
  console.log(`fake broker ${fake.brokerUrl}; services ${Object.values(fake.services).join(' ')}`);
  process.on('SIGINT', () => fake.close().then(() => process.exit(0)));
  process.on('SIGTERM', () => fake.close().then(() => process.exit(0)));
}
