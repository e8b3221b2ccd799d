import { useEffect, useState } from 'react';
import type { Snapshot } from '../types';

export type Connection = 'connecting' | 'live' | 'reconnecting';

export interface Live {
  snapshots: Snapshot[];
  latest: Snapshot | null;
  connection: Connection;
}

/** How many snapshots the charts keep: the aggregator's default history (120 = one minute at 2/s). */
export const KEEP = 120;

/**
 * Appends snapshots, oldest first, by `seq`: one we already have is ignored; a seq at or below the last
 * one's but taken later means the aggregator restarted (its numbering began again), so the old series
 * is dropped.
 */
export function appendSnapshots(current: Snapshot[], incoming: Snapshot[], keep = KEEP): Snapshot[] {
  let next = current.slice();
  let changed = false;
  for (const snapshot of incoming) {
    const last = next.at(-1);
    if (last && snapshot.seq <= last.seq) {
      if (snapshot.ts <= last.ts) continue; // already have it
      next = []; // the aggregator restarted
    }
    next.push(snapshot);
    changed = true;
  }
  if (!changed) return current;
  return next.length > keep ? next.slice(next.length - keep) : next;
}

/**
 * Follows the aggregator's `/api/stream`. EventSource reconnects by itself (after the `retry` the
 * aggregator sends, with Last-Event-ID, so only the missed snapshots come back); while it does, the
 * connection is 'reconnecting' and the dashboard says so. If the browser gives up (it closes the
 * source on an HTTP error), a new EventSource is opened after 3 s.
 */
export function useLiveSnapshots(url = '/api/stream'): Live {
  const [snapshots, setSnapshots] = useState<Snapshot[]>([]);
  const [connection, setConnection] = useState<Connection>('connecting');

  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const open = () => {
      source = new EventSource(url);
      source.addEventListener('open', () => setConnection('live'));
      source.addEventListener('history', (e) => {
        setConnection('live');
        setSnapshots((s) => appendSnapshots(s, JSON.parse((e as MessageEvent).data) as Snapshot[]));
      });
      source.addEventListener('snapshot', (e) => {
        setConnection('live');
        setSnapshots((s) => appendSnapshots(s, [JSON.parse((e as MessageEvent).data) as Snapshot]));
      });
      source.addEventListener('error', () => {
        setConnection('reconnecting');
        if (source?.readyState === EventSource.CLOSED && !stopped) {
          source.close();
          retry = setTimeout(open, 3000);
        }
      });
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
    };
  }, [url]);

  return { snapshots, latest: snapshots.at(-1) ?? null, connection };
}
