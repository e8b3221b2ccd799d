import http from 'node:http';
import { BrokerStream } from './broker-stream.js';
import { ServicePoller } from './service-poller.js';
import { SnapshotHub } from './hub.js';
import { mergeSnapshot } from './snapshot.js';
import { createControlHandler } from './control.js';
import { createBrokerProxy } from './broker-proxy.js';
import { createStaticHandler } from './static-files.js';
import { createAdminGuard } from './admin-guard.js';
import { createWebSocketServer, handleSse } from './browser-streams.js';
import { sendJson, sendProblem } from './http-util.js';

/**
 * Wires the sources (broker stream, service poller), the snapshot hub and the HTTP routes into one
 * server. `start()` resolves once it listens; `close()` stops every timer, connection and socket.
 *
 * Routes: GET /api/stream (SSE), /ws (WebSocket), GET /api/snapshot, GET /api/health,
 * /api/control[/start|/stop|/rate], /api/broker/* (the broker's /api/v1/*), everything else the UI.
 * With AGGREGATOR_ADMIN_TOKEN set, changes on /api/control and /api/broker need it (admin-guard.js).
 */
export function createAggregator(config) {
  const broker = new BrokerStream({ url: config.brokerUrl, token: config.brokerToken, idleTimeoutMs: config.brokerIdleTimeoutMs });
  const poller = new ServicePoller({ services: config.services, pollMs: config.pollMs, timeoutMs: config.requestTimeoutMs });
  const hub = new SnapshotHub({
    snapshotsPerSec: config.snapshotsPerSec,
    historySize: config.historySize,
    build: ({ seq, now }) => mergeSnapshot({
      seq, now, broker, services: poller.state, control: poller.control, staleMs: Math.max(5000, 3 * config.pollMs),
    }),
  });
  const control = createControlHandler({ paymentsUrl: config.services.payments, poller, timeoutMs: config.requestTimeoutMs });
  const proxy = createBrokerProxy({ brokerUrl: config.brokerUrl, token: config.brokerToken });
  const adminAllowed = createAdminGuard(config.adminToken);
  const serveStatic = createStaticHandler(config.uiDist);
  const wss = createWebSocketServer(hub);

  const server = http.createServer((req, res) => {
    // Routing uses the parsed path: dot segments (raw or %2e-encoded) are resolved here, so no route
    // can climb out of its prefix; /api/broker/* reaches only the broker's /api/v1/*.
    let url;
    try {
      url = new URL(req.url, 'http://localhost');
    } catch {
      return sendProblem(res, 400, 'malformed request target');
    }
    const { pathname, search } = url;
    if (pathname === '/api/stream') return handleSse(req, res, hub);
    if (pathname === '/api/snapshot') return sendJson(res, 200, hub.latest());
    if (pathname === '/api/health') return sendJson(res, 200, { status: 'UP', browsers: hub.subscriberCount });
    if (pathname === '/api/control' || pathname.startsWith('/api/control/')) {
      if (!adminAllowed(req, res)) return undefined;
      return control(req, res, pathname.slice('/api/control/'.length)).catch((error) => {
        // never expected (the handler answers its own errors), but an async slip must not end the process
        if (res.headersSent) return res.destroy();
        sendProblem(res, 500, `control relay failed: ${error.message}`);
      });
    }
    if (pathname.startsWith('/api/broker/')) {
      if (!adminAllowed(req, res)) return undefined;
      return proxy(req, res, pathname.slice('/api/broker/'.length) + search);
    }
    if (pathname.startsWith('/api/') || pathname === '/api') return sendProblem(res, 404, `no such endpoint: ${pathname}`);
    return serveStatic(req, res, pathname);
  });
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url, 'http://localhost').pathname !== '/ws') return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  return {
    server, hub, broker, poller,
    async start() {
      broker.start();
      poller.start();
      hub.start();
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, resolve);
      });
      const { address, port } = server.address();
      this.url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
      return this;
    },
    async close() {
      hub.close();
      broker.close();
      poller.close();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
