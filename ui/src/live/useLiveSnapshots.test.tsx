import { afterEach, expect, it, vi } from 'vitest';
import { act, renderHook } from '@testing-library/react';
import { useLiveSnapshots } from './useLiveSnapshots';
import { snapshot } from '../test/fixtures';

class FakeEventSource {
  static CLOSED = 2;
  static last: FakeEventSource;
  readyState = 1;
  listeners: Record<string, ((e: unknown) => void)[]> = {};
  constructor(public url: string) {
    FakeEventSource.last = this;
  }
  addEventListener(type: string, listener: (e: unknown) => void) {
    (this.listeners[type] ??= []).push(listener);
  }
  emit(type: string, data?: unknown) {
    for (const l of this.listeners[type] ?? []) l({ data: JSON.stringify(data) });
  }
  close() {
    this.readyState = 2;
  }
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

it('draws the history at once, then appends live snapshots, and reports a lost connection', () => {
  vi.stubGlobal('EventSource', FakeEventSource);
  const { result } = renderHook(() => useLiveSnapshots('/api/stream'));
  expect(result.current.connection).toBe('connecting');
  act(() => FakeEventSource.last.emit('history', [snapshot(1), snapshot(2)]));
  expect(result.current.connection).toBe('live');
  expect(result.current.snapshots.map((s) => s.seq)).toEqual([1, 2]);
  act(() => FakeEventSource.last.emit('snapshot', snapshot(3)));
  expect(result.current.latest?.seq).toBe(3);
  act(() => FakeEventSource.last.emit('error'));
  expect(result.current.connection).toBe('reconnecting');
  act(() => FakeEventSource.last.emit('history', [snapshot(3), snapshot(4)]));
  expect(result.current.snapshots.map((s) => s.seq)).toEqual([1, 2, 3, 4]);
});

it('renders once per snapshot', () => {
  vi.stubGlobal('EventSource', FakeEventSource);
  let renders = 0;
  renderHook(() => {
    renders += 1;
    return useLiveSnapshots('/api/stream');
  });
  act(() => FakeEventSource.last.emit('history', [snapshot(1)]));
  const before = renders;
  act(() => FakeEventSource.last.emit('snapshot', snapshot(2)));
  act(() => FakeEventSource.last.emit('snapshot', snapshot(3)));
  expect(renders - before).toBe(2);
  act(() => FakeEventSource.last.emit('snapshot', snapshot(3))); // one it already has: no render
  expect(renders - before).toBe(2);
});

it('keeps snapshots without rendering while the tab is hidden, and shows them all when it is visible again', () => {
  vi.stubGlobal('EventSource', FakeEventSource);
  let hidden = false;
  vi.spyOn(document, 'hidden', 'get').mockImplementation(() => hidden);
  let renders = 0;
  const { result } = renderHook(() => {
    renders += 1;
    return useLiveSnapshots('/api/stream');
  });
  act(() => FakeEventSource.last.emit('history', [snapshot(1)]));
  hidden = true;
  act(() => document.dispatchEvent(new Event('visibilitychange')));
  const before = renders;
  act(() => {
    for (let seq = 2; seq <= 5; seq++) FakeEventSource.last.emit('snapshot', snapshot(seq));
  });
  expect(renders).toBe(before);
  expect(result.current.latest?.seq).toBe(1);
  hidden = false;
  act(() => document.dispatchEvent(new Event('visibilitychange')));
  expect(renders).toBe(before + 1);
  expect(result.current.snapshots.map((s) => s.seq)).toEqual([1, 2, 3, 4, 5]);
});
