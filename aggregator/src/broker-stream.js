import http from 'node:http';
import https from 'node:https';
import { SseParser } from './sse-parser.js';

/**
 * Follows the broker's live metrics stream (`GET /api/v1/metrics/stream`, Server-Sent Events) and keeps
 * the latest snapshot. When the stream fails, ends, answers an error status or stays silent longer than
 * `idleTimeoutMs`, the source is marked down and a new connection is tried after a delay: the broker's
 * `retry` hint (or a 503's `Retry-After`) for the first attempt, doubling on each failure up to
 * `maxDelayMs`, back to the hint once a snapshot arrives. The last event id goes out as
 * `Last-Event-ID`, as EventSource does (the broker ignores it today and always starts with its latest).
 */
export class BrokerStream {
  latest = null;
  status = { up: false, since: Date.now(), error: 'connecting', reconnects: 0 };
  #request = null;
  /** The broker's bearer token (BROKER_TOKEN), when its security is on; never logged. */
  #token;
  #timer = null;
  #idleTimer = null;
  #retryMs;
  #failures = 0;
  #lastEventId = '';
  #closed = false;

  constructor({ url, token = null, idleTimeoutMs = 10000, initialRetryMs = 1000, maxDelayMs = 30000, onSnapshot = () => {} }) {
    this.url = `${url}/api/v1/metrics/stream`;
    this.#token = token;
    this.idleTimeoutMs = idleTimeoutMs;
    this.#retryMs = initialRetryMs;
    this.maxDelayMs = maxDelayMs;
    this.onSnapshot = onSnapshot;
  }

  start() {
    this.#connect();
    return this;
  }

  close() {
    this.#closed = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#idleTimer);
    this.#request?.destroy();
  }

  /** The delay before the next attempt: the server's hint, doubled per consecutive failure. */
  nextDelayMs() {
    return Math.min(this.maxDelayMs, this.#retryMs * 2 ** Math.max(0, this.#failures - 1));
  }

  #connect() {
    if (this.#closed) return;
    const headers = { Accept: 'text/event-stream', 'Cache-Control': 'no-cache' };
    if (this.#lastEventId) headers['Last-Event-ID'] = this.#lastEventId;
    if (this.#token) headers.Authorization = `Bearer ${this.#token}`;
    const client = this.url.startsWith('https:') ? https : http;
    const request = client.get(this.url, { headers });
    this.#request = request;
    request.on('response', (response) => {
      const type = response.headers['content-type'] || '';
      if (response.statusCode !== 200 || !type.startsWith('text/event-stream')) {
        const retryAfter = Number(response.headers['retry-after']);
        if (Number.isFinite(retryAfter) && retryAfter > 0) this.#retryMs = retryAfter * 1000;
        response.resume();
        return this.#fail(request, `HTTP ${response.statusCode} from ${this.url}`);
      }
      response.setEncoding('utf8');
      const parser = new SseParser((event) => this.#event(event), (ms) => { this.#retryMs = ms; });
      this.#armIdle(request);
      response.on('data', (chunk) => {
        this.#armIdle(request);
        parser.push(chunk);
      });
      response.on('end', () => this.#fail(request, 'stream ended'));
      response.on('error', (error) => this.#fail(request, error.message));
    });
    request.on('error', (error) => this.#fail(request, error.code || error.message));
  }

  #event({ event, data, id }) {
    if (event !== 'snapshot' && event !== 'message') return;
    let snapshot;
    try {
      snapshot = JSON.parse(data);
    } catch {
      return; // one bad event is skipped; the next one replaces it
    }
    if (id) this.#lastEventId = id;
    this.latest = snapshot;
    this.#failures = 0;
    if (!this.status.up) this.status = { up: true, since: Date.now(), error: null, reconnects: this.status.reconnects };
    this.onSnapshot(snapshot);
  }

  #armIdle(request) {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => this.#fail(request, `no data for ${this.idleTimeoutMs} ms`), this.idleTimeoutMs);
    this.#idleTimer.unref?.();
  }

  #fail(request, error) {
    if (request !== this.#request || this.#closed) return; // an old connection, already replaced
    this.#request = null;
    clearTimeout(this.#idleTimer);
    request.destroy();
    this.#failures += 1;
    const wasUp = this.status.up;
    this.status = {
      up: false,
      since: wasUp ? Date.now() : this.status.since,
      error,
      reconnects: this.status.reconnects + 1,
    };
    this.#timer = setTimeout(() => this.#connect(), this.nextDelayMs());
    this.#timer.unref?.();
  }
}
