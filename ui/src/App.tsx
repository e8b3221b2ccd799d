import { useEffect, useState } from 'react';
import { useLiveSnapshots } from './live/useLiveSnapshots';
import { ConnectionBadge } from './components/ConnectionBadge';
import { Overview } from './pages/Overview';
import { Topics } from './pages/Topics';
import { Groups } from './pages/Groups';
import { Records } from './pages/Records';

const PAGES = [
  { path: '/', label: 'Overview' },
  { path: '/topics', label: 'Topics' },
  { path: '/groups', label: 'Consumer groups' },
  { path: '/records', label: 'Records' },
];

/** The shell: one live stream for the whole app, a nav bar, and the page the path names. */
export function App() {
  const live = useLiveSnapshots();
  const [location, setLocation] = useState(() => ({ path: window.location.pathname, search: window.location.search }));

  useEffect(() => {
    const onPop = () => setLocation({ path: window.location.pathname, search: window.location.search });
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  // Same-origin links navigate inside the app, without a reload (and without dropping the stream).
  const onClick = (e: React.MouseEvent) => {
    const a = (e.target as HTMLElement).closest('a');
    if (!a || a.origin !== window.location.origin || e.ctrlKey || e.metaKey || e.shiftKey || a.target) return;
    e.preventDefault();
    window.history.pushState(null, '', a.href);
    setLocation({ path: a.pathname, search: a.search });
  };

  const page = PAGES.find((p) => p.path === location.path) ?? PAGES[0];
  return (
    <div className="app" onClick={onClick}>
      <header>
        <h1>MiniKafka</h1>
        <nav>
          {PAGES.map((p) => (
            <a key={p.path} href={p.path} aria-current={p === page ? 'page' : undefined}>{p.label}</a>
          ))}
        </nav>
        <ConnectionBadge connection={live.connection} latest={live.latest} />
      </header>
      <main>
        {page.path === '/' && <Overview snapshots={live.snapshots} />}
        {page.path === '/topics' && <Topics />}
        {page.path === '/groups' && <Groups />}
        {page.path === '/records' && <Records key={location.search} initial={new URLSearchParams(location.search)} />}
      </main>
    </div>
  );
}
