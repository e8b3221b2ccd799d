// The aggregator's merged snapshot (aggregator/README.md) and the broker's part of it (docs/metrics.md).

export interface Rates {
  eventsInPerSec: number;
  bytesInPerSec: number;
  eventsOutPerSec: number;
  bytesOutPerSec: number;
}

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface BrokerPartition {
  partition: number;
  rates: Rates;
  logStartOffset: number;
  logEndOffset: number;
  queueDepth: number;
  pendingAppendBytes: number;
  pendingAppends: number;
}

export interface BrokerGroup {
  group: string;
  state: string;
  members: number;
  lag: number;
  partitions: { topic: string; partition: number; committedOffset: number; logEndOffset: number; lag: number }[];
}

export interface BrokerSnapshot {
  seq: number;
  ts: number;
  intervalMs: number;
  totals: Rates;
  latencyMs: Percentiles & { max: number | null; count: number };
  active: { producers: number; consumers: number; groups: number; members: number; rebalances: number };
  topics: { topic: string; rates: Rates; partitions: BrokerPartition[] }[];
  groups: BrokerGroup[];
}

export interface ServiceStats {
  service: string;
  instance: string | null;
  eventsPerSec: number | null;
  processed: number | null;
  errors: number | null;
  retries: number | null;
  dlq: number | null;
  processingLatencyMs: Percentiles;
  endToEndLatencyMs: Percentiles;
}

export interface SourceStatus {
  up: boolean;
  since: number;
  error: string | null;
}

export interface ControlState {
  up: boolean;
  error: string | null;
  running: boolean;
  eventsPerSecond: number | null;
  eventsPerMinute: number | null;
  sent: number | null;
  sendFailures: number | null;
}

export interface Snapshot {
  seq: number;
  ts: number;
  sources: Record<string, SourceStatus>;
  broker: BrokerSnapshot | null;
  services: Record<string, ServiceStats | null>;
  control: ControlState;
}

export const CONSUMER_SERVICES = ['orders', 'notifications', 'analytics'] as const;
