import type { Snapshot } from '../types';
import { CONSUMER_SERVICES } from '../types';

/** uPlot's data layout: x values (seconds), then one array per series; null draws a gap. */
export type ChartData = [number[], ...(number | null)[][]];

export interface SeriesSet {
  labels: string[];
  data: ChartData;
  /** One colour per series; a service keeps its colour in every chart. */
  colours: string[];
}

/** Okabe–Ito colours (colour-blind safe, readable on light and dark): one per service, the rest in turn. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#7f7f7f', '#F0E442'];
const NAMED: Record<string, string> = {
  broker: '#0072B2', payments: '#E69F00', orders: '#009E73', notifications: '#CC79A7', analytics: '#D55E00',
};

/**
 * The colour of a series: its service's (by the label's first word), else the next palette colour that
 * no service in this chart has.
 */
export function coloursFor(labels: string[]): string[] {
  const named = labels.map((label) => NAMED[label.split(' ')[0]]);
  const free = PALETTE.filter((c) => !named.includes(c));
  let next = 0;
  return named.map((colour) => colour ?? free[next++ % free.length]);
}

const time = (snapshots: Snapshot[]) => snapshots.map((s) => s.ts / 1000);

function build(snapshots: Snapshot[], columns: { label: string; value: (s: Snapshot) => number | null | undefined }[]): SeriesSet {
  const labels = columns.map((c) => c.label);
  return {
    labels,
    data: [time(snapshots), ...columns.map((c) => snapshots.map((s) => c.value(s) ?? null))],
    colours: coloursFor(labels),
  };
}

/**
 * Events/s: what the broker took in and handed out, and what every service says it produced or
 * consumed. Broker out is the sky blue beside broker in's blue.
 */
export function throughputSeries(snapshots: Snapshot[]): SeriesSet {
  const set = build(snapshots, [
    { label: 'broker in', value: (s) => s.broker?.totals.eventsInPerSec },
    { label: 'broker out', value: (s) => s.broker?.totals.eventsOutPerSec },
    { label: 'payments produced', value: (s) => s.services.payments?.eventsPerSec },
    ...CONSUMER_SERVICES.map((name) => ({ label: `${name} consumed`, value: (s: Snapshot) => s.services[name]?.eventsPerSec })),
  ]);
  set.colours[1] = PALETTE[4];
  return set;
}

/** Lag per consumer group, one series for every group seen in the window. */
export function lagSeries(snapshots: Snapshot[]): SeriesSet {
  const groups = [...new Set(snapshots.flatMap((s) => s.broker?.groups.map((g) => g.group) ?? []))].sort();
  return build(snapshots, groups.map((group) => ({
    label: group,
    value: (s: Snapshot) => (s.broker ? (s.broker.groups.find((g) => g.group === group)?.lag ?? null) : null),
  })));
}

/**
 * Broker enqueue latency percentiles (null over an interval without appends: a gap), in the broker's
 * blues: p50 light, p95 and p99 (drawn dashed) dark.
 */
export function enqueueLatencySeries(snapshots: Snapshot[]): SeriesSet {
  const set = build(snapshots, (['p50', 'p95', 'p99'] as const).map((p) => ({ label: p, value: (s: Snapshot) => s.broker?.latencyMs[p] })));
  set.colours = [PALETTE[4], NAMED.broker, NAMED.broker];
  return set;
}

/** End-to-end latency (record timestamp to processed) of every consumer service, p50 and p99. */
export function endToEndSeries(snapshots: Snapshot[]): SeriesSet {
  return build(snapshots, CONSUMER_SERVICES.flatMap((name) => (['p50', 'p99'] as const).map((p) => ({
    label: `${name} ${p}`,
    value: (s: Snapshot) => s.services[name]?.endToEndLatencyMs[p],
  }))));
}

export type LagHealth = 'OK' | 'WARN' | 'STALL' | 'STOP' | 'UNKNOWN';

/**
 * A group's lag health over the window, after Burrow's rules, on the snapshots we have (UNKNOWN before
 * two snapshots, or while the group has committed nothing):
 * OK when lag is zero at some point or falling; WARN when it rose in every one of the last few
 * snapshots; STALL when the committed offsets did not move while there was lag; STOP when the group
 * has no live member and lag is left.
 */
export function lagHealth(snapshots: Snapshot[], group: string, window = 10): LagHealth {
  const rows = snapshots.slice(-window).map((s) => s.broker?.groups.find((g) => g.group === group)).filter((g) => g !== undefined);
  const last = rows.at(-1);
  // Lag is measured from committed offsets: a group that has committed nothing has no lag to judge.
  if (!last || rows.length < 2 || last.partitions.length === 0) return 'UNKNOWN';
  if (last.lag === 0 || rows.some((r) => r.lag === 0)) return 'OK';
  if (last.members === 0) return 'STOP';
  const committed = (r: typeof last) => r.partitions.reduce((sum, p) => sum + p.committedOffset, 0);
  if (committed(rows[0]) === committed(last)) return 'STALL';
  const rising = rows.slice(1).every((r, i) => r.lag > rows[i].lag);
  return rising && rows.length >= 4 ? 'WARN' : 'OK';
}

/** Lag in time: how long the group needs to read its lag at its current rate (seconds), if it reads. */
export function lagSeconds(lag: number, eventsPerSec: number | null | undefined): number | null {
  if (lag === 0) return 0;
  if (!eventsPerSec || eventsPerSec <= 0) return null;
  return lag / eventsPerSec;
}
