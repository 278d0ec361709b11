// An activity worker of its own: serves "enrichCompany" on the task queue "enrichment".
// Run: LEADFLOW_API_KEY=<developer key> npx tsx examples/typescript-worker/worker.ts
import { z } from 'zod';
import { defineActivity, nonRetryable, runWorker } from '../../sdk/index';

/** Sorts the lead's company into a segment from its size (a real worker would ask a company registry). */
export const enrichCompany = defineActivity({
  name: 'enrichCompany',
  version: 1,
  label: 'Enrich company',
  description: 'Looks the company up and returns its head count and market segment.',
  input: z.object({ enterpriseFrom: z.number().int().positive().default(1000) }),
  output: z.object({
    employees: z.number().int().min(0),
    segment: z.enum(['enterprise', 'midmarket', 'smb']),
  }),
  async run(input, ctx) {
    if (!ctx.lead.company) throw nonRetryable('the lead has no company to look up');
    // ctx.key is stable across retries of this step: send it as the idempotency key to systems you call.
    const employees = ctx.lead.companySize ?? 0;
    const segment = employees >= input.enterpriseFrom ? 'enterprise' as const : employees >= 100 ? 'midmarket' as const : 'smb' as const;
    return { employees, segment };
  },
});

const env = (name: string, fallback?: string): string => {
  const v = process.env[name] ?? fallback;
  if (!v) {
    console.error(`${name} is required`);
    process.exit(2);
  }
  return v;
};

await runWorker({
  apiUrl: env('LEADFLOW_API_URL', 'http://127.0.0.1:3000'),
  apiKey: env('LEADFLOW_API_KEY'),
  temporalAddress: env('TEMPORAL_ADDRESS', '127.0.0.1:7233'),
  namespace: env('TEMPORAL_NAMESPACE', 'default'),
  taskQueue: env('TASK_QUEUE', 'enrichment'),
  heartbeatMs: Number(env('HEARTBEAT_MS', '10000')),
  activities: [enrichCompany],
});
console.log('[enrichment worker] ready');
