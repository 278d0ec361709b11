import { itemsOf } from '../lib/api';
import { useApi } from '../lib/session';

interface Task { id: string; title: string; kind: string; dueAt?: string | null; due_at?: string | null; done?: boolean; leadId?: string | null; leadName?: string | null }
interface Mail { id: string; to?: string; toAddress?: string; subject: string; template: string; status: string; createdAt?: string }

const when = (s?: string | null) => (s ? new Date(s).toLocaleString() : '—');

export function InboxPage() {
  const { data, error, loading } = useApi<unknown>('/api/tasks');
  const tasks = itemsOf<Task>(data);
  return (
    <div className="page">
      <div className="page-head"><div><h1>Inbox</h1><p className="muted">Tasks the pipelines created for you: calls, follow-ups, overdue offers.</p></div></div>
      {error && <div className="alert alert-error">{error.status === 404 ? 'Tasks are not available yet.' : error.message}</div>}
      {loading && <p className="muted">Loading…</p>}
      <table className="table">
        <thead><tr><th>Task</th><th>Kind</th><th>Lead</th><th>Due</th><th>Status</th></tr></thead>
        <tbody>
          {tasks.map((t) => {
            const due = t.dueAt ?? t.due_at;
            const overdue = !t.done && due && new Date(due) < new Date();
            return (
              <tr key={t.id}>
                <td className="strong">{t.title}</td><td><span className="pill">{t.kind}</span></td><td>{t.leadName ?? t.leadId ?? '—'}</td>
                <td className={overdue ? 'text-red' : ''}>{when(due)}</td><td>{t.done ? <span className="pill pill-green">done</span> : overdue ? <span className="pill pill-red">overdue</span> : <span className="pill">open</span>}</td>
              </tr>
            );
          })}
          {!loading && !error && tasks.length === 0 && <tr><td colSpan={5} className="muted">Nothing to do. </td></tr>}
        </tbody>
      </table>
    </div>
  );
}

export function OutboxPage() {
  const { data, error, loading } = useApi<unknown>('/api/outbox');
  const mails = itemsOf<Mail>(data);
  return (
    <div className="page">
      <div className="page-head"><div><h1>Outbox</h1><p className="muted">E-mail the pipelines sent or queued (kept here when no SMTP server is configured).</p></div></div>
      {error && <div className="alert alert-error">{error.status === 404 ? 'The outbox is not available yet.' : error.message}</div>}
      {loading && <p className="muted">Loading…</p>}
      <table className="table">
        <thead><tr><th>To</th><th>Subject</th><th>Template</th><th>Status</th><th>Created</th></tr></thead>
        <tbody>
          {mails.map((m) => (
            <tr key={m.id}><td>{m.toAddress ?? m.to}</td><td className="strong">{m.subject}</td><td className="mono small">{m.template}</td><td><span className="pill">{m.status}</span></td><td className="muted small">{when(m.createdAt)}</td></tr>
          ))}
          {!loading && !error && mails.length === 0 && <tr><td colSpan={5} className="muted">No mail yet.</td></tr>}
        </tbody>
      </table>
    </div>
  );
}
