/**
 * The one place that knows the demo services' HTTP shapes (docs/demo-services.md on the demo branch).
 * Everything else in the aggregator, and the dashboard, sees only what these functions return, so a
 * change in the services is a change here.
 *
 *   GET  /stats          -> {service, instance, role, group, events{total, perSecond},
 *                            latencyMs{processing{count, p50, p95, p99, ...}, endToEnd{...}},
 *                            errors, retries, dlq, details{...}}
 *   GET  /control        -> Payments: {running, eventsPerMinute, eventsPerSecond, sent, sendFailures}
 *   POST /control/start, POST /control/stop   -> the same state
 *   PUT  /control/rate   {eventsPerMinute} | {eventsPerSecond}, 1/min to 6,000,000/min
 */

const num = (value) => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const obj = (value) => (value && typeof value === 'object' && !Array.isArray(value) ? value : {});

/** Percentiles over the service's window; a window without events (count 0) is a gap, not a zero. */
function latency(value) {
  const v = obj(value);
  if (v.count === 0) return { p50: null, p95: null, p99: null };
  return { p50: num(v.p50), p95: num(v.p95), p99: num(v.p99) };
}

/**
 * A service's `/stats` as the snapshot carries it: {service, instance, eventsPerSec, processed, errors,
 * retries, dlq, processingLatencyMs, endToEndLatencyMs}; unknown fields dropped, missing ones null.
 * For Payments `eventsPerSec`/`processed` are events sent and its end-to-end latency is null.
 */
export function normalizeStats(name, body) {
  const b = obj(body);
  const events = obj(b.events);
  const latencyMs = obj(b.latencyMs);
  return {
    service: typeof b.service === 'string' ? b.service : name,
    instance: typeof b.instance === 'string' ? b.instance : null,
    eventsPerSec: num(events.perSecond),
    processed: num(events.total),
    errors: num(b.errors),
    retries: num(b.retries),
    dlq: num(b.dlq),
    processingLatencyMs: latency(latencyMs.processing),
    endToEndLatencyMs: b.role === 'producer' ? latency({ count: 0 }) : latency(latencyMs.endToEnd),
  };
}

/** Payments' control state as the snapshot and `GET /api/control` carry it. */
export function normalizeControl(body) {
  const b = obj(body);
  let eventsPerSecond = num(b.eventsPerSecond);
  const eventsPerMinute = num(b.eventsPerMinute);
  if (eventsPerSecond === null && eventsPerMinute !== null) eventsPerSecond = eventsPerMinute / 60;
  return {
    running: b.running === true,
    eventsPerSecond,
    eventsPerMinute: eventsPerMinute ?? (eventsPerSecond === null ? null : eventsPerSecond * 60),
    sent: num(b.sent),
    sendFailures: num(b.sendFailures),
  };
}

/** Payments' accepted range: 1 event/min to 6,000,000/min (100,000/s). */
export const MIN_PER_MINUTE = 1;
export const MAX_PER_MINUTE = 6_000_000;

const PER_MINUTE = { eventsPerMinute: 1, perMinute: 1, eventsPerSecond: 60, perSecond: 60 };

/**
 * Checks a rate request from a browser: exactly one of `eventsPerSecond` or `eventsPerMinute`
 * (`perSecond`/`perMinute` accepted as aliases), a number within Payments' range. Returns {body} to
 * forward to Payments, or {error} for a 400.
 */
export function validateRate(input) {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    return { error: 'body must be a JSON object: {"eventsPerSecond": n} or {"eventsPerMinute": n}' };
  }
  const keys = Object.keys(input);
  const unknown = keys.filter((k) => !(k in PER_MINUTE));
  if (unknown.length) return { error: `unknown field ${unknown.join(', ')}: send eventsPerSecond or eventsPerMinute` };
  if (keys.length !== 1) return { error: 'send exactly one of eventsPerSecond or eventsPerMinute' };
  const [key] = keys;
  const value = input[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    return { error: `${key} must be a positive number` };
  }
  const perMinute = value * PER_MINUTE[key];
  if (perMinute < MIN_PER_MINUTE || perMinute > MAX_PER_MINUTE) {
    return { error: `${key} ${value} is outside the range Payments accepts: 1 to 6,000,000 events per minute (100,000/s)` };
  }
  return { body: PER_MINUTE[key] === 1 ? { eventsPerMinute: value } : { eventsPerSecond: value } };
}

export const CONTROL_PATHS = {
  state: { method: 'GET', path: '/control' },
  start: { method: 'POST', path: '/control/start' },
  stop: { method: 'POST', path: '/control/stop' },
  rate: { method: 'PUT', path: '/control/rate' },
};
