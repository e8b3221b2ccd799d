import crypto from 'node:crypto';
import { sendProblem } from './http-util.js';

const READS = new Set(['GET', 'HEAD']);

/**
 * Guards the aggregator's changes (Start/Stop/rate, and non-GET requests proxied to the broker) with
 * AGGREGATOR_ADMIN_TOKEN: the request must carry `Authorization: Bearer <token>`, else it is a 401
 * problem detail. Reads stay open, so the dashboard's views work without a token. Without a configured
 * token everything passes, as in the local demo. Tokens are compared as SHA-256 digests with
 * `timingSafeEqual`, so neither length nor content leaks through timing; they are never logged.
 *
 * Returns `allowed(req, res)`: true to go on, false when it already answered.
 */
export function createAdminGuard(adminToken) {
  if (!adminToken) return () => true;
  const expected = digest(adminToken);
  return function allowed(req, res) {
    if (READS.has(req.method)) return true;
    const header = req.headers.authorization || '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match && crypto.timingSafeEqual(digest(match[1]), expected)) return true;
    res.setHeader('WWW-Authenticate', match ? 'Bearer error="invalid_token"' : 'Bearer');
    sendProblem(res, 401, match
      ? `the bearer token is not the admin token (${req.method} ${new URL(req.url, 'http://localhost').pathname})`
      : `an admin token is required: send Authorization: Bearer <AGGREGATOR_ADMIN_TOKEN> (${req.method} ${new URL(req.url, 'http://localhost').pathname})`);
    return false;
  };
}

function digest(token) {
  return crypto.createHash('sha256').update(token, 'utf8').digest();
}
