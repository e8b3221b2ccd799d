import { useEffect, useState } from 'react';
import { broker, request, type RecordPage, type TopicSummary } from '../api';

type From = 'start' | 'offset' | 'time';

/** Browse a partition page by page, from the start, an offset or a time; keys, values and headers. */
export function Records({ initial }: { initial: URLSearchParams }) {
  const [topics, setTopics] = useState<TopicSummary[]>([]);
  const [topic, setTopic] = useState(initial.get('topic') ?? '');
  const [partition, setPartition] = useState(initial.get('partition') ?? '0');
  const [from, setFrom] = useState<From>('start');
  const [offset, setOffset] = useState('0');
  const [time, setTime] = useState('');
  const [limit, setLimit] = useState('50');
  const [page, setPage] = useState<RecordPage | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    request<{ topics: TopicSummary[] }>(broker('topics'))
      .then((list) => {
        setTopics(list.topics);
        setTopic((t) => t || list.topics[0]?.name || '');
      })
      .catch((e: Error) => setError(e.message));
  }, []);

  const fetchPage = async (query: string) => {
    try {
      setPage(await request<RecordPage>(broker(`topics/${encodeURIComponent(topic)}/partitions/${partition}/records?${query}`)));
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const first = (e: React.FormEvent) => {
    e.preventDefault();
    const q = new URLSearchParams({ limit });
    if (from === 'offset') q.set('offset', offset);
    if (from === 'time') q.set('timestamp', String(new Date(time).getTime()));
    void fetchPage(q.toString());
  };
  const next = () => page && void fetchPage(new URLSearchParams({ limit, offset: String(page.nextOffset) }).toString());
  const partitions = topics.find((t) => t.name === topic)?.partitions ?? 1;

  return (
    <div className="grid">
      <form className="card wide inline-form" onSubmit={first} aria-label="Browse records">
        <h3>Browse records</h3>
        <label>Topic <select value={topic} onChange={(e) => { setTopic(e.target.value); setPartition('0'); }} aria-label="topic">
          {topics.map((t) => <option key={t.name} value={t.name}>{t.name}</option>)}
        </select></label>
        <label>Partition <select value={partition} onChange={(e) => setPartition(e.target.value)} aria-label="partition">
          {Array.from({ length: partitions }, (_, i) => <option key={i} value={i}>{i}</option>)}
        </select></label>
        <label>From <select value={from} onChange={(e) => setFrom(e.target.value as From)} aria-label="from">
          <option value="start">the log start</option><option value="offset">an offset</option><option value="time">a time</option>
        </select></label>
        {from === 'offset' && <label>Offset <input type="number" min="0" value={offset} onChange={(e) => setOffset(e.target.value)} /></label>}
        {from === 'time' && <label>Time <input type="datetime-local" step="1" value={time} onChange={(e) => setTime(e.target.value)} required /></label>}
        <label>Limit <input type="number" min="1" max="1000" value={limit} onChange={(e) => setLimit(e.target.value)} /></label>
        <button type="submit" disabled={!topic}>Show</button>
      </form>
      {error && <p className="error card wide" role="alert">{error}</p>}
      {page && (
        <section className="card wide" aria-label="Records">
          <h3>{page.topic}-{page.partition} <span className="muted">· offsets {page.logStartOffset}..{page.logEndOffset - 1} · {page.records.length} shown</span></h3>
          {page.records.length === 0 && <p className="muted">No records here (yet).</p>}
          <div className="table-scroll">
            <table className="records">
              <thead><tr><th>offset</th><th>time</th><th>key</th><th>value</th><th>headers</th></tr></thead>
              <tbody>
                {page.records.map((r) => (
                  <tr key={r.offset}>
                    <th scope="row">{r.offset}</th>
                    <td>{new Date(r.timestamp).toISOString().replace('T', ' ').replace('Z', '')}</td>
                    <td><Bytes text={r.key} encoding={r.keyEncoding} /></td>
                    <td className="value"><Bytes text={r.value} encoding={r.valueEncoding} /></td>
                    <td>{Object.entries(r.headers).map(([k, v]) => <div key={k}><code>{k}</code>: {v}</div>)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <button type="button" onClick={next} disabled={page.nextOffset >= page.logEndOffset}>Next page from {page.nextOffset}</button>
        </section>
      )}
    </div>
  );
}

function Bytes({ text, encoding }: { text: string | null; encoding: string | null }) {
  if (text === null) return <span className="muted">null</span>;
  return <>{encoding === 'base64' && <span className="tag">base64</span>}<code>{text}</code></>;
}
