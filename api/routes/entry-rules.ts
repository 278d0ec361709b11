import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listEntryRules, replaceEntryRules } from '../../db/entry-rules';
import { factCatalogView } from '../../rules/catalog-view';
import { audit } from '../auth/audit';
import { anyUser, opsOnly } from '../auth/types';
import { DomainError } from '../errors';
import { checkEntryRules, entryFacts, entryRulesBodySchema, forgetEntryRules, withIds, DEFAULT_PIPELINE_ID } from '../pipelines/entry';

const ruleSchema = z.object({ id: z.string(), name: z.string(), pipelineId: z.string(), conditions: z.record(z.string(), z.unknown()), updatedAt: z.string(), updatedBy: z.string().nullable() });
const operatorSchema = z.object({ name: z.string(), label: z.string(), valueType: z.string(), custom: z.boolean() });
const factSchema = z.object({ name: z.string(), type: z.string(), label: z.string(), values: z.array(z.string()).optional(), operators: z.array(operatorSchema) });
const catalogSchema = z.object({ kind: z.string(), entities: z.array(z.object({ entity: z.string(), facts: z.array(factSchema) })) });
const listSchema = z.object({ rules: z.array(ruleSchema), defaultPipelineId: z.string(), catalog: catalogSchema });
const errorSchema = z.object({ error: z.string(), message: z.string(), problems: z.array(z.object({ path: z.string(), message: z.string() })).optional() });

/** The facts entry conditions may use, grouped as the rule builder shows them, with the operators that fit each. */
const view = factCatalogView('scoring');
const catalog = {
  ...view,
  entities: view.entities
    .map((e) => ({ ...e, facts: e.facts.filter((f) => (entryFacts as readonly string[]).includes(f.name)) }))
    .filter((e) => e.facts.length > 0),
};

/** Entry rules: the ordered conditions that decide which published pipeline a captured lead enters. */
export const entryRuleRoutes: FastifyPluginAsyncZod = async (app) => {
  const current = async () => ({
    rules: (await listEntryRules(app.sql)).map((r) => ({ ...r, conditions: r.conditions as Record<string, unknown>, updatedAt: r.updatedAt.toISOString() })),
    defaultPipelineId: DEFAULT_PIPELINE_ID, catalog,
  });

  app.get('/api/entry-rules', {
    config: { access: anyUser },
    schema: { tags: ['pipelines'], summary: 'Entry rules in the order they are tried, and the facts they may use', response: { 200: listSchema } },
  }, current);

  app.put('/api/entry-rules', {
    config: { access: opsOnly },
    schema: {
      tags: ['pipelines'], summary: 'Replace the ordered entry rules (all or nothing; 422 lists every problem with its path)',
      body: entryRulesBodySchema, response: { 200: listSchema, 422: errorSchema },
    },
  }, async (req) => {
    const problems = await checkEntryRules(app.sql, req.body.rules);
    if (problems.length) throw new DomainError('unprocessable', `the entry rules have ${problems.length} problem(s); nothing was saved`, problems);
    const before = await listEntryRules(app.sql);
    const rules = withIds(req.body.rules);
    await replaceEntryRules(app.sql, rules, req.user!.id);
    forgetEntryRules();
    await audit(app.sql, {
      actorId: req.user!.id, action: 'pipeline.entry_rules_changed', targetType: 'entry_rules',
      details: { before: before.map((r) => ({ name: r.name, pipelineId: r.pipelineId })), after: rules.map((r) => ({ name: r.name, pipelineId: r.pipelineId })) },
    });
    return current();
  });
};
