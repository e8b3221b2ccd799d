import { describe, expect, it } from 'vitest';
import { PALETTE, endToEndSeries, lagHealth, lagSeconds, lagSeries, throughputSeries } from './series';
import { appendSnapshots } from './useLiveSnapshots';
import { brokerSnapshot, snapshot } from '../test/fixtures';

describe('chart series', () => {
  it('throughput has broker in/out and every service, with a gap where a source was down', () => {
    const a = snapshot(1, { payments: 100, orders: 90 });
    const b = { ...snapshot(2, { payments: 120 }), broker: null };
    const set = throughputSeries([a, b]);
    expect(set.labels).toEqual(['broker in', 'broker out', 'payments produced', 'orders consumed', 'notifications consumed', 'analytics consumed']);
    expect(set.data[0]).toEqual([a.ts / 1000, b.ts / 1000]);
    expect(set.data[1]).toEqual([100, null]);
    expect(set.data[3]).toEqual([100, 120]);
    expect(set.data[4]).toEqual([90, null]);
  });

  it('lag has one series per group seen anywhere in the window', () => {
    const a = snapshot(1, {}, { orders: 5 });
    const b = snapshot(2, {}, { orders: 7, analytics: 1 });
    const set = lagSeries([a, b]);
    expect(set.labels).toEqual(['analytics', 'orders']);
    expect(set.data[1]).toEqual([null, 1]);
    expect(set.data[2]).toEqual([5, 7]);
  });

  it('end-to-end latency pairs p50 and p99 per consumer', () => {
    expect(endToEndSeries([snapshot(1, { orders: 1 })]).labels).toEqual([
      'orders p50', 'orders p99', 'notifications p50', 'notifications p99', 'analytics p50', 'analytics p99',
    ]);
  });
});

describe('lag health', () => {
  const window = (lags: number[], members = 1, moving = true) =>
    lags.map((lag, i) => ({ ...snapshot(i + 1), broker: brokerSnapshot({ orders: lag }, members, moving ? i * 10 : 0) }));

  it('is OK when the lag reaches zero or falls', () => {
    expect(lagHealth(window([5, 0, 3]), 'orders')).toBe('OK');
    expect(lagHealth(window([9, 7, 5, 4]), 'orders')).toBe('OK');
  });
  it('warns when the lag rose in every snapshot', () => {
    expect(lagHealth(window([1, 2, 3, 4, 5]), 'orders')).toBe('WARN');
  });
  it('stalls when commits stop while lag remains, and stops without members', () => {
    expect(lagHealth(window([4, 4, 4], 1, false), 'orders')).toBe('STALL');
    expect(lagHealth(window([4, 4, 4], 0, false), 'orders')).toBe('STOP');
  });
  it('is unknown without enough data', () => {
    expect(lagHealth(window([4]), 'orders')).toBe('UNKNOWN');
    expect(lagHealth(window([4, 5]), 'nobody')).toBe('UNKNOWN');
    const uncommitted = window([0, 0]).map((x) => ({ ...x, broker: { ...x.broker!, groups: x.broker!.groups.map((g) => ({ ...g, partitions: [] })) } }));
    expect(lagHealth(uncommitted, 'orders')).toBe('UNKNOWN');
  });
  it('turns lag into time at the current rate', () => {
    expect(lagSeconds(500, 100)).toBe(5);
    expect(lagSeconds(0, 0)).toBe(0);
    expect(lagSeconds(10, 0)).toBeNull();
  });
});

describe('appendSnapshots', () => {
  it('appends in seq order, ignores repeats, keeps the last N', () => {
    let s = appendSnapshots([], [snapshot(1), snapshot(2)], 3);
    s = appendSnapshots(s, [snapshot(2), snapshot(3), snapshot(4)], 3);
    expect(s.map((x) => x.seq)).toEqual([2, 3, 4]);
    const same = appendSnapshots(s, [snapshot(3)], 3);
    expect(same).toBe(s);
  });
  it('starts over when the aggregator restarted (its seq began again, at a later time)', () => {
    const later = (seq: number) => ({ ...snapshot(seq), ts: snapshot(51).ts + seq * 500 });
    const s = appendSnapshots([snapshot(1), snapshot(2), snapshot(51)], [later(1), later(2)]);
    expect(s.map((x) => x.seq)).toEqual([1, 2]);
    expect(s[0].ts).toBeGreaterThan(snapshot(51).ts);
  });
});

describe('colours', () => {
  it('a service keeps its colour in every chart; other series take the palette in turn', () => {
    const throughput = throughputSeries([snapshot(1)]).colours;
    const endToEnd = endToEndSeries([snapshot(1)]).colours;
    const lag = lagSeries([snapshot(1, {}, { orders: 1, billing: 2 })]).colours;
    expect(throughput[3]).toBe(endToEnd[0]); // orders
    expect(endToEnd[0]).toBe(endToEnd[1]); // orders p50 and p99
    expect(lag[1]).toBe(endToEnd[0]); // group orders
    expect(lag[0]).toBe(PALETTE[0]); // billing, no service of that name: the first colour no service here has
    const many = lagSeries([snapshot(1, {}, { orders: 1, a: 1, b: 1, c: 1 })]).colours;
    expect(many.filter((c) => c === many[many.length - 1]).length).toBe(1); // orders' green is not reused
    expect(new Set(throughput).size).toBe(throughput.length);
  });
});
