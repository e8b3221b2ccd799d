/**
 * The one place that knows the demo services' HTTP shapes. Everything else in the aggregator (and the
 * dashboard) sees only what these functions return, so a change in the services is a change here.
 *
 * Assumed (until docs/demo-services.md on the demo branch says otherwise):
 *   GET  /stats          -> {service, eventsPerSec, processed, errors, retries, dlq,
 *                            processingLatencyMs{p50,p95,p99}, endToEndLatencyMs{p50,p95,p99}}
 *   GET  /control        -> Payments only: {running, perSecond} (perMinute accepted instead)
 *   POST /control/start, POST /control/stop, PUT /control/rate {perSecond} | {perMinute}
 */

const num = (value) => (typeof value === 'number' && Number.isFinite(value) ? value : null);

function latency(value) {
  const v = value && typeof value === 'object' ? value : {};
  return { p50: num(v.p50), p95: num(v.p95), p99: num(v.p99) };
}

/** A service's `/stats` body as the snapshot carries it; unknown fields are dropped, missing ones null. */
export function normalizeStats(name, body) {
  const b = body && typeof body === 'object' ? body : {};
  return {
    service: typeof b.service === 'string' ? b.service : name,
    eventsPerSec: num(b.eventsPerSec),
    processed: num(b.processed),
    errors: num(b.errors),
    retries: num(b.retries),
    dlq: num(b.dlq),
    processingLatencyMs: latency(b.processingLatencyMs),
    endToEndLatencyMs: latency(b.endToEndLatencyMs),
  };
}

/** Payments' `/control` body as {running, perSecond}. */
export function normalizeControl(body) {
  const b = body && typeof body === 'object' ? body : {};
  let perSecond = num(b.perSecond);
  if (perSecond === null && num(b.perMinute) !== null) perSecond = b.perMinute / 60;
  return { running: b.running === true, perSecond };
}

export const MAX_PER_SECOND = 1_000_000;

/**
 * Checks a rate request from a browser: exactly one of `perSecond`, `perMinute`, a positive finite
 * number, at most 1,000,000 events/s. Returns {body} to forward to Payments, or {error} for a 400.
 */
export function validateRate(input) {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    return { error: 'body must be a JSON object: {"perSecond": n} or {"perMinute": n}' };
  }
  const keys = Object.keys(input);
  const unknown = keys.filter((k) => k !== 'perSecond' && k !== 'perMinute');
  if (unknown.length) return { error: `unknown field ${unknown.join(', ')}: send perSecond or perMinute` };
  if (keys.length !== 1) return { error: 'send exactly one of perSecond or perMinute' };
  const [key] = keys;
  const value = input[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    return { error: `${key} must be a positive number` };
  }
  const perSecond = key === 'perSecond' ? value : value / 60;
  if (perSecond > MAX_PER_SECOND) {
    return { error: `${key} ${value} is above the limit of ${MAX_PER_SECOND} events/s` };
  }
  return { body: { [key]: value } };
}

export const CONTROL_PATHS = {
  state: { method: 'GET', path: '/control' },
  start: { method: 'POST', path: '/control/start' },
  stop: { method: 'POST', path: '/control/stop' },
  rate: { method: 'PUT', path: '/control/rate' },
};
