import { z } from 'zod';
import { registerCustomActivity } from '../registry';

/** A sample custom activity: marks the lead's account as an important (A) customer when the lead is big enough. */
registerCustomActivity({
  name: 'classifyAccount',
  label: 'Classify account importance',
  description: 'Sets the account importance class from company size (≥ 1000 → A, ≥ 100 → B, else C).',
  input: z.object({ aThreshold: z.number().int().positive().default(1000), bThreshold: z.number().int().positive().default(100) }),
  output: z.object({ importance: z.enum(['A', 'B', 'C']) }),
  async run(input, ctx) {
    const size = Number(ctx.lead.company_size ?? 0);
    const importance: 'A' | 'B' | 'C' = size >= input.aThreshold ? 'A' : size >= input.bThreshold ? 'B' : 'C';
    // Setting the same class again is harmless, so a retried step changes nothing more.
    if (ctx.lead.account_id) await ctx.sql`update accounts set importance = ${importance} where id = ${String(ctx.lead.account_id)}`;
    return { importance };
  },
});
