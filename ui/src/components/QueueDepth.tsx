import type { BrokerSnapshot } from '../types';
import { formatNumber } from '../format';

/** Queue depth of every partition now, as horizontal bars scaled to the deepest one. */
export function QueueDepth({ broker }: { broker: BrokerSnapshot | null }) {
  const rows = broker?.topics.flatMap((t) => t.partitions.map((p) => ({ key: `${t.topic}-${p.partition}`, depth: p.queueDepth, pending: p.pendingAppends }))) ?? [];
  const max = Math.max(1, ...rows.map((r) => r.depth));
  return (
    <section className="card" aria-label="Queue depth per partition">
      <h3>Queue depth per partition</h3>
      {rows.length === 0 && <p className="muted">{broker ? 'no topics yet' : 'broker not reachable'}</p>}
      <ul className="bars">
        {rows.map((r) => (
          <li key={r.key}>
            <span className="bar-label">{r.key}</span>
            <span className="bar-track"><span className="bar-fill" style={{ width: `${(100 * r.depth) / max}%` }} /></span>
            <span className="bar-value">{formatNumber(r.depth)}{r.pending > 0 ? ` (+${r.pending} pending)` : ''}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
