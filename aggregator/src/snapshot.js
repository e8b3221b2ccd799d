/**
 * One merged snapshot, the only shape browsers receive:
 *
 * {
 *   seq, ts,                               // the aggregator's own numbering and clock (epoch ms)
 *   sources: { broker: {up, since, error}, payments: {...}, orders: {...}, ... },
 *   broker: <the broker's latest metrics snapshot (docs/metrics.md) or null while it is down>,
 *   services: { payments: <normalized /stats or null>, orders: ..., notifications: ..., analytics: ... },
 *   control: { up, error, running, perSecond }   // Payments' stream state
 * }
 *
 * A broker snapshot older than `staleMs` counts as down: the stream may still be open but silent.
 */
export function mergeSnapshot({ seq, now, broker, services, control, staleMs = 5000 }) {
  const sources = {};
  let brokerSnapshot = broker.latest;
  let brokerStatus = { up: broker.status.up, since: broker.status.since, error: broker.status.error };
  if (brokerStatus.up && brokerSnapshot && now - brokerSnapshot.ts > staleMs && now - brokerStatus.since > staleMs) {
    brokerStatus = { up: false, since: brokerSnapshot.ts, error: `no snapshot for ${Math.round((now - brokerSnapshot.ts) / 1000)} s` };
  }
  if (!brokerStatus.up) brokerSnapshot = null;
  sources.broker = brokerStatus;

  const merged = {};
  for (const [name, state] of Object.entries(services)) {
    sources[name] = { up: state.up, since: state.since, error: state.error };
    merged[name] = state.up ? state.stats : null;
  }
  return { seq, ts: now, sources, broker: brokerSnapshot, services: merged, control: { ...control } };
}
