import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Sql } from '../../db/client';
import { leadFactsFor } from '../../db/lead-facts';
import {
  createRuleSet, getPublishedRuleSet, getRuleSetDraft, listRuleSets, listVersions, publishDraft, publishRuleSet, saveDraft,
  type OnPublished,
} from '../../db/rule-sets';
import { diffRuleSets, factCatalogView, ruleSetKindSchema, validateRuleSet, type RuleSetDocument } from '../../rules';
import { audit } from '../auth/audit';
import { leadScope } from '../auth/scope';
import { anyUser, opsOnly, type AuthUser } from '../auth/types';
import { conflict, notFound, unprocessable } from '../errors';
import { backtest } from '../rule-sets/backtest';
import {
  backtestBody, backtestResponse, diffResponse, documentInput, errorSchema, factCatalogResponse, factsQuery, idParams,
  publishedSchema, ruleSetDetailSchema, simulateBody, simulateResponse, slugSchema, summarySchema, validateResponse, versionInfoSchema, versionRef,
} from '../rule-sets/schemas';
import { assertFactsFit, decide } from '../rule-sets/simulate';

const tags = ['rule sets'];
const iso = (d: Date) => d.toISOString();
const errors = { 400: errorSchema, 404: errorSchema, 409: errorSchema, 422: errorSchema };

