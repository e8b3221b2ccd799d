import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { BrokerStream } from '../src/broker-stream.js';

/** A fake broker whose every connection is answered by the next function in `behaviours`. */
async function fakeBroker(behaviours) {
  const connections = [];
  const server = http.createServer((req, res) => {
    connections.push({ lastEventId: req.headers['last-event-id'], at: Date.now() });
    const behave = behaviours[Math.min(connections.length - 1, behaviours.length - 1)];
    behave(req, res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    connections,
    close: () => { server.closeAllConnections(); return new Promise((r) => server.close(r)); },
  };
}

const sse = (res) => res.writeHead(200, { 'Content-Type': 'text/event-stream' });
const event = (seq) => `id:${seq}\nevent:snapshot\ndata:${JSON.stringify({ seq, ts: Date.now() })}\n\n`;
const until = async (check, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

test('reconnects after the stream ends, after the retry hint, sending Last-Event-ID', async () => {
  const broker = await fakeBroker([
    (req, res) => { sse(res); res.end(`retry:50\n${event(41)}${event(42)}`); },
    (req, res) => { sse(res); res.write(event(43)); },
  ]);
  const seen = [];
  const stream = new BrokerStream({ url: broker.url, initialRetryMs: 5000, onSnapshot: (s) => seen.push(s.seq) }).start();
  try {
    await until(() => seen.includes(43));
    assert.deepEqual(seen, [41, 42, 43]);
    assert.equal(broker.connections[1].lastEventId, '42');
    const waited = broker.connections[1].at - broker.connections[0].at;
    assert.ok(waited >= 40 && waited < 1000, `reconnected after ${waited} ms, the broker asked for 50`);
    assert.equal(stream.status.up, true);
    assert.equal(stream.latest.seq, 43);
  } finally {
    stream.close();
    await broker.close();
  }
});

test('marks the broker down while it is away, backs off, and comes back up', async () => {
  const broker = await fakeBroker([
    (req, res) => { sse(res); res.end(`retry:100\n${event(1)}`); },
    (req, res) => { res.writeHead(500); res.end(); },
    (req, res) => { res.writeHead(500); res.end(); },
    (req, res) => { sse(res); res.write(event(1)); },
  ]);
  const stream = new BrokerStream({ url: broker.url, initialRetryMs: 5000 }).start();
  try {
    await until(() => broker.connections.length >= 2 && !stream.status.up);
    assert.match(stream.status.error, /stream ended|HTTP 500/);
    await until(() => broker.connections.length >= 4 && stream.status.up);
    // Timers never fire early, so lower bounds are safe on a busy machine: 100, 200, 400 ms.
    const [first, a, b, c] = broker.connections.map((x) => x.at);
    assert.ok(a - first >= 95, `the first retry waits the broker's hint: ${a - first} ms`);
    assert.ok(b - a >= 195 && c - b >= 395, `the delay doubles after consecutive failures: ${b - a} then ${c - b} ms`);
    assert.equal(stream.status.reconnects, 3);
  } finally {
    stream.close();
    await broker.close();
  }
});

test('honours Retry-After on a 503 (too many streams)', async () => {
  const broker = await fakeBroker([(req, res) => { res.writeHead(503, { 'Retry-After': '2' }); res.end(); }]);
  const stream = new BrokerStream({ url: broker.url, initialRetryMs: 10 }).start();
  try {
    await until(() => broker.connections.length === 1 && stream.status.error !== 'connecting');
    assert.equal(stream.status.up, false);
    assert.equal(stream.nextDelayMs(), 2000);
  } finally {
    stream.close();
    await broker.close();
  }
});

test('a connection that goes silent past the idle timeout is dropped and retried', async () => {
  const broker = await fakeBroker([
    (req, res) => { sse(res); res.write(`retry:10\n${event(1)}`); }, // then silence
    (req, res) => { sse(res); res.write(event(2)); },
  ]);
  const stream = new BrokerStream({ url: broker.url, idleTimeoutMs: 200 }).start();
  try {
    await until(() => stream.latest?.seq === 2);
    assert.equal(broker.connections.length, 2);
  } finally {
    stream.close();
    await broker.close();
  }
});

test('a broker that is not there at all is down with the reason, never a crash', async () => {
  const broker = await fakeBroker([() => {}]);
  const { url } = broker;
  await broker.close();
  const stream = new BrokerStream({ url, initialRetryMs: 10 }).start();
  try {
    await until(() => stream.status.error === 'ECONNREFUSED');
    assert.equal(stream.status.up, false);
    assert.equal(stream.latest, null);
  } finally {
    stream.close();
  }
});
