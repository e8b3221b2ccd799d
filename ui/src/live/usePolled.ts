import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Loads with `load` now and every `intervalMs` after, keeping the last good value; a failure keeps the
 * value and sets `error` (the message) until the next success. `reload` loads again at once.
 * `key` changes restart it (a new group selected, say).
 */
export function usePolled<T>(load: () => Promise<T>, intervalMs: number, key = ''): { data: T | null; error: string | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loader = useRef(load);
  loader.current = load;

  const reload = useCallback(() => {
    loader.current().then(
      (value) => { setData(value); setError(null); },
      (e: Error) => setError(e.message),
    );
  }, []);

  useEffect(() => {
    reload();
    const timer = setInterval(reload, intervalMs);
    return () => clearInterval(timer);
  }, [reload, intervalMs, key]);

  return { data, error, reload };
}
