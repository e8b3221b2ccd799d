import { useState } from 'react';
import { usePolled } from '../live/usePolled';
import { broker, request, type GroupDescription, type GroupSummary } from '../api';
import { formatNumber } from '../format';

/** Consumer groups: the list, then one group's members, assignments and lag per partition, and a reset. */
export function Groups() {
  const [chosen, setSelected] = useState<string | null>(null);
  const { data: groups, error, reload } = usePolled(async () => (await request<{ groups: GroupSummary[] }>(broker('groups'))).groups, 5000);
  const selected = chosen ?? groups?.[0]?.groupId ?? null;

  return (
    <div className="grid">
      {error && <p className="error card wide" role="alert">{error}</p>}
      <section className="card wide" aria-label="Consumer groups">
        <h3>Consumer groups</h3>
        {groups?.length === 0 && <p className="muted">No consumer groups yet.</p>}
        <div className="table-scroll">
          <table>
            <thead><tr><th>group</th><th>state</th><th>members</th><th>lag</th></tr></thead>
            <tbody>
              {groups?.map((g) => (
                <tr key={g.groupId} className={g.groupId === selected ? 'selected' : ''}>
                  <th scope="row"><button type="button" className="link" onClick={() => setSelected(g.groupId)}>{g.groupId}</button></th>
                  <td>{g.state}</td><td>{g.members}</td><td>{formatNumber(g.lag)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {selected && <GroupDetail key={selected} groupId={selected} onChanged={reload} />}
    </div>
  );
}

function GroupDetail({ groupId, onChanged }: { groupId: string; onChanged: () => void }) {
  const { data: group, error, reload } = usePolled(() => request<GroupDescription>(broker(`groups/${encodeURIComponent(groupId)}`)), 3000, groupId);

  if (!group) return error ? <p className="error card wide" role="alert">{error}</p> : <p className="card wide muted">loading {groupId}…</p>;
  const topics = [...new Set(group.partitions.map((p) => p.topic).concat(group.members.flatMap((m) => m.topics)))].sort();
  return (
    <>
      <section className="card wide" aria-label={`group ${groupId}`}>
        <h3>{groupId} <span className="muted">· {group.state} · lag {formatNumber(group.lag)}</span></h3>
        {error && <p className="error" role="alert">{error} (showing the last answer)</p>}
        <h4>Members</h4>
        {group.members.length === 0 && <p className="muted">No live members.</p>}
        <ul className="members">
          {group.members.map((m) => (
            <li key={m.memberId}>
              <code>{m.clientId || m.memberId}</code> epoch {m.memberEpoch}{m.connected ? '' : ' (disconnected)'}: {m.assignment.map((a) => `${a.topic}-${a.partition}`).join(', ') || 'no partitions'}
            </li>
          ))}
        </ul>
        <h4>Lag per partition</h4>
        <div className="table-scroll">
          <table>
            <thead><tr><th>partition</th><th>committed</th><th>log end</th><th>lag</th><th>owner</th><th>committed at</th></tr></thead>
            <tbody>
              {group.partitions.map((p) => (
                <tr key={`${p.topic}-${p.partition}`}>
                  <th scope="row">{p.topic}-{p.partition}</th>
                  <td>{p.committedOffset ?? '–'}</td><td>{p.logEndOffset}</td><td>{p.lag === null ? '–' : formatNumber(p.lag)}</td>
                  <td>{p.owner ? <code>{ownerName(group, p.owner)}</code> : '–'}</td>
                  <td>{p.committedAt ? new Date(p.committedAt).toLocaleTimeString() : '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <ResetOffsets groupId={groupId} topics={topics} hasMembers={group.members.length > 0} onDone={() => { reload(); onChanged(); }} />
    </>
  );
}

function ownerName(group: GroupDescription, memberId: string) {
  return group.members.find((m) => m.memberId === memberId)?.clientId || memberId;
}

type ResetTo = 'earliest' | 'latest' | 'timestamp' | 'offset';

/** The reset form; nothing is sent before the user confirms what exactly will move. */
export function ResetOffsets({ groupId, topics, hasMembers, onDone }: { groupId: string; topics: string[]; hasMembers: boolean; onDone: () => void }) {
  const [to, setTo] = useState<ResetTo>('earliest');
  const [time, setTime] = useState('');
  const [offset, setOffset] = useState('0');
  const [topic, setTopic] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);

  const body: Record<string, unknown> = { to };
  if (to === 'timestamp') body.timestamp = new Date(time).getTime();
  if (to === 'offset') body.offset = Number(offset);
  if (topic) body.topics = [topic];
  const invalid = (to === 'timestamp' && !Number.isFinite(body.timestamp as number)) || (to === 'offset' && !/^\d+$/.test(offset));
  const what = `${to === 'timestamp' ? `the first record at or after ${time.replace('T', ' ')}` : to === 'offset' ? `offset ${offset}` : `the ${to} offset`} on ${topic || 'every partition it has committed on'}`;

  const reset = async () => {
    setConfirming(false);
    try {
      const answer = await request<{ offsets: Record<string, number> }>(broker(`groups/${encodeURIComponent(groupId)}/offsets/reset`), { method: 'POST', body });
      setResult({ ok: true, text: `reset: ${Object.entries(answer.offsets).map(([k, v]) => `${k} → ${v}`).join(', ')}` });
      onDone();
    } catch (e) {
      setResult({ ok: false, text: (e as Error).message });
    }
  };

  return (
    <section className="card wide" aria-label="Reset offsets">
      <h3>Reset offsets of {groupId}</h3>
      {hasMembers && <p className="muted">The broker resets only a group without live members: stop its consumers first.</p>}
      <div className="inline-form">
        <label>To <select value={to} onChange={(e) => { setTo(e.target.value as ResetTo); setConfirming(false); }} aria-label="reset to">
          <option value="earliest">earliest</option><option value="latest">latest</option>
          <option value="timestamp">a time</option><option value="offset">an offset</option>
        </select></label>
        {to === 'timestamp' && <label>Time <input type="datetime-local" step="1" value={time} onChange={(e) => setTime(e.target.value)} /></label>}
        {to === 'offset' && <label>Offset <input type="number" min="0" value={offset} onChange={(e) => setOffset(e.target.value)} /></label>}
        <label>Topic <select value={topic} onChange={(e) => setTopic(e.target.value)} aria-label="topic">
          <option value="">all committed</option>
          {topics.map((t) => <option key={t} value={t}>{t}</option>)}
        </select></label>
        <button type="button" disabled={invalid} onClick={() => { setConfirming(true); setResult(null); }}>Reset…</button>
      </div>
      {confirming && (
        <div className="confirm" role="alertdialog" aria-label="Confirm the reset">
          <p>Move the committed offsets of <strong>{groupId}</strong> to {what}? Its next member starts reading there.</p>
          <button type="button" className="stop" onClick={() => void reset()}>Confirm reset</button>
          <button type="button" onClick={() => setConfirming(false)}>Cancel</button>
        </div>
      )}
      {result && <p className={result.ok ? 'ok' : 'error'} role={result.ok ? 'status' : 'alert'}>{result.text}</p>}
    </section>
  );
}
