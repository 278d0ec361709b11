import { useApi } from '../lib/session';

interface Cause { ruleSetId: string; ruleSetName?: string; version: number; matched?: unknown }
interface LeadEvent { type: string; at: string; actor: string | null; stage: string | null; context: Record<string, unknown> | null; cause: Cause | null }
interface LeadDetail { lead: { id: string; name: string; company?: string | null; stage?: string; score?: number; grade?: string | null; email?: string | null }; events: LeadEvent[] }

const matchedNames = (m: unknown): string => (Array.isArray(m) ? m.map((x) => (typeof x === 'string' ? x : (x as { rule?: string }).rule ?? JSON.stringify(x))).join(', ') : '');

/** Every event on a lead, newest last, with the rule set and version behind each decision. */
export function LeadTimeline({ leadId, onBack }: { leadId: string; onBack(): void }) {
  const { data, error } = useApi<LeadDetail>(`/api/leads/${encodeURIComponent(leadId)}`);
  return (
    <div className="panel-body" data-testid="timeline">
      <button className="link" onClick={onBack}>← Leads</button>
      {error && <div className="alert alert-error small">{error.status === 404 ? 'The lead timeline is not available.' : error.message}</div>}
      {data && (
        <>
          <h3>{data.lead.name}</h3>
          <p className="muted small">{data.lead.company ?? ''} {data.lead.email ? `· ${data.lead.email}` : ''}</p>
          <div className="row gap small"><span className="pill">{data.lead.stage}</span><span>{data.lead.score ?? 0} pts</span>{data.lead.grade && <span className={`grade grade-${data.lead.grade}`}>{data.lead.grade}</span>}</div>
          <ol className="timeline">
            {data.events.map((e, i) => (
              <li key={i} data-testid="timeline-event">
                <div className="tl-head"><strong>{e.type.replace(/_/g, ' ')}</strong><span className="muted small">{new Date(e.at).toLocaleString()}</span></div>
                <div className="small muted">{e.stage ? `stage ${e.stage}` : ''}{e.actor ? ` · by ${e.actor}` : ''}</div>
                {e.cause && (
                  <div className="tl-cause small" data-testid="timeline-cause">
                    rule set <strong>{e.cause.ruleSetName ?? e.cause.ruleSetId}</strong> v{e.cause.version}
                    {matchedNames(e.cause.matched) && <> · matched {matchedNames(e.cause.matched)}</>}
                  </div>
                )}
                {e.context && Object.keys(e.context).length > 0 && (
                  <div className="tl-context mono small">{Object.entries(e.context).slice(0, 6).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' · ')}</div>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}
