import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, render } from '@testing-library/react';
import type { ChartData, SeriesSet } from '../live/series';

// jsdom has no canvas: a stand-in for uPlot that records what it was given.
const plots = vi.hoisted(() => [] as { data: unknown; setData: ReturnType<typeof vi.fn>; destroyed: boolean }[]);
vi.mock('uplot', () => ({
  default: class {
    data: unknown;
    destroyed = false;
    setData = vi.fn((data: unknown) => {
      this.data = data;
    });
    constructor(_options: unknown, data: unknown) {
      this.data = data;
      plots.push(this);
    }
    setSize() {}
    destroy() {
      this.destroyed = true;
    }
  },
}));

const { LiveChart } = await import('./LiveChart');

let setInView: (inView: boolean) => void = () => {};

beforeEach(() => {
  plots.length = 0;
  vi.stubGlobal('ResizeObserver', class { observe() {} disconnect() {} });
  vi.stubGlobal('IntersectionObserver', class {
    constructor(callback: (entries: { isIntersecting: boolean }[]) => void) {
      setInView = (isIntersecting) => callback([{ isIntersecting }]);
    }
    observe() {}
    disconnect() {}
  });
});

afterEach(() => vi.unstubAllGlobals());

const series = (labels: string[], ...values: number[]): SeriesSet => ({
  labels,
  colours: labels.map(() => '#000'),
  data: [values.map((_, i) => i), ...labels.map(() => values)] as ChartData,
});

describe('LiveChart', () => {
  it('feeds each new series to the chart once, without rebuilding it', () => {
    const first = series(['a'], 1);
    const { rerender } = render(<LiveChart title="t" series={first} />);
    expect(plots).toHaveLength(1);
    expect(plots[0].data).toBe(first.data);
    const second = series(['a'], 1, 2);
    rerender(<LiveChart title="t" series={second} />);
    expect(plots).toHaveLength(1);
    expect(plots[0].setData).toHaveBeenCalledTimes(1);
    expect(plots[0].data).toBe(second.data);
  });

  it('draws nothing while scrolled out of view, and the latest series when back in view', () => {
    const { rerender } = render(<LiveChart title="t" series={series(['a'], 1)} />);
    act(() => setInView(false));
    rerender(<LiveChart title="t" series={series(['a'], 1, 2)} />);
    const latest = series(['a'], 1, 2, 3);
    rerender(<LiveChart title="t" series={latest} />);
    expect(plots[0].setData).not.toHaveBeenCalled();
    act(() => setInView(true));
    expect(plots[0].setData).toHaveBeenCalledTimes(1);
    expect(plots[0].data).toBe(latest.data);
    act(() => setInView(true)); // nothing new since: no redraw
    expect(plots[0].setData).toHaveBeenCalledTimes(1);
  });

  it('builds a new chart for a new series layout instead of feeding it to the old one', () => {
    const { rerender } = render(<LiveChart title="t" series={series(['a'], 1)} />);
    const wider = series(['a', 'b'], 1, 2);
    rerender(<LiveChart title="t" series={wider} />);
    expect(plots).toHaveLength(2);
    expect(plots[0].destroyed).toBe(true);
    expect(plots[0].setData).not.toHaveBeenCalled();
    expect(plots[1].data).toBe(wider.data);
    expect(plots[1].setData).not.toHaveBeenCalled();
  });
});
