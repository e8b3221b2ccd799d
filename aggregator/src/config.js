import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The demo services whose `/stats` the aggregator polls, in the order the dashboard shows them. */
export const SERVICE_NAMES = ['payments', 'orders', 'notifications', 'analytics'];

/**
 * Configuration from environment variables; every default matches a local start (broker HTTP on 8080,
 * the services on 8081-8084, the dashboard on 5173).
 */
export function loadConfig(env = process.env) {
  const number = (name, fallback, { min = 0, max = Infinity } = {}) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) {
      throw new Error(`${name}=${raw} is not a number in [${min}, ${max}]`);
    }
    return value;
  };
  const url = (name, fallback) => {
    const value = (env[name] || fallback).replace(/\/+$/, '');
    let parsed;
    try {
      parsed = new URL(value);
    } catch {
      throw new Error(`${name}=${value} is not a URL (e.g. http://127.0.0.1:8080)`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`${name}=${value} is not an http(s) URL`);
    return value;
  };
  const brokerToken = env.BROKER_TOKEN || null;
  const adminToken = env.AGGREGATOR_ADMIN_TOKEN || null;
  if (brokerToken && !adminToken) {
    // Otherwise anyone reaching the aggregator could make admin changes with the broker's token.
    throw new Error('BROKER_TOKEN is set but AGGREGATOR_ADMIN_TOKEN is not: set both, so that changes through the aggregator need the admin token');
  }
  return {
    host: env.AGGREGATOR_HOST || '127.0.0.1',
    port: number('AGGREGATOR_PORT', 5173, { max: 65535 }),
    snapshotsPerSec: number('AGGREGATOR_SNAPSHOTS_PER_SEC', 2, { min: 0.1, max: 20 }),
    historySize: number('AGGREGATOR_HISTORY', 120, { min: 1, max: 10000 }),
    pollMs: number('AGGREGATOR_POLL_MS', 1000, { min: 100 }),
    requestTimeoutMs: number('AGGREGATOR_REQUEST_TIMEOUT_MS', 2000, { min: 100 }),
    brokerIdleTimeoutMs: number('AGGREGATOR_BROKER_IDLE_TIMEOUT_MS', 10000, { min: 500 }),
    uiDist: path.resolve(env.AGGREGATOR_UI_DIST || path.join(here, '..', '..', 'ui', 'dist')),
    brokerUrl: url('BROKER_URL', 'http://127.0.0.1:8080'),
    // The bearer token the aggregator sends to a broker with security on (docs/security.md).
    brokerToken,
    // When set, Start/Stop/rate and changes through /api/broker/* need `Authorization: Bearer <it>`.
    adminToken,
    services: {
      payments: url('PAYMENTS_URL', 'http://127.0.0.1:8081'),
      orders: url('ORDERS_URL', 'http://127.0.0.1:8082'),
      notifications: url('NOTIFICATIONS_URL', 'http://127.0.0.1:8083'),
      analytics: url('ANALYTICS_URL', 'http://127.0.0.1:8084'),
    },
  };
}
