import type { ReactNode } from 'react';
import { Link, match, navigate, usePath } from './lib/router';
import { SessionProvider, useSession } from './lib/session';
import { LiveView } from './live/LiveView';
import { LoginPage } from './pages/Login';
import { InboxPage, OutboxPage } from './pages/Lists';
import { PipelineDesigner } from './pipeline/PipelineDesigner';
import { PipelineList } from './pipeline/PipelineList';
import { RuleSetEditor } from './rules/RuleSetEditor';
import { RuleSetList } from './rules/RuleSetList';

const nav = [
  { to: '/pipelines', label: 'Pipelines' },
  { to: '/rules', label: 'Rules' },
  { to: '/live', label: 'Live' },
  { to: '/inbox', label: 'Inbox' },
  { to: '/outbox', label: 'Outbox' },
];

function Routes({ path }: { path: string }): ReactNode {
  let m: Record<string, string> | undefined;
  if ((m = match('/pipelines/:id/versions/:version', path))) return <PipelineDesigner key={path} pipelineId={m.id!} version={Number(m.version)} />;
  if ((m = match('/pipelines/:id', path))) return <PipelineDesigner key={path} pipelineId={m.id!} />;
  if (match('/pipelines', path)) return <PipelineList />;
  if ((m = match('/rules/:id', path))) return <RuleSetEditor key={path} ruleSetId={m.id!} />;
  if (match('/rules', path)) return <RuleSetList />;
  if ((m = match('/live/:id', path))) return <LiveView key={path} pipelineId={m.id!} />;
  if (match('/live', path)) return <LiveView pipelineId="default" />;
  if (match('/inbox', path)) return <InboxPage />;
  if (match('/outbox', path)) return <OutboxPage />;
  queueMicrotask(() => navigate('/pipelines', true));
  return null;
}

function Shell() {
  const { user, loading, logout } = useSession();
  const path = usePath();
  if (loading) return <div className="center muted">Loading…</div>;
  if (!user) return <LoginPage />;
  return (
    <div className="app">
      <header className="topbar">
        <div className="brand"><span className="brand-mark">L</span> Leadflow</div>
        <nav className="nav">
          {nav.map((n) => (
            <Link key={n.to} to={n.to} className={path.startsWith(n.to) ? 'active' : ''}>{n.label}</Link>
          ))}
        </nav>
        <div className="user">
          <span className="user-name">{user.name}</span>
          <span className="role-pill">{user.role}</span>
          <button className="btn btn-ghost btn-sm" onClick={() => void logout()}>Sign out</button>
        </div>
      </header>
      <main className="content">
        <Routes path={path} />
      </main>
    </div>
  );
}

export function App() {
  return (
    <SessionProvider>
      <Shell />
    </SessionProvider>
  );
}
