import { afterEach, expect, it, vi } from 'vitest';
import { act, render } from '@testing-library/react';
import { ConnectionBadge } from './ConnectionBadge';

afterEach(() => vi.useRealTimers());

const dot = (container: HTMLElement) => container.querySelector('.dot')!;

it('blinks the dot twice a second while reconnecting, and stops once live', () => {
  vi.useFakeTimers();
  const { container, rerender } = render(<ConnectionBadge connection="reconnecting" latest={null} />);
  expect(dot(container).classList.contains('dim')).toBe(false);
  act(() => vi.advanceTimersByTime(500));
  expect(dot(container).classList.contains('dim')).toBe(true);
  act(() => vi.advanceTimersByTime(500));
  expect(dot(container).classList.contains('dim')).toBe(false);
  act(() => vi.advanceTimersByTime(500));
  rerender(<ConnectionBadge connection="live" latest={null} />);
  expect(dot(container).classList.contains('dim')).toBe(false);
  act(() => vi.advanceTimersByTime(2000));
  expect(dot(container).classList.contains('dim')).toBe(false);
  expect(vi.getTimerCount()).toBe(0);
});
