import test from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, getJson } from '../src/service-poller.js';

/** A service whose answer the test sets; counts the TCP connections it accepts. */
async function service(handler) {
  const server = http.createServer(handler);
  let connections = 0;
  server.on('connection', () => { connections += 1; });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    connections: () => connections,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const failure = async (promise) => describe(await promise.then(() => assert.fail('expected a rejection'), (error) => error));

test('polls reuse one kept-alive connection', async () => {
  const s = await service((req, res) => res.end(JSON.stringify({ service: 'orders', eventsPerSec: 5 })));
  try {
    for (let i = 0; i < 3; i++) assert.deepEqual(await getJson(`${s.url}/stats`, 1000), { service: 'orders', eventsPerSec: 5 });
    assert.equal(s.connections(), 1);
  } finally {
    await s.close();
  }
});

test('an error status, bad JSON, a refused connection and silence each reject with the reason shown', async () => {
  const s = await service((req, res) => {
    if (req.url === '/error') res.writeHead(503).end('busy');
    else if (req.url === '/bad') res.end('{not json');
    // '/silent' never answers
  });
  try {
    assert.equal(await failure(getJson(`${s.url}/error`, 1000)), 'HTTP 503');
    assert.match(await failure(getJson(`${s.url}/bad`, 1000)), /JSON/);
    assert.equal(await failure(getJson(`${s.url}/silent`, 100)), 'timed out');
  } finally {
    await s.close();
  }
  assert.equal(await failure(getJson(s.url, 1000)), 'ECONNREFUSED');
});
