import http from 'node:http';
import https from 'node:https';
import { normalizeControl, normalizeStats } from './service-adapter.js';

/**
 * Polls every demo service's `/stats` (and Payments' `/control`) once per `pollMs`. A service that does
 * not answer within `timeoutMs`, answers an error or bad JSON is marked down with the reason; its
 * numbers become null so the charts draw a gap. Polls never overlap: a slow service delays only itself.
 */
export class ServicePoller {
  #timer = null;
  #inFlight = new Set();

  constructor({ services, pollMs = 1000, timeoutMs = 2000 }) {
    this.services = services;
    this.pollMs = pollMs;
    this.timeoutMs = timeoutMs;
    this.state = {};
    for (const name of Object.keys(services)) {
      this.state[name] = { up: false, since: Date.now(), error: 'not polled yet', stats: null };
    }
    this.control = { up: false, error: 'not polled yet', ...normalizeControl(null) };
  }

  start() {
    this.pollAll();
    this.#timer = setInterval(() => this.pollAll(), this.pollMs);
    this.#timer.unref?.();
    return this;
  }

  close() {
    clearInterval(this.#timer);
  }

  pollAll() {
    for (const name of Object.keys(this.services)) this.#once(name, () => this.#pollStats(name));
    if (this.services.payments) this.#once('payments/control', () => this.pollControl());
  }

  async #once(key, poll) {
    if (this.#inFlight.has(key)) return;
    this.#inFlight.add(key);
    try {
      await poll();
    } finally {
      this.#inFlight.delete(key);
    }
  }

  async #pollStats(name) {
    const previous = this.state[name];
    try {
      const body = await getJson(`${this.services[name]}/stats`, this.timeoutMs);
      this.state[name] = {
        up: true, since: previous.up ? previous.since : Date.now(), error: null, stats: normalizeStats(name, body),
      };
    } catch (error) {
      this.state[name] = { up: false, since: previous.up ? Date.now() : previous.since, error: describe(error), stats: null };
    }
  }

  async pollControl() {
    try {
      const body = await getJson(`${this.services.payments}/control`, this.timeoutMs);
      this.control = { up: true, error: null, ...normalizeControl(body) };
    } catch (error) {
      this.control = { ...this.control, up: false, error: describe(error) };
    }
  }
}

/**
 * Kept-alive connections to the services: polls reuse them instead of connecting every second. At five
 * polls a second, fetch (undici, with its web streams and per-request abort signal) was most of the
 * aggregator's CPU; node:http does the same GET for a fraction of it.
 */
const AGENTS = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

/** GETs `url` and parses its JSON body; rejects on a non-2xx status, bad JSON, an error or `timeoutMs`. */
export function getJson(url, timeoutMs) {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const client = target.protocol === 'https:' ? https : http;
    const req = client.get(target, { agent: AGENTS[target.protocol], headers: { Accept: 'application/json' } }, (res) => {
      if (res.statusCode < 200 || res.statusCode >= 300) {
        res.resume();
        fail(new Error(`HTTP ${res.statusCode}`));
        return;
      }
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('error', fail);
      res.on('end', () => {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (error) {
          reject(error);
        }
      });
    });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' })), timeoutMs);
    req.on('error', fail);
    function fail(error) {
      clearTimeout(timer);
      reject(error);
    }
  });
}

export function describe(error) {
  if (error?.name === 'TimeoutError') return 'timed out';
  if (error?.code) return error.code; // node:http's connection errors: ECONNREFUSED, ECONNRESET, ...
  const cause = error?.cause;
  if (cause?.code) return cause.code; // fetch's
  return error?.message || String(error);
}
