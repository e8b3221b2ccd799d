import { useMemo } from 'react';
import type { Snapshot } from '../types';
import { LiveChart } from '../charts/LiveChart';
import { formatNumber } from '../format';
import { endToEndSeries, enqueueLatencySeries, lagSeries, throughputSeries } from '../live/series';
import { StreamControl } from '../components/StreamControl';
import { QueueDepth } from '../components/QueueDepth';
import { ConsumerComparison } from '../components/ConsumerComparison';

const isP99 = (i: number) => i % 2 === 1;
const isLast = (i: number) => i === 2;

/** The live overview: headline numbers, Start/Stop, the charts, queue depth and the consumers compared. */
export function Overview({ snapshots }: { snapshots: Snapshot[] }) {
  const latest = snapshots.at(-1) ?? null;
  const throughput = useMemo(() => throughputSeries(snapshots), [snapshots]);
  const lag = useMemo(() => lagSeries(snapshots), [snapshots]);
  const enqueue = useMemo(() => enqueueLatencySeries(snapshots), [snapshots]);
  const endToEnd = useMemo(() => endToEndSeries(snapshots), [snapshots]);
  const b = latest?.broker;
  const totalLag = b?.groups.reduce((sum, g) => sum + g.lag, 0);
  return (
    <div className="grid">
      <StreamControl control={latest?.control ?? null} />
      <section className="card headline" aria-label="Now">
        <Stat label="produced / s" value={b?.totals.eventsInPerSec} testId="produced-rate" />
        <Stat label="consumed / s" value={b?.totals.eventsOutPerSec} testId="consumed-rate" />
        <Stat label="total lag" value={totalLag} testId="total-lag" />
        <Stat label="enqueue p95 ms" value={b?.latencyMs.p95} />
        <Stat label="producers / consumers" text={b ? `${b.active.producers} / ${b.active.consumers}` : undefined} />
      </section>
      <LiveChart title="Events per second, produced and consumed" series={throughput} unit="/s" />
      <LiveChart title="Consumer lag per group (records)" series={lag} />
      <LiveChart title="Enqueue latency (ms)" series={enqueue} unit="ms" dashed={isLast} />
      <LiveChart title="End-to-end latency (ms)" series={endToEnd} unit="ms" dashed={isP99} />
      <QueueDepth broker={b ?? null} />
      <ConsumerComparison snapshots={snapshots} />
    </div>
  );
}

function Stat({ label, value, text, testId }: { label: string; value?: number | null; text?: string; testId?: string }) {
  const shown = text ?? (value === null || value === undefined ? '–' : formatNumber(value));
  return (
    <div className="stat">
      <span className="stat-value" data-testid={testId}>{shown}</span>
      <span className="stat-label">{label}</span>
    </div>
  );
}
