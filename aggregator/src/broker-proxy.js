import http from 'node:http';
import https from 'node:https';
import { sendProblem } from './http-util.js';

const FORWARDED_REQUEST_HEADERS = ['content-type', 'content-length', 'accept'];
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'content-length', 'location', 'retry-after'];

/**
 * Proxies `/api/broker/<rest>` to the broker's admin REST API at `/api/v1/<rest>` (topics, records,
 * groups, offset resets), so the dashboard talks to one origin. Bodies stream through; the broker's
 * status and problem details reach the browser as they are; a broker that does not answer is a 502.
 * With `token` (BROKER_TOKEN) every request carries it; changes are let through only by the admin guard.
 */
export function createBrokerProxy({ brokerUrl, token = null, timeoutMs = 10000 }) {
  const base = new URL(brokerUrl);
  const client = base.protocol === 'https:' ? https : http;
  return function proxy(req, res, rest) {
    const target = new URL(`/api/v1/${rest}`, base);
    const headers = {};
    for (const name of FORWARDED_REQUEST_HEADERS) if (req.headers[name]) headers[name] = req.headers[name];
    // The broker sees the aggregator's principal (BROKER_TOKEN), never the browser's own Authorization.
    if (token) headers.authorization = `Bearer ${token}`;
    const upstream = client.request(target, { method: req.method, headers, timeout: timeoutMs });
    upstream.on('response', (answer) => {
      const out = { 'Cache-Control': 'no-store' };
      for (const name of FORWARDED_RESPONSE_HEADERS) if (answer.headers[name]) out[name] = answer.headers[name];
      if (out.location) out.location = out.location.replace(/^.*\/api\/v1\//, '/api/broker/');
      res.writeHead(answer.statusCode, out);
      answer.pipe(res);
    });
    upstream.on('timeout', () => upstream.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    upstream.on('error', (error) => {
      if (res.headersSent) return res.destroy();
      sendProblem(res, 502, `the broker at ${brokerUrl} is not reachable: ${error.code || error.message}`);
    });
    req.pipe(upstream);
  };
}
