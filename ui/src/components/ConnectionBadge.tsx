import { useEffect, useState } from 'react';
import type { Connection } from '../live/useLiveSnapshots';
import type { Snapshot } from '../types';

const TEXT: Record<Connection, string> = { connecting: 'connecting…', live: 'live', reconnecting: 'disconnected — reconnecting…' };

/** The dashboard's link to the aggregator, and which sources the aggregator itself reaches. */
export function ConnectionBadge({ connection, latest }: { connection: Connection; latest: Snapshot | null }) {
  const down = latest ? Object.entries(latest.sources).filter(([, s]) => !s.up) : [];
  const dim = useBlink(connection === 'reconnecting');
  return (
    <div className="status-line">
      <span className={`badge badge-${connection}`} role="status" data-connection={connection}>
        <span className={dim ? 'dot dim' : 'dot'} aria-hidden="true" /> {TEXT[connection]}
      </span>
      {connection === 'live' && down.map(([name, s]) => (
        <span key={name} className="badge badge-down" title={s.error ?? undefined}>{name} down</span>
      ))}
    </div>
  );
}

/**
 * True every other half second while `active`: the reconnecting dot's blink. A timer, not a CSS
 * animation, because an animation (even a stepped one) makes the browser produce a frame 60 times a
 * second for as long as the aggregator is away: 3.5–7% of a core in headless Chromium, against two
 * small repaints a second here.
 */
function useBlink(active: boolean): boolean {
  const [dim, setDim] = useState(false);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setDim((d) => !d), 500);
    return () => {
      clearInterval(timer);
      setDim(false);
    };
  }, [active]);
  return dim;
}
