import type { PaletteItem } from './palette';

/**
 * For a custom node: who serves its activity type (task queue, worker online or last seen) and the facts its output
 * offers later decisions (`custom.<activity>.<field>`, with their types), as declared in the output schema.
 */
export function CustomActivityInfo({ item }: { item: PaletteItem }) {
  const facts = item.outputFacts ?? [];
  const status = item.source === 'builtin' ? 'built in' : item.online ? 'worker online' : `worker offline${item.lastSeenAt ? `, last seen ${new Date(item.lastSeenAt).toLocaleString()}` : ''}`;
  return (
    <div data-testid="custom-activity-info">
      <p className="muted small">
        {item.activity} v{item.version ?? 1} · task queue <span className="mono">{item.taskQueue ?? '?'}</span> ·{' '}
        <span style={{ color: item.online || item.source === 'builtin' ? 'var(--mantine-color-green-7)' : 'var(--mantine-color-orange-7)' }}>{status}</span>
      </p>
      <h4>Facts for later decisions</h4>
      {facts.length ? (
        <ul className="small">
          {facts.map((f) => (
            <li key={f.name}><span className="mono">{f.name}</span> — {f.type}{f.values ? ` (${f.values.join(', ')})` : ''}</li>
          ))}
        </ul>
      ) : <p className="muted small">The output declares no fields decisions can use.</p>}
    </div>
  );
}
