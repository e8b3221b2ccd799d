import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { StreamControl } from './StreamControl';

function mockFetch(answer: (url: string, init: RequestInit) => { status: number; body: unknown }) {
  const fetch = vi.fn(async (url: string, init: RequestInit) => {
    const { status, body } = answer(url, init);
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  });
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

afterEach(() => vi.unstubAllGlobals());

const stopped = { up: true, error: null, running: false, eventsPerSecond: 200, eventsPerMinute: 12000, sent: 0, sendFailures: 0 };

describe('StreamControl', () => {
  it('Start Stream posts to the control relay and turns into Stop Stream', async () => {
    const fetch = mockFetch(() => ({ status: 200, body: { ...stopped, running: true } }));
    render(<StreamControl control={stopped} />);
    expect(screen.getByText(/200 events\/s \(12,000\/min\)/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Start Stream' }));
    await screen.findByRole('button', { name: 'Stop Stream' });
    expect(fetch).toHaveBeenCalledWith('/api/control/start', expect.objectContaining({ method: 'POST' }));
  });

  it('sends the rate in the chosen unit', async () => {
    const fetch = mockFetch(() => ({ status: 200, body: { ...stopped, eventsPerSecond: 100 } }));
    render(<StreamControl control={stopped} />);
    fireEvent.change(screen.getByLabelText('rate'), { target: { value: '6000' } });
    fireEvent.change(screen.getByLabelText('rate unit'), { target: { value: 'eventsPerMinute' } });
    fireEvent.click(screen.getByRole('button', { name: 'Set rate' }));
    await waitFor(() => expect(fetch).toHaveBeenCalled());
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('/api/control/rate');
    expect(init.method).toBe('PUT');
    expect(JSON.parse(init.body as string)).toEqual({ eventsPerMinute: 6000 });
  });

  it('shows the relay\'s problem detail when a call fails', async () => {
    mockFetch(() => ({ status: 502, body: { status: 502, detail: 'Payments at http://127.0.0.1:8081 is not reachable: ECONNREFUSED' } }));
    render(<StreamControl control={stopped} />);
    fireEvent.click(screen.getByRole('button', { name: 'Start Stream' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/not reachable/);
  });

  it('is disabled while Payments is not reachable', () => {
    render(<StreamControl control={{ ...stopped, up: false }} />);
    expect((screen.getByRole('button', { name: 'Start Stream' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText(/Payments not reachable/)).toBeTruthy();
  });
});
