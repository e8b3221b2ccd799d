import { useState } from 'react';
import { request } from '../api';
import type { ControlState } from '../types';

type Unit = 'eventsPerSecond' | 'eventsPerMinute';

/** Start/Stop the Payments stream and set its rate, through the aggregator's control relay. */
export function StreamControl({ control }: { control: ControlState | null }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [override, setOverride] = useState<boolean | null>(null);
  const [rate, setRate] = useState('');
  const [unit, setUnit] = useState<Unit>('eventsPerSecond');
  const running = override ?? control?.running ?? false;
  const reachable = control?.up ?? false;

  const call = async (path: string, init?: { method: string; body?: unknown }) => {
    setBusy(true);
    setError(null);
    try {
      const state = await request<{ running: boolean }>(path, init ?? { method: 'POST' });
      setOverride(state.running);
      setTimeout(() => setOverride(null), 1500); // until the snapshots show it
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const submitRate = (e: React.FormEvent) => {
    e.preventDefault();
    const value = Number(rate);
    if (!Number.isFinite(value) || value <= 0) {
      setError('the rate must be a positive number');
      return;
    }
    void call('/api/control/rate', { method: 'PUT', body: { [unit]: value } });
  };

  const current = control?.eventsPerSecond;
  return (
    <section className="card control" aria-label="Payments stream">
      <h3>Payments stream</h3>
      <div className="control-row">
        <button
          type="button"
          className={running ? 'stop' : 'start'}
          disabled={busy || !reachable}
          onClick={() => void call(running ? '/api/control/stop' : '/api/control/start')}
        >
          {running ? 'Stop Stream' : 'Start Stream'}
        </button>
        <span className="muted">
          {!reachable ? 'Payments not reachable' : running ? 'running' : 'stopped'}
          {current ? ` · ${formatRate(current)}` : ''}
          {control?.sent ? ` · ${control.sent.toLocaleString()} sent` : ''}
          {control?.sendFailures ? ` · ${control.sendFailures.toLocaleString()} failed` : ''}
        </span>
      </div>
      <form className="control-row" onSubmit={submitRate}>
        <label>
          Rate <input type="number" min="0" step="any" inputMode="decimal" value={rate} onChange={(e) => setRate(e.target.value)} placeholder={current ? String(Math.round(current)) : '200'} aria-label="rate" />
        </label>
        <select value={unit} onChange={(e) => setUnit(e.target.value as Unit)} aria-label="rate unit">
          <option value="eventsPerSecond">events/s</option>
          <option value="eventsPerMinute">events/min</option>
        </select>
        <button type="submit" disabled={busy || !reachable || rate === ''}>Set rate</button>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
    </section>
  );
}

function formatRate(perSecond: number): string {
  return `${Math.round(perSecond).toLocaleString()} events/s (${Math.round(perSecond * 60).toLocaleString()}/min)`;
}