/** Validates a document from a request body; 422 with every problem and its JSON path. */
function checkedDocument(body: unknown): RuleSetDocument {
  const r = validateRuleSet(body);
  if (!r.ok) throw unprocessable(`the rule set has ${r.problems.length} problem(s): ${r.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, r.problems);
  return r.doc;
}

/** `Olga's EMEA scoring!` → `olga-s-emea-scoring`. */
function slugify(name: string): string {
  return name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'rule-set';
}

function auditPublish(user: AuthUser, id: string, details: Record<string, unknown>): OnPublished {
  return (tx: Sql, version: number) => audit(tx, { actorId: user.id, action: 'rule_set.published', targetType: 'rule_set', targetId: id, details: { version, ...details } });
}

async function detail(sql: Sql, id: string) {
  const draft = await getRuleSetDraft(sql, id);
  if (!draft) throw notFound(`rule set "${id}"`);
  const versions = await listVersions(sql, id);
  return {
    id: draft.id, name: draft.name, kind: draft.kind, draft: draft.draft,
    draftUpdatedAt: iso(draft.draftUpdatedAt), createdAt: iso(draft.createdAt),
    versions: versions.map((v) => ({ ...v, publishedAt: iso(v.publishedAt) })),
  };
}

/** A version by number, or the draft. */
async function documentAt(sql: Sql, id: string, ref: number | 'draft'): Promise<RuleSetDocument> {
  if (ref === 'draft') {
    const d = await getRuleSetDraft(sql, id);
    if (!d) throw notFound(`rule set "${id}"`);
    return d.draft;
  }
  const v = await getPublishedRuleSet(sql, id, ref);
  if (!v) throw notFound(`version ${ref} of rule set "${id}"`);
  return v.document;
}

async function newestVersion(sql: Sql, id: string) {
  const v = await getPublishedRuleSet(sql, id);
  if (!v) {
    if (!(await getRuleSetDraft(sql, id))) throw notFound(`rule set "${id}"`);
    throw conflict(`rule set "${id}" has no published version yet; publish the draft first`);
  }
  return v;
}

/**
 * Rule sets: drafts validated at save, immutable published versions, diff, rollback, simulation and
 * backtests, plus the fact catalog the editor's rule builder is built from. Reads are open to every signed-in
 * user; changes, publishing and backtests (which read every lead) are for ops.
 */
export const ruleSetRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/facts', {
    config: { access: anyUser },
    schema: { tags, summary: 'The fact catalog of a rule-set kind, grouped by entity, with the operators that fit each fact', querystring: factsQuery, response: { 200: factCatalogResponse } },
  }, async (req) => factCatalogView(req.query.kind));

  app.get('/api/rule-sets', {
    config: { access: anyUser },
    schema: { tags, summary: 'List rule sets with their newest version', querystring: z.object({ kind: ruleSetKindSchema.optional() }), response: { 200: z.object({ items: z.array(summarySchema) }) } },
  }, async (req) => {
    const rows = await listRuleSets(app.sql, req.query.kind);
    return { items: rows.map((r) => ({ ...r, publishedAt: r.publishedAt ? iso(r.publishedAt) : null, draftUpdatedAt: iso(r.draftUpdatedAt) })) };
  });

  app.post('/api/rule-sets', {
    config: { access: opsOnly },
    schema: {
      tags, summary: 'Create a rule set from a document (its draft); the id is the document id or a slug of its name',
      body: documentInput, response: { 201: ruleSetDetailSchema, ...errors },
    },
  }, async (req, reply) => {
    const doc = checkedDocument(req.body);
    const id = doc.id ?? slugify(doc.name);
    const slug = slugSchema.safeParse(id);
    if (!slug.success) throw unprocessable(`invalid id "${id}"`, [{ path: 'id', message: slug.error.issues[0]?.message ?? 'invalid' }]);
    if (!(await createRuleSet(app.sql, id, doc))) throw conflict(`a rule set with id "${id}" already exists`);
    return reply.status(201).send(await detail(app.sql, id));
  });

  app.post('/api/rule-sets/validate', {
    config: { access: anyUser },
    schema: { tags, summary: 'Validate a document without saving it', body: documentInput, response: { 200: validateResponse } },
  }, async (req) => {
    const r = validateRuleSet(req.body);
    return r.ok ? { ok: true, problems: [] } : { ok: false, problems: r.problems };
  });

  app.get('/api/rule-sets/:id', {
    config: { access: anyUser },
    schema: { tags, summary: 'A rule set: its draft and the list of published versions', params: idParams, response: { 200: ruleSetDetailSchema, 404: errorSchema } },
  }, async (req) => detail(app.sql, req.params.id));

  app.put('/api/rule-sets/:id/draft', {
    config: { access: opsOnly },
    schema: {
      tags, summary: 'Replace the draft; refused with 422 (every problem with its path) when invalid, leaving the stored draft as it was',
      params: idParams, body: documentInput, response: { 200: ruleSetDetailSchema, ...errors },
    },
  }, async (req) => {
    const existing = await getRuleSetDraft(app.sql, req.params.id);
    if (!existing) throw notFound(`rule set "${req.params.id}"`);
    const doc = checkedDocument(req.body);
    if (doc.kind !== existing.kind) throw unprocessable(`the kind of a rule set cannot change (it is ${existing.kind})`, [{ path: 'kind', message: `must stay ${existing.kind}` }]);
    if (doc.id !== undefined && doc.id !== req.params.id) throw unprocessable(`the document id "${doc.id}" does not match the URL`, [{ path: 'id', message: `must be "${req.params.id}" or absent` }]);
    await saveDraft(app.sql, req.params.id, doc);
    return detail(app.sql, req.params.id);
  });

  app.post('/api/rule-sets/:id/publish', {
    config: { access: opsOnly },
    schema: {
      tags, summary: 'Publish the draft as the next immutable version (refused with 422 when the draft is invalid)',
      params: idParams, body: z.object({ note: z.string().max(500).optional() }).strict().nullish(),
      response: { 201: z.object({ id: z.string(), version: z.number().int() }), ...errors },
    },
  }, async (req, reply) => {
    const { id } = req.params;
    const note = req.body?.note ?? '';
    const out = await publishDraft(app.sql, id, req.user!.id, note, auditPublish(req.user!, id, { note }));
    if (!out.ok) {
      if ('missing' in out) throw notFound(`rule set "${id}"`);
      throw unprocessable(`the draft cannot be published: ${out.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, out.problems);
    }
    return reply.status(201).send({ id, version: out.version });
  });

  app.get('/api/rule-sets/:id/versions', {
    config: { access: anyUser },
    schema: { tags, summary: 'Published versions, newest first', params: idParams, response: { 200: z.object({ items: z.array(versionInfoSchema) }), 404: errorSchema } },
  }, async (req) => {
    const items = await listVersions(app.sql, req.params.id);
    if (items.length === 0 && !(await getRuleSetDraft(app.sql, req.params.id))) throw notFound(`rule set "${req.params.id}"`);
    return { items: items.map((v) => ({ ...v, publishedAt: iso(v.publishedAt) })) };
  });

  const versionRow = async (id: string, version?: number) => {
    const [row] = await app.sql<{ version: number; document: RuleSetDocument; note: string; published_by: string | null; published_at: Date }[]>`
      select version, document, note, published_by, published_at from rule_set_versions
      where rule_set_id = ${id} and (${version ?? null}::int is null or version = ${version ?? null}::int)
      order by version desc limit 1`;
    if (!row) throw notFound(version ? `version ${version} of rule set "${id}"` : `a published version of rule set "${id}"`);
    return { id, version: row.version, note: row.note, publishedBy: row.published_by, publishedAt: iso(row.published_at), document: row.document };
  };

  app.get('/api/rule-sets/:id/versions/:version', {
    config: { access: anyUser },
    schema: { tags, summary: 'One published version', params: idParams.extend({ version: z.coerce.number().int().min(1).max(2_147_483_647) }), response: { 200: publishedSchema, 404: errorSchema } },
  }, async (req) => versionRow(req.params.id, req.params.version));

  app.get('/api/rule-sets/:id/published', {
    config: { access: anyUser },
    schema: { tags, summary: 'The newest published version (what new decisions use)', params: idParams, response: { 200: publishedSchema, 404: errorSchema } },
  }, async (req) => versionRow(req.params.id));

  app.get('/api/rule-sets/:id/diff', {
    config: { access: anyUser },
    schema: {
      tags, summary: 'Rules added, removed and changed (with the changed fields) between two versions; defaults: newest published → draft',
      params: idParams, querystring: z.object({ from: versionRef.optional(), to: versionRef.optional() }),
      response: { 200: diffResponse, ...errors },
    },
  }, async (req) => {
    const { id } = req.params;
    const from = req.query.from ?? (await newestVersion(app.sql, id)).version;
    const to = req.query.to ?? 'draft';
    const diff = diffRuleSets(await documentAt(app.sql, id, from), await documentAt(app.sql, id, to));
    return { from, to, ...diff };
  });

  app.post('/api/rule-sets/:id/rollback', {
    config: { access: opsOnly },
    schema: {
      tags, summary: "Publish an old version's document again as a new version (the draft is left as it is)",
      params: idParams, body: z.object({ version: z.number().int().min(1).max(2_147_483_647), note: z.string().max(500).optional() }).strict(),
      response: { 201: z.object({ id: z.string(), version: z.number().int(), rolledBackTo: z.number().int() }), ...errors },
    },
  }, async (req, reply) => {
    const { id } = req.params;
    const old = await getPublishedRuleSet(app.sql, id, req.body.version);
    if (!old) throw notFound(`version ${req.body.version} of rule set "${id}"`);
    const note = req.body.note ?? `rollback to version ${req.body.version}`;
    const version = await publishRuleSet(app.sql, id, old.document, req.user!.id, note, auditPublish(req.user!, id, { note, rolledBackTo: req.body.version }));
    return reply.status(201).send({ id, version, rolledBackTo: req.body.version });
  });

  app.post('/api/rule-sets/:id/simulate', {
    config: { access: anyUser },
    schema: {
      tags, summary: 'Evaluate the newest published version (or the draft) for inline facts or a stored lead, with the explanation',
      params: idParams, body: simulateBody, response: { 200: simulateResponse, ...errors },
    },
  }, async (req) => {
    const { id } = req.params;
    const body = req.body;
    const now = body.now ? new Date(body.now) : new Date();
    let doc: RuleSetDocument;
    let version: number | null = null;
    if (body.useDraft) {
      const d = await getRuleSetDraft(app.sql, id);
      if (!d) throw notFound(`rule set "${id}"`);
      doc = d.draft;
    } else {
      const v = await newestVersion(app.sql, id);
      doc = v.document;
      version = v.version;
    }
    assertFactsFit(doc.kind, body.lead ? 'lead' : body.leadId !== undefined ? 'leadId' : 'configuration');
    let facts: object;
    if (body.leadId !== undefined) {
      // A lead the caller may not see answers exactly like a missing one.
      const [visible] = await app.sql`select l.id from leads l where l.id = ${body.leadId} and ${leadScope(app.sql, req.user, 'l')}`;
      const stored = visible ? await leadFactsFor(app.sql, body.leadId, now) : undefined;
      if (!stored) throw notFound(`lead "${body.leadId}"`);
      facts = stored;
    } else {
      facts = body.lead ?? body.configuration ?? {};
    }
    const { decision, explanation } = await decide(doc, facts, now);
    return { ruleSet: { id, name: doc.name, kind: doc.kind, version, draft: body.useDraft }, facts: { ...facts }, decision, explanation };
  });

  app.post('/api/rule-sets/:id/backtest', {
    config: { access: opsOnly },
    schema: {
      tags, summary: 'Draft vs newest published version over the newest stored leads: how many decisions change, with a sample',
      params: idParams, body: backtestBody.nullish(), response: { 200: backtestResponse, ...errors },
    },
  }, async (req) => {
    const { id } = req.params;
    const draft = await getRuleSetDraft(app.sql, id);
    if (!draft) throw notFound(`rule set "${id}"`);
    const published = await newestVersion(app.sql, id);
    const body = req.body ?? { limit: 1000 };
    const limit = body.limit === 'all' ? undefined : body.limit;
    const now = body.now ? new Date(body.now) : new Date();
    const result = await backtest(app.sql, published.document, draft.draft, { limit, now });
    return { kind: draft.kind, published: { version: published.version }, ...result };
  });
};
