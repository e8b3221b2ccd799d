import type { Connection } from '../live/useLiveSnapshots';
import type { Snapshot } from '../types';

const TEXT: Record<Connection, string> = { connecting: 'connecting…', live: 'live', reconnecting: 'disconnected — reconnecting…' };

/** The dashboard's link to the aggregator, and which sources the aggregator itself reaches. */
export function ConnectionBadge({ connection, latest }: { connection: Connection; latest: Snapshot | null }) {
  const down = latest ? Object.entries(latest.sources).filter(([, s]) => !s.up) : [];
  return (
    <div className="status-line">
      <span className={`badge badge-${connection}`} role="status" data-connection={connection}>
        <span className="dot" aria-hidden="true" /> {TEXT[connection]}
      </span>
      {connection === 'live' && down.map(([name, s]) => (
        <span key={name} className="badge badge-down" title={s.error ?? undefined}>{name} down</span>
      ))}
    </div>
  );
}
