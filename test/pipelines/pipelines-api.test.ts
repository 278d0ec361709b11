import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishPipeline } from '../../db/pipelines';
import { createRuleSet, publishRuleSet } from '../../db/rule-sets';
import { defaultPipeline } from '../../engine/pipeline/default-pipeline';
import type { PipelineDocument } from '../../engine/pipeline/schema';
import { packs } from '../../rules/packs';
import type { RuleSetDocument } from '../../rules/schema';
import { bearerHeaders } from '../helpers/auth';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';

type Problem = { path: string; message: string; nodeId?: string };
type Event = { type: string; context: Record<string, unknown> };

/** Several pipelines: complete publish checks, entry rules, rename/duplicate/archive/rollback, failed leads and retry. */
describe('pipelines in use', () => {
  let stack: TestStack;
  let ops: Record<string, string>;
  let rep: Record<string, string>;
  const clone = (over: Partial<PipelineDocument> = {}): PipelineDocument => ({ ...structuredClone(defaultPipeline), ...over });
  const req = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, body?: unknown, headers = ops) => {
    const r = await stack.app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) });
    return { status: r.statusCode, body: r.json() as Record<string, unknown> };
  };
  const capture = async (email: string, country: string) => {
    const r = await req('POST', '/api/leads', { name: `Lead ${email}`, email, country });
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    return r.body.leadId as string;
  };
  const leadRow = async (id: string) => (await stack.db.sql<{ pipeline_id: string; status: string; stage: string; failure_reason: string | null }[]>`
    select pipeline_id, status, stage, failure_reason from leads where id = ${id}`)[0];
  const events = async (id: string) => ((await req('GET', `/api/leads/${id}`)).body.events as Event[]);

  beforeAll(async () => {
    stack = await createTestStack();
    await seedDefaults(stack.db.sql);
    await stack.startWorker();
    ops = await bearerHeaders(stack.db.sql, 'u-olga');
    rep = await bearerHeaders(stack.db.sql, 'u-anna');
    const storage: RuleSetDocument = { name: 'Storage limits', kind: 'configurator', rules: [
      { name: 'storage-cap', priority: 1, conditions: { all: [{ fact: 'storageGb', operator: 'greaterThan', value: 500 }] }, event: { type: 'violation', params: { violation: 'At most 500 GB.' } } },
    ] };
    await createRuleSet(stack.db.sql, 'cfg-storage', storage);
    await publishRuleSet(stack.db.sql, 'cfg-storage', storage, null, 'test');
  }, 60_000);
  afterAll(async () => stack?.close());

  it('refuses a publish with every problem on its node, and publishes nothing', async () => {
    const doc = clone({ id: 'checks', name: 'Checks' });
    const node = (id: string) => doc.nodes.find((n) => n.id === id)! as { config: Record<string, unknown> };
    node('nurture-mail').config.template = 'no-such-template';
    node('score').config.ruleSetId = 'configurator-default';
    node('hot').config.ruleSetId = 'routing-default';
    (node('hot').config.branches as { when: unknown }[])[0]!.when = { all: [{ fact: 'scoore', operator: 'greaterThan', value: 1 }] };
    doc.nodes.push({ id: 'cfg-check', type: 'configurator_check', label: 'Offer valid?', config: { ruleSetId: 'cfg-storage' }, position: { x: 0, y: 0 } });
    doc.edges = doc.edges.map((e) => (e.id === 'e15' ? { ...e, target: 'cfg-check' } : e));
    doc.edges.push({ id: 'e-cfg-ok', source: 'cfg-check', target: 'close', branch: 'valid' }, { id: 'e-cfg-bad', source: 'cfg-check', target: 'lost', branch: 'invalid' });

    const r = await req('POST', '/api/pipelines/checks/publish', { note: 'first', document: doc });
    expect(r.status).toBe(422);
    const problems = r.body.problems as Problem[];
    const on = (nodeId: string) => problems.filter((p) => p.nodeId === nodeId).map((p) => p.message).join(' | ');
    expect(on('nurture-mail')).toMatch(/e-mail template "no-such-template" does not exist/);
    expect(on('score')).toMatch(/"configurator-default" is a configurator rule set; this field needs a scoring one/);
    expect(on('hot')).toMatch(/"routing-default" is a routing rule set/);
    expect(on('hot')).toMatch(/unknown fact "scoore"/);
    expect(on('cfg-check')).toMatch(/reads "storageGb", which this pipeline never provides/);
    expect(problems.find((p) => p.nodeId === 'nurture-mail')!.path).toBe(`nodes[${doc.nodes.findIndex((n) => n.id === 'nurture-mail')}].config.template`);
    // The draft was kept, its problems shown on load (the designer marks the nodes), and no version exists.
    const loaded = await req('GET', '/api/pipelines/checks');
    expect((loaded.body.versions as unknown[]).length).toBe(0);
    expect((loaded.body.problems as Problem[]).map((p) => p.nodeId)).toEqual(expect.arrayContaining(['nurture-mail', 'score', 'hot', 'cfg-check']));
  });

  it('duplicates a pipeline, and an entry rule sends matching captures to it with the reason on the timeline', async () => {
    expect((await req('POST', '/api/pipelines/default/duplicate', { id: 'partners', name: 'Partner leads' })).status).toBe(201);
    expect((await req('POST', '/api/pipelines/default/duplicate', { id: 'partners', name: 'Again' })).status).toBe(409);
    // A rule naming an unpublished pipeline, or a fact not known at capture, is refused with its path.
    const bad = await req('PUT', '/api/entry-rules', { rules: [
      { name: 'Hot ones', pipelineId: 'partners', conditions: { all: [{ fact: 'score', operator: 'greaterThan', value: 5 }] } },
    ] });
    expect(bad.status).toBe(422);
    expect(bad.body.problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ path: 'rules[0].conditions.all[0].fact', message: expect.stringMatching(/not known when a lead is captured/) }),
      expect.objectContaining({ path: 'rules[0].pipelineId', message: expect.stringMatching(/archived or not published/) }),
    ]));
    expect((await req('POST', '/api/pipelines/partners/publish', { note: 'partner flow' })).status).toBe(201);
    const put = await req('PUT', '/api/entry-rules', { rules: [
      { name: 'German leads', pipelineId: 'partners', conditions: { all: [{ fact: 'country', operator: 'in', value: ['DE', 'AT'] }] } },
    ] });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await req('PUT', '/api/entry-rules', { rules: [] }, rep)).status).toBe(403);

    const de = await capture('entry-de@example.test', 'DE');
    const fr = await capture('entry-fr@example.test', 'FR');
    const moved = async (id: string) => { const row = await leadRow(id); return row && row.stage !== 'captured'; };
    await eventually(async () => (await moved(de)) && moved(fr));
    expect((await leadRow(de))!.pipeline_id).toBe('partners');
    expect((await leadRow(fr))!.pipeline_id).toBe('default');
    const entered = (await events(de)).find((e) => e.type === 'pipeline_entered')!;
    expect(entered.context).toMatchObject({ pipelineId: 'partners', rule: { name: 'German leads' } });
    expect(entered.context.reason).toMatch(/entry rule "German leads" matched: country in \["DE","AT"\]/);
    expect((await events(fr)).find((e) => e.type === 'pipeline_entered')!.context.reason).toMatch(/no entry rule matched: the default pipeline takes it/);
    const live = await req('GET', '/api/pipelines/partners/live');
    expect((live.body.total as { open: number }).open).toBe(1);
  });

  it('renames, archives (no new leads, running ones go on) and rolls back, each written to the audit log', async () => {
    expect((await req('PATCH', '/api/pipelines/partners', { name: 'Partners (DACH)' })).status).toBe(200);
    const list = (await req('GET', '/api/pipelines')).body.items as { id: string; name: string; archivedAt: string | null }[];
    expect(list.find((p) => p.id === 'partners')!.name).toBe('Partners (DACH)');

    // v2 renames a stage; rolling back publishes v1's graph again as v3, with the note.
    const draft = (await req('GET', '/api/pipelines/partners')).body.draft as PipelineDocument;
    const v2 = structuredClone(draft);
    (v2.nodes.find((n) => n.id === 'qualification')!.config as { name: string }).name = 'first-call';
    expect((await req('POST', '/api/pipelines/partners/publish', { note: 'rename stage', document: v2 })).status).toBe(201);
    expect((await req('POST', '/api/pipelines/partners/rollback', { version: 1, note: '' })).status).toBe(400);
    const rb = await req('POST', '/api/pipelines/partners/rollback', { version: 1, note: 'stage name confused reps' });
    expect(rb.status, JSON.stringify(rb.body)).toBe(201);
    expect(rb.body).toEqual({ version: 3, from: 1 });
    const after = await req('GET', '/api/pipelines/partners');
    expect((after.body.versions as { version: number; note: string }[])[0]).toMatchObject({ version: 3, note: 'rollback to v1: stage name confused reps' });
    const v3 = (await req('GET', '/api/pipelines/partners/versions/3')).body.document as PipelineDocument;
    expect((v3.nodes.find((n) => n.id === 'qualification')!.config as { name: string }).name).toBe('qualification');
    expect(v3.name).toBe('Partners (DACH)');

    expect((await req('POST', '/api/pipelines/default/archive', {})).status).toBe(409);
    expect((await req('POST', '/api/pipelines/partners/archive', {})).status).toBe(200);
    const de2 = await capture('entry-de2@example.test', 'DE');
    await eventually(async () => { const row = await leadRow(de2); return row && row.stage !== 'captured'; });
    expect((await leadRow(de2))!.pipeline_id).toBe('default');
    expect((await events(de2)).find((e) => e.type === 'pipeline_entered')!.context.reason).toMatch(/"German leads" matched but pipeline "partners" is archived/);
    // The lead that entered before the archive is still running on it.
    expect((await leadRow((await stack.db.sql<{ id: string }[]>`select id from leads where email = 'entry-de@example.test'`)[0]!.id))).toMatchObject({ pipeline_id: 'partners', status: 'open' });

    const audit = await stack.db.sql<{ action: string; target_id: string; actor_id: string }[]>`
      select action, target_id, actor_id from audit_log where action like 'pipeline.%' order by id`;
    const actions = audit.map((a) => `${a.action} ${a.target_id ?? ''}`.trim());
    expect(actions).toEqual(expect.arrayContaining([
      'pipeline.duplicated partners', 'pipeline.published partners', 'pipeline.entry_rules_changed', 'pipeline.renamed partners',
      'pipeline.rolled_back partners', 'pipeline.archived partners',
    ]));
    expect(audit.every((a) => a.actor_id === 'u-olga')).toBe(true);
  });

  it('shows a lead whose process fails as failed with the reason, counted apart, and retries it after the fix', async () => {
    // A version that passed no checks (written straight to the store): its score node names a rule set that does not exist.
    const fragile = clone({ id: 'fragile', name: 'Fragile' });
    (fragile.nodes.find((n) => n.id === 'score')!.config as { ruleSetId: string }).ruleSetId = 'scoring-later';
    await publishPipeline(stack.db.sql, fragile, null, 'unchecked');
    expect((await req('PUT', '/api/entry-rules', { rules: [
      { name: 'Norway', pipelineId: 'fragile', conditions: { all: [{ fact: 'country', operator: 'equal', value: 'NO' }] } },
    ] })).status).toBe(200);
    const id = await capture('fails@example.test', 'NO');
    const failed = await eventually(async () => ((await leadRow(id))?.status === 'failed' ? leadRow(id) : undefined), 30_000);
    expect(failed!.failure_reason).toMatch(/rule set "scoring-later" has no published version/);

    const page = await req('GET', `/api/leads/${id}`);
    expect(page.body.failure).toMatchObject({ reason: expect.stringMatching(/scoring-later/), nodeId: 'score' });
    expect((page.body.events as Event[]).some((e) => e.type === 'failed')).toBe(true);
    const live = (await req('GET', '/api/pipelines/fragile/live')).body as { total: { open: number; closed: number; failed: number }; nodes: { nodeId: string; failed: number }[] };
    expect(live.total).toEqual({ open: 0, closed: 0, failed: 1 });
    expect(live.nodes.find((n) => n.nodeId === 'score')!.failed).toBe(1);

    expect((await req('POST', `/api/leads/${id}/retry`, {}, rep)).status).toBe(403);
    const scoring = { ...packs.scoring, id: 'scoring-later', name: 'Scoring published late' } as RuleSetDocument;
    await createRuleSet(stack.db.sql, 'scoring-later', scoring);
    await publishRuleSet(stack.db.sql, 'scoring-later', scoring, null, 'the fix');
    const retry = await req('POST', `/api/leads/${id}/retry`, {});
    expect(retry.status, JSON.stringify(retry.body)).toBe(200);
    expect(retry.body).toMatchObject({ nodeId: 'score', version: 1 });
    const resumed = await eventually(async () => {
      const row = await leadRow(id);
      return row && row.status !== 'failed' && row.stage !== 'captured' ? row : undefined;
    }, 30_000);
    expect(resumed.failure_reason).toBeNull();
    expect(['qualification', 'nurturing']).toContain(resumed.stage);
    expect((await events(id)).map((e) => e.type)).toEqual(expect.arrayContaining(['failed', 'retried', 'scored']));
    expect((await req('POST', `/api/leads/${id}/retry`, {})).status).toBe(409);
  }, 90_000);
});
