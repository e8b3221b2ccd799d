import type { BrokerSnapshot, ServiceStats, Snapshot } from '../types';

const T0 = 1_795_621_000_000;

export function stats(service: string, eventsPerSec: number): ServiceStats {
  return {
    service, instance: `${service}-1`, eventsPerSec, processed: eventsPerSec * 10, errors: 1, retries: 2, dlq: 0,
    processingLatencyMs: { p50: 1, p95: 2, p99: 3 }, endToEndLatencyMs: { p50: 4, p95: 5, p99: 6 },
  };
}

/** The broker's part: one topic `payments` with two partitions, and the given group lags. */
export function brokerSnapshot(lags: Record<string, number> = {}, members = 1, committed = 0): BrokerSnapshot {
  const rates = { eventsInPerSec: 100, bytesInPerSec: 1000, eventsOutPerSec: 300, bytesOutPerSec: 3000 };
  return {
    seq: 1, ts: T0, intervalMs: 1000, totals: rates,
    latencyMs: { p50: 1, p95: 2.5, p99: 4, max: 5, count: 10 },
    active: { producers: 1, consumers: 3, groups: 3, members: 3, rebalances: 1 },
    topics: [{ topic: 'payments', rates, partitions: [0, 1].map((partition) => ({ partition, rates, logStartOffset: 0, logEndOffset: 100, queueDepth: 10 * (partition + 1), pendingAppendBytes: 0, pendingAppends: 0 })) }],
    groups: Object.entries(lags).map(([group, lag]) => ({
      group, state: 'STABLE', members, lag,
      partitions: [{ topic: 'payments', partition: 0, committedOffset: committed, logEndOffset: committed + lag, lag }],
    })),
  };
}

/** A merged snapshot with services at the given rates (a service left out is down). */
export function snapshot(seq: number, rates: Record<string, number> = {}, lags: Record<string, number> = {}): Snapshot {
  const names = ['payments', 'orders', 'notifications', 'analytics'];
  return {
    seq, ts: T0 + seq * 500,
    sources: Object.fromEntries([['broker', { up: true, since: T0, error: null }], ...names.map((n) => [n, { up: n in rates, since: T0, error: n in rates ? null : 'ECONNREFUSED' }])]),
    broker: brokerSnapshot(lags),
    services: Object.fromEntries(names.map((n) => [n, n in rates ? stats(n, rates[n]) : null])),
    control: { up: true, error: null, running: false, eventsPerSecond: 200, eventsPerMinute: 12000, sent: 0, sendFailures: 0 },
  };
}
