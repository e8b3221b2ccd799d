import type { Snapshot } from '../types';
import { CONSUMER_SERVICES } from '../types';
import { lagHealth, lagSeconds } from '../live/series';
import { formatNumber } from '../format';

const n = (v: number | null | undefined, unit = '') => (v === null || v === undefined ? '–' : `${formatNumber(v)}${unit}`);

/**
 * Orders, Notifications and Analytics side by side: rate, totals, failures, latencies, and their
 * consumer group's lag with its health (OK / WARN / STALL / STOP) and lag in time. A service's group is
 * assumed to carry the service's name.
 */
export function ConsumerComparison({ snapshots }: { snapshots: Snapshot[] }) {
  const latest = snapshots.at(-1);
  return (
    <section className="card wide" aria-label="Consumer performance">
      <h3>Consumer performance</h3>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th>service</th><th>events/s</th><th>processed</th><th>errors</th><th>retries</th><th>DLQ</th>
              <th>processing p50/p95/p99 ms</th><th>end-to-end p50/p95/p99 ms</th><th>lag</th><th>lag time</th><th>health</th>
            </tr>
          </thead>
          <tbody>
            {CONSUMER_SERVICES.map((name) => {
              const stats = latest?.services[name];
              const up = latest?.sources[name]?.up ?? false;
              const group = latest?.broker?.groups.find((g) => g.group === name);
              const health = lagHealth(snapshots, name);
              const lagTime = group ? lagSeconds(group.lag, stats?.eventsPerSec) : null;
              return (
                <tr key={name} className={up ? '' : 'down'}>
                  <th scope="row">{name}{!up && <span className="badge badge-down">down</span>}</th>
                  <td>{n(stats?.eventsPerSec)}</td>
                  <td>{n(stats?.processed)}</td>
                  <td>{n(stats?.errors)}</td>
                  <td>{n(stats?.retries)}</td>
                  <td>{n(stats?.dlq)}</td>
                  <td>{stats ? `${n(stats.processingLatencyMs.p50)} / ${n(stats.processingLatencyMs.p95)} / ${n(stats.processingLatencyMs.p99)}` : '–'}</td>
                  <td>{stats ? `${n(stats.endToEndLatencyMs.p50)} / ${n(stats.endToEndLatencyMs.p95)} / ${n(stats.endToEndLatencyMs.p99)}` : '–'}</td>
                  <td>{n(group?.lag)}</td>
                  <td>{lagTime === null ? '–' : `${lagTime.toFixed(1)} s`}</td>
                  <td><span className={`health health-${health}`}>{health}</span></td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
