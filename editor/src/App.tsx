import { useEffect, useState } from 'react';

interface Health {
  status: string;
  postgres: { ok: boolean };
  temporal: { ok: boolean };
}

/** Placeholder shell until the editor lands: shows that the stack is up. */
export function App() {
  const [health, setHealth] = useState<Health | null>(null);
  useEffect(() => {
    fetch('/healthz')
      .then((r) => r.json() as Promise<Health>)
      .then(setHealth)
      .catch(() => setHealth(null));
  }, []);
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: 24 }}>
      <h1>Leadflow</h1>
      <p>Status: {health ? health.status : 'checking …'}</p>
      <p>
        <a href="/docs">API docs</a>
      </p>
    </main>
  );
}
