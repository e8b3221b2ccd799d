import { describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import { Overview } from './Overview';
import { ConnectionBadge } from '../components/ConnectionBadge';
import { snapshot } from '../test/fixtures';
import type { SeriesSet } from '../live/series';

// uPlot draws on a canvas, which jsdom lacks; the chart is checked in the browser by the e2e test.
vi.mock('../charts/LiveChart', () => ({
  LiveChart: ({ title, series }: { title: string; series: SeriesSet }) => (
    <section aria-label={title} data-labels={series.labels.join(',')} data-points={series.data[0].length} />
  ),
}));

describe('Overview', () => {
  const snapshots = [snapshot(1, { payments: 100, orders: 100, notifications: 98 }, { orders: 5, analytics: 40 }), snapshot(2, { payments: 100, orders: 100, notifications: 98 }, { orders: 0, analytics: 50 })];

  it('shows the headline numbers, every chart and the queue depth of each partition', () => {
    render(<Overview snapshots={snapshots} />);
    expect(screen.getByTestId('produced-rate').textContent).toBe('100');
    expect(screen.getByTestId('consumed-rate').textContent).toBe('300');
    expect(screen.getByTestId('total-lag').textContent).toBe('50');
    const throughput = screen.getByLabelText('Events per second, produced and consumed');
    expect(throughput.dataset.points).toBe('2');
    expect(throughput.dataset.labels).toContain('orders consumed');
    expect(screen.getByLabelText('Consumer lag per group (records)').dataset.labels).toBe('analytics,orders');
    const depth = screen.getByLabelText('Queue depth per partition');
    expect(within(depth).getByText('payments-0')).toBeTruthy();
    expect(within(depth).getByText('20')).toBeTruthy();
  });

  it('compares the consumers and marks one that is down', () => {
    render(<Overview snapshots={snapshots} />);
    const table = screen.getByLabelText('Consumer performance');
    const rows = within(table).getAllByRole('row');
    expect(rows[1].textContent).toMatch(/^orders100/);
    expect(rows[3].textContent).toMatch(/analytics\s*down/);
    expect(within(rows[1]).getByText('OK')).toBeTruthy();
  });
});

describe('ConnectionBadge', () => {
  it('says disconnected while reconnecting, and names the sources that are down', () => {
    const { rerender } = render(<ConnectionBadge connection="reconnecting" latest={null} />);
    expect(screen.getByRole('status').textContent).toMatch(/disconnected/);
    rerender(<ConnectionBadge connection="live" latest={snapshot(1, { payments: 1 })} />);
    expect(screen.getByRole('status').textContent).toMatch(/live/);
    expect(screen.getByText('analytics down')).toBeTruthy();
  });
});
