import { useEffect, useRef, useState } from 'react';
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

interface State {
  snapshots: Snapshot[];
  connection: Connection;
}

type Action = { type: 'connection'; connection: Connection } | { type: 'snapshots'; incoming: Snapshot[] };

/** Connection and snapshots in one state, so that a snapshot (which also means 'live') is one render. */
function reduce(state: State, action: Action): State {
  if (action.type === 'connection') return action.connection === state.connection ? state : { ...state, connection: action.connection };
  const snapshots = appendSnapshots(state.snapshots, action.incoming);
  return snapshots === state.snapshots && state.connection === 'live' ? state : { snapshots, connection: 'live' };
}

const INITIAL: State = { snapshots: [], connection: 'connecting' };

/**
 * Follows the aggregator's `/api/stream`. EventSource reconnects by itself (after the `retry` the
 * aggregator sends, with Last-Event-ID, so only the missed snapshots come back); while it does, the
 * connection is 'reconnecting' and the dashboard says so. If the browser gives up (it closes the
 * source on an HTTP error), a new EventSource is opened after 3 s.
 *
 * Every event that changes something is one state update, so one render. While the tab is hidden,
 * snapshots are only kept (the last KEEP of them) and nothing renders or draws; they are handed over
 * in one update when the tab is shown again. Browsers slow timers in hidden tabs, but not EventSource events, nor React's
 * renders, nor uPlot's redraws (which run in a microtask, not in an animation frame).
 */
export function useLiveSnapshots(url = '/api/stream'): Live {
  const [state, setState] = useState(INITIAL);
  const current = useRef(state);

  useEffect(() => {
    // Reduced here rather than in a useReducer so that an event that changes nothing (a snapshot we
    // already have) does not even call the component again.
    const dispatch = (action: Action) => {
      const next = reduce(current.current, action);
      if (next === current.current) return;
      current.current = next;
      setState(next);
    };
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let held: Snapshot[] = []; // what arrived while the tab was hidden
    const receive = (incoming: Snapshot[]) => {
      if (document.hidden) held = appendSnapshots(held, incoming);
      else dispatch({ type: 'snapshots', incoming });
    };
    const onVisibility = () => {
      if (document.hidden || held.length === 0) return;
      dispatch({ type: 'snapshots', incoming: held });
      held = [];
    };
    const open = () => {
      source = new EventSource(url);
      source.addEventListener('open', () => dispatch({ type: 'connection', connection: 'live' }));
      source.addEventListener('history', (e) => receive(JSON.parse((e as MessageEvent).data) as Snapshot[]));
      source.addEventListener('snapshot', (e) => receive([JSON.parse((e as MessageEvent).data) as Snapshot]));
      source.addEventListener('error', () => {
        dispatch({ type: 'connection', connection: 'reconnecting' });
        if (source?.readyState === EventSource.CLOSED && !stopped) {
          source.close();
          retry = setTimeout(open, 3000);
        }
      });
    };
    open();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [url]);

  return { snapshots: state.snapshots, latest: state.snapshots.at(-1) ?? null, connection: state.connection };
}
