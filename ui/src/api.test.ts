import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, request } from './api';

function answers(...replies: { status: number; body: unknown }[]) {
  const fetch = vi.fn(async () => {
    const { status, body } = replies.shift()!;
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  });
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

const authorization = (fetch: ReturnType<typeof answers>, call: number) =>
  (fetch.mock.calls[call] as unknown as [string, RequestInit])[1].headers as Record<string, string>;

afterEach(() => {
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

describe('request', () => {
  it('asks for the admin token when a change is refused with 401, then retries with it and keeps it', async () => {
    const fetch = answers({ status: 401, body: { status: 401, detail: 'an admin token is required' } },
      { status: 200, body: { running: true } }, { status: 200, body: { running: false } });
    vi.stubGlobal('prompt', vi.fn(() => 's3cret'));

    expect(await request('/api/control/start', { method: 'POST' })).toEqual({ running: true });
    expect(authorization(fetch, 0).Authorization).toBeUndefined();
    expect(authorization(fetch, 1).Authorization).toBe('Bearer s3cret');

    await request('/api/control/stop', { method: 'POST' });
    expect(authorization(fetch, 2).Authorization).toBe('Bearer s3cret');
    expect(window.prompt).toHaveBeenCalledTimes(1);
  });

  it('forgets a token the aggregator refuses and reports the 401', async () => {
    answers({ status: 401, body: { detail: 'no' } }, { status: 401, body: { detail: 'the admin token does not match' } });
    vi.stubGlobal('prompt', vi.fn(() => 'wrong'));
    await expect(request('/api/control/start', { method: 'POST' })).rejects.toEqual(new ApiError(401, 'the admin token does not match'));
    expect(sessionStorage.getItem('minikafka.adminToken')).toBeNull();
  });

  it('does not ask for a token on reads', async () => {
    answers({ status: 401, body: { detail: 'unauthorized' } });
    vi.stubGlobal('prompt', vi.fn());
    await expect(request('/api/broker/topics')).rejects.toBeInstanceOf(ApiError);
    expect(window.prompt).not.toHaveBeenCalled();
  });
});
