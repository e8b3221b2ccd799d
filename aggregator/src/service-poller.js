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

async function getJson(url, timeoutMs) {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { Accept: 'application/json' } });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`HTTP ${response.status}`);
  }
  return response.json();
}

export function describe(error) {
  if (error?.name === 'TimeoutError') return 'timed out';
  const cause = error?.cause;
  if (cause?.code) return cause.code;
  return error?.message || String(error);
}
