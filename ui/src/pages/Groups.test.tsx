import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { ResetOffsets } from './Groups';

afterEach(() => vi.unstubAllGlobals());

describe('ResetOffsets', () => {
  it('asks for confirmation and sends nothing before it', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ groupId: 'orders', offsets: { 'payments-0': 0 } }), { status: 200 }));
    vi.stubGlobal('fetch', fetch);
    const onDone = vi.fn();
    render(<ResetOffsets groupId="orders" topics={['payments']} hasMembers={false} onDone={onDone} />);
    fireEvent.change(screen.getByLabelText('topic'), { target: { value: 'payments' } });
    fireEvent.click(screen.getByRole('button', { name: 'Reset…' }));
    expect(screen.getByRole('alertdialog').textContent).toMatch(/orders.*earliest offset on payments/);
    expect(fetch).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole('button', { name: 'Confirm reset' }));
    expect((await screen.findByRole('status')).textContent).toBe('reset: payments-0 → 0');
    expect(fetch).toHaveBeenCalledWith('/api/broker/groups/orders/offsets/reset', expect.objectContaining({ method: 'POST', body: '{"to":"earliest","topics":["payments"]}' }));
    expect(onDone).toHaveBeenCalled();
  });

  it('cancel sends nothing; the broker\'s refusal (live members) is shown', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ status: 409, detail: 'group orders has 1 live member' }), { status: 409 }));
    vi.stubGlobal('fetch', fetch);
    render(<ResetOffsets groupId="orders" topics={[]} hasMembers onDone={() => {}} />);
    expect(screen.getByText(/stop its consumers first/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Reset…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(fetch).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Reset…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Confirm reset' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/1 live member/);
  });

  it('a reset to an offset sends the offset', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ offsets: {} }), { status: 200 }));
    vi.stubGlobal('fetch', fetch);
    render(<ResetOffsets groupId="g" topics={[]} hasMembers={false} onDone={() => {}} />);
    fireEvent.change(screen.getByLabelText('reset to'), { target: { value: 'offset' } });
    fireEvent.change(screen.getByLabelText(/Offset/), { target: { value: '42' } });
    fireEvent.click(screen.getByRole('button', { name: 'Reset…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Confirm reset' }));
    await waitFor(() => expect(fetch).toHaveBeenCalled());
    expect(JSON.parse((fetch.mock.calls[0] as unknown as [string, RequestInit])[1].body as string)).toEqual({ to: 'offset', offset: 42 });
  });
});
