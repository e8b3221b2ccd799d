import { afterEach, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { Records } from './Records';

afterEach(() => vi.unstubAllGlobals());

it('browses a partition from an offset and shows keys, values and headers', async () => {
  const fetch = vi.fn(async (url: string) => {
    if (url === '/api/broker/topics') return Response.json({ topics: [{ name: 'payments', partitions: 3 }] });
    return Response.json({
      topic: 'payments', partition: 2, logStartOffset: 0, logEndOffset: 12, nextOffset: 12,
      records: [
        { offset: 10, timestamp: 1795620741024, key: 'c-17', keyEncoding: 'utf8', value: '{"amount":10}', valueEncoding: 'utf8', headers: { source: 'curl' } },
        { offset: 11, timestamp: 1795620741024, key: null, keyEncoding: null, value: 'AAH/', valueEncoding: 'base64', headers: {} },
      ],
    });
  });
  vi.stubGlobal('fetch', fetch);
  render(<Records initial={new URLSearchParams('topic=payments&partition=2')} />);
  await screen.findByRole('option', { name: 'payments' });
  fireEvent.change(screen.getByLabelText('from'), { target: { value: 'offset' } });
  fireEvent.change(screen.getByLabelText(/Offset/), { target: { value: '10' } });
  fireEvent.click(screen.getByRole('button', { name: 'Show' }));
  await screen.findByText('c-17');
  expect(fetch).toHaveBeenLastCalledWith('/api/broker/topics/payments/partitions/2/records?limit=50&offset=10', expect.anything());
  expect(screen.getByText('{"amount":10}')).toBeTruthy();
  expect(screen.getByText('source')).toBeTruthy();
  expect(screen.getByText('base64')).toBeTruthy();
  expect(screen.getByText('null')).toBeTruthy();
  expect((screen.getByRole('button', { name: /Next page/ }) as HTMLButtonElement).disabled).toBe(true);
});
