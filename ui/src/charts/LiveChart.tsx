import { useLayoutEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartData, SeriesSet } from '../live/series';
import { useColorScheme } from './useColorScheme';
import { formatNumber } from '../format';

interface Props {
  title: string;
  series: SeriesSet;
  unit?: string;
  height?: number;
  /** Dashed series (e.g. p99 beside its p50, in the same colour), by index into series.labels. */
  dashed?: (index: number) => boolean;
}

/**
 * A live line chart on uPlot: created once per series layout (labels, colour scheme), then fed with
 * `setData` on every snapshot, which redraws one canvas; resized with its box. A chart scrolled out of
 * view is not redrawn (on a narrow screen most of them are): it draws the latest data when it comes
 * back into view. `data-points` and `data-last` expose the data it shows, for tests and the curious.
 */
export function LiveChart({ title, series, unit = '', height = 200, dashed = () => false }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(series.data); // what the chart should show, kept up to date by the effect below
  const inView = useRef(true);
  const drawn = useRef<ChartData | null>(null);
  // Refs only, so the observer's callback (from an earlier render) draws the current data.
  const draw = (chart: uPlot) => {
    chart.setData(latest.current as uPlot.AlignedData);
    drawn.current = latest.current;
  };
  const scheme = useColorScheme();
  const layout = `${series.labels.join('\u0000')}|${series.colours.join()}|${scheme}`;

  // Layout effects, both: the chart is rebuilt before new data reaches it (new data may have another
  // series layout), and the canvas is drawn in the same task (and frame) as the page's numbers
  // change, not in a second task of React's after it.
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const css = getComputedStyle(el);
    const axis = css.getPropertyValue('--chart-axis').trim() || '#888';
    const grid = css.getPropertyValue('--chart-grid').trim() || 'rgba(128,128,128,0.2)';
    const format = (v: number | null) => (v === null || v === undefined ? '–' : `${formatNumber(v)}${unit ? ` ${unit}` : ''}`);
    const options: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      cursor: { drag: { x: false, y: false } },
      legend: { live: true },
      scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min ?? 0), Math.max(1, (max ?? 1) * 1.1)] } },
      axes: [
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, space: 70, values: (_u, ticks) => ticks.map(clock) },
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: 60, values: (_u, ticks) => ticks.map((t) => formatNumber(t)) },
      ],
      series: [
        {},
        ...series.labels.map((label, i) => ({
          label,
          stroke: series.colours[i],
          width: 2,
          dash: dashed(i) ? [6, 4] : undefined,
          spanGaps: false,
          points: { show: false },
          value: (_u: uPlot, v: number | null) => format(v),
        })),
      ],
    };
    const chart = new uPlot(options, series.data as uPlot.AlignedData, el);
    plot.current = chart;
    drawn.current = series.data;
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    const view = typeof IntersectionObserver === 'undefined' ? null : new IntersectionObserver((entries) => {
      inView.current = entries.at(-1)?.isIntersecting ?? true;
      if (inView.current && drawn.current !== latest.current) draw(chart);
    });
    view?.observe(el);
    return () => {
      view?.disconnect();
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // The chart is rebuilt only when its series layout or the colour scheme changes (`layout`); new
    // data goes through setData below. `series` and `unit` are deliberately not dependencies.
  }, [layout, height]);

  useLayoutEffect(() => {
    latest.current = series.data;
    if (plot.current && inView.current && drawn.current !== latest.current) draw(plot.current);
  }, [series]);

  const xs = series.data[0];
  return (
    <section className="card chart" aria-label={title}>
      <h3>{title}</h3>
      <div ref={box} className="chart-box" data-points={xs.length} data-last={xs.at(-1) ?? ''} />
    </section>
  );
}

// One formatter for every tick of every chart: toLocaleTimeString with options builds a new one per call.
const CLOCK = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const clock = (seconds: number) => CLOCK.format(seconds * 1000);
