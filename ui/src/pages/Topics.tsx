import { useState } from 'react';
import { usePolled } from '../live/usePolled';
import { broker, request, type TopicDescription, type TopicSummary } from '../api';
import { formatBytes, formatNumber } from '../format';

/** Topics and their partitions (offsets, size, segments, queue depth), and a form to create one. */
export function Topics() {
  const { data: topics, error, reload } = usePolled(async () => {
    const list = await request<{ topics: TopicSummary[] }>(broker('topics'));
    return Promise.all(list.topics.map((t) => request<TopicDescription>(broker(`topics/${encodeURIComponent(t.name)}`))));
  }, 5000);

  return (
    <div className="grid">
      <CreateTopic onCreated={reload} />
      {error && <p className="error card wide" role="alert">{error}</p>}
      {topics?.length === 0 && <p className="card wide muted">No topics yet.</p>}
      {topics?.map((t) => (
        <section key={t.name} className="card wide" aria-label={`topic ${t.name}`}>
          <h3>{t.name} <span className="muted">· {t.partitions.length} partitions · created {new Date(t.createdAt).toLocaleString()}</span></h3>
          <div className="table-scroll">
            <table>
              <thead><tr><th>partition</th><th>log start</th><th>log end</th><th>records</th><th>size</th><th>segments</th><th>queue depth</th><th>pending</th></tr></thead>
              <tbody>
                {t.partitions.map((p) => (
                  <tr key={p.partition}>
                    <th scope="row"><a href={`/records?topic=${encodeURIComponent(t.name)}&partition=${p.partition}`}>{p.partition}</a></th>
                    <td>{p.logStartOffset}</td><td>{p.logEndOffset}</td><td>{formatNumber(p.logEndOffset - p.logStartOffset)}</td>
                    <td>{formatBytes(p.sizeBytes)}</td><td>{p.segmentCount}</td><td>{formatNumber(p.queueDepth)}</td><td>{formatBytes(p.pendingAppendBytes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </div>
  );
}

function CreateTopic({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [partitions, setPartitions] = useState('3');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    try {
      await request(broker('topics'), { method: 'POST', body: { name, partitions: Number(partitions) } });
      setMessage({ ok: true, text: `created ${name}` });
      setName('');
      onCreated();
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    }
  };
  return (
    <form className="card wide inline-form" onSubmit={submit} aria-label="Create a topic">
      <h3>Create a topic</h3>
      <label>Name <input value={name} onChange={(e) => setName(e.target.value)} required pattern="[a-zA-Z0-9._\-]{1,249}" /></label>
      <label>Partitions <input type="number" min="1" max="1024" value={partitions} onChange={(e) => setPartitions(e.target.value)} required /></label>
      <button type="submit">Create</button>
      {message && <span className={message.ok ? 'ok' : 'error'} role={message.ok ? 'status' : 'alert'}>{message.text}</span>}
    </form>
  );
}
