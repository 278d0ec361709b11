import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packJson } from '../../rules';
import { createUser, type TestUser } from '../helpers/auth';
import { createTestStack, type TestStack } from '../helpers/stack';
import { insertLead } from './fixtures';

type Json = Record<string, any>;
const NOW = '2025-06-01T12:00:00.000Z';

/** A small scoring set: 10 points for a phone, 20 for DACH. */
const base = () => ({
  id: 'scoring-test', name: 'Test scoring', kind: 'scoring', settings: { grades: { A: 25, B: 15 } },
  rules: [
    { name: 'has-phone', conditions: { all: [{ fact: 'hasPhone', operator: 'equal', value: true }] }, event: { type: 'score', params: { points: 10 } } },
    { name: 'dach', conditions: { all: [{ fact: 'country', operator: 'inTerritory', value: ['DACH'] }] }, event: { type: 'score', params: { points: 20 } } },
  ],
});

describe('rule sets API', () => {
  let stack: TestStack;
  let ops: TestUser;
  let rep: TestUser;
  const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, user: TestUser = ops) =>
    stack.app.inject({ method, url, headers: user.headers, ...(payload === undefined ? {} : { payload: payload as Json }) });

  beforeAll(async () => {
    stack = await createTestStack();
    ops = await createUser(stack.db.sql, { role: 'ops' });
    rep = await createUser(stack.db.sql, { role: 'rep', teamId: 'team-t' });
  });
  afterAll(async () => stack?.close());

  it('serves the fact catalog grouped by entity, with the operators that fit each type', async () => {
    const res = await call('GET', '/api/facts?kind=scoring', undefined, rep);
    expect(res.statusCode).toBe(200);
    const entities = res.json().entities as { entity: string; facts: { name: string; type: string; operators: { name: string }[] }[] }[];
    expect(entities.map((e) => e.entity)).toEqual(expect.arrayContaining(['lead', 'account', 'activity', 'offer']));
    const size = entities.flatMap((e) => e.facts).find((f) => f.name === 'companySize')!;
    expect(size.type).toBe('number');
    expect(size.operators.map((o) => o.name)).toContain('between');
    expect(size.operators.map((o) => o.name)).not.toContain('matchesPattern');
    expect((await call('GET', '/api/facts?kind=configurator')).json().entities[0].facts.map((f: Json) => f.name)).toContain('options');
  });

  it('creates a rule set (id from the document), refuses a duplicate and a malformed one with every problem', async () => {
    const res = await call('POST', '/api/rule-sets', base());
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ id: 'scoring-test', kind: 'scoring', versions: [], draft: { name: 'Test scoring' } });
    expect((await call('POST', '/api/rule-sets', base())).statusCode).toBe(409);
    const slugged = await call('POST', '/api/rule-sets', { ...base(), id: undefined, name: 'Routing for EMEA!', kind: 'routing', settings: undefined, rules: [] });
    expect(slugged.statusCode).toBe(201);
    expect(slugged.json().id).toBe('routing-for-emea');
    const bad = await call('POST', '/api/rule-sets', { ...base(), id: 'other', rules: [{ name: 'x', conditions: { all: [{ fact: 'nope', operator: 'equal', value: 1 }] }, event: { params: { points: 1 } } }] });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().problems).toEqual([expect.objectContaining({ path: 'rules[0].conditions.all[0].fact' })]);
    expect((await call('GET', '/api/rule-sets/other')).statusCode).toBe(404);
  });

  it('refuses an invalid draft with 422 listing every problem and its path, and keeps the stored draft', async () => {
    const doc = base() as Json;
    doc.rules = [
      { name: 'a', conditions: { all: [{ fact: 'contry', operator: 'equal', value: 'DE' }] }, event: { params: { points: 1 } } },
      { name: 'a', conditions: { all: [{ fact: 'country', operator: 'greaterThan', value: 3 }] }, event: { params: { points: 1 } } },
      { name: 'c', conditions: { all: [{ fact: 'companySize', operator: 'between', value: ['x', 2] }] }, event: { params: { points: 1 } } },
      { name: 'd', conditions: { any: [] }, event: { params: { points: 1 } } },
    ];
    const res = await call('PUT', '/api/rule-sets/scoring-test/draft', doc);
    expect(res.statusCode).toBe(422);
    const paths = (res.json().problems as { path: string; message: string }[]).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining([
      'rules[0].conditions.all[0].fact', 'rules[1].name', 'rules[1].conditions.all[0].operator', 'rules[2].conditions.all[0].value', 'rules[3].conditions.any',
    ]));
    expect(res.json().problems.find((p: Json) => p.path === 'rules[0].conditions.all[0].fact').message).toContain('did you mean "country"');
    const after = await call('GET', '/api/rule-sets/scoring-test');
    expect(after.json().draft.rules.map((r: Json) => r.name)).toEqual(['has-phone', 'dach']);
    // The same document through /validate: 200 with the problems, nothing saved.
    const v = await call('POST', '/api/rule-sets/validate', doc, rep);
    expect(v.statusCode).toBe(200);
    expect(v.json().ok).toBe(false);
    expect(v.json().problems.length).toBeGreaterThanOrEqual(5);
    expect((await call('POST', '/api/rule-sets/validate', packJson.routing)).json()).toEqual({ ok: true, problems: [] });
    // The kind of a rule set cannot change.
    expect((await call('PUT', '/api/rule-sets/scoring-test/draft', { ...packJson.routing, id: undefined })).statusCode).toBe(422);
  });

  it('publishes versions 1 and 2, lists them, diffs them and rolls back as version 3; reps may read but not publish', async () => {
    expect((await call('POST', '/api/rule-sets/scoring-test/publish', { note: 'first' }, rep)).statusCode).toBe(403);
    const v1 = await call('POST', '/api/rule-sets/scoring-test/publish', { note: 'first' });
    expect(v1.statusCode).toBe(201);
    expect(v1.json()).toEqual({ id: 'scoring-test', version: 1 });
    const changed = base() as Json;
    changed.rules[0].event.params.points = 30;
    changed.rules[1].priority = 2;
    changed.rules.push({ name: 'big', conditions: { all: [{ fact: 'companySize', operator: 'greaterThanInclusive', value: 500 }] }, event: { type: 'score', params: { points: 5 } } });
    changed.rules.splice(1, 1); // remove "dach"
    expect((await call('PUT', '/api/rule-sets/scoring-test/draft', changed)).statusCode).toBe(200);
    expect((await call('POST', '/api/rule-sets/scoring-test/publish')).json().version).toBe(2);

    const versions = await call('GET', '/api/rule-sets/scoring-test/versions', undefined, rep);
    expect(versions.json().items.map((v: Json) => [v.version, v.note, v.publishedBy])).toEqual([[2, '', ops.id], [1, 'first', ops.id]]);
    expect((await call('GET', '/api/rule-sets/scoring-test/versions/1')).json().document.rules).toHaveLength(2);
    expect((await call('GET', '/api/rule-sets/scoring-test/published')).json()).toMatchObject({ version: 2 });

    const diff = await call('GET', '/api/rule-sets/scoring-test/diff?from=1&to=2');
    expect(diff.statusCode).toBe(200);
    expect(diff.json()).toMatchObject({
      from: 1, to: 2, added: ['big'], removed: ['dach'],
      changed: [{ rule: 'has-phone', fields: [{ field: 'event.params.points', before: 10, after: 30 }] }],
    });
    expect((await call('GET', '/api/rule-sets/scoring-test/diff')).json()).toMatchObject({ from: 2, to: 'draft', added: [], removed: [], changed: [] });

    const audits = await stack.db.sql`select actor_id, details from audit_log where action = 'rule_set.published' and target_id = 'scoring-test' order by id`;
    expect(audits.map((a) => a.details.version)).toEqual([1, 2]);

    expect((await call('POST', '/api/rule-sets/scoring-test/rollback', { version: 1 }, rep)).statusCode).toBe(403);
    const rb = await call('POST', '/api/rule-sets/scoring-test/rollback', { version: 1 });
    expect(rb.statusCode).toBe(201);
    expect(rb.json()).toEqual({ id: 'scoring-test', version: 3, rolledBackTo: 1 });
    const v3 = (await call('GET', '/api/rule-sets/scoring-test/published')).json();
    expect(v3.version).toBe(3);
    expect(v3.note).toBe('rollback to version 1');
    expect(v3.document.rules).toEqual((await call('GET', '/api/rule-sets/scoring-test/versions/1')).json().document.rules);
    expect((await call('POST', '/api/rule-sets/scoring-test/rollback', { version: 9 })).statusCode).toBe(404);
    const list = await call('GET', '/api/rule-sets', undefined, rep);
    expect(list.json().items.find((r: Json) => r.id === 'scoring-test')).toMatchObject({ latestVersion: 3, kind: 'scoring' });
  });

  it('refuses to publish a draft that no longer validates, and the published version stays as it was', async () => {
    await stack.db.sql`insert into rule_sets (id, name, kind, draft) values ('stale', 'Stale', 'scoring', ${stack.db.sql.json(base() as never)})`;
    expect((await call('POST', '/api/rule-sets/stale/publish')).json().version).toBe(1);
    // E.g. a fact was removed from the catalog after the draft was saved.
    const broken = base() as Json;
    broken.rules[0].conditions.all[0].fact = 'retiredFact';
    await stack.db.sql`update rule_sets set draft = ${stack.db.sql.json(broken as never)} where id = 'stale'`;
    const res = await call('POST', '/api/rule-sets/stale/publish');
    expect(res.statusCode).toBe(422);
    expect(res.json().problems[0].path).toBe('rules[0].conditions.all[0].fact');
    const pub = (await call('GET', '/api/rule-sets/stale/published')).json();
    expect(pub.version).toBe(1);
    expect(pub.document.rules[0].conditions.all[0].fact).toBe('hasPhone');
    expect((await call('GET', '/api/rule-sets/stale/versions')).json().items).toHaveLength(1);
    expect((await call('POST', '/api/rule-sets/nothing-here/publish')).statusCode).toBe(404);
  });

  it('simulates inline facts and stored leads, published or draft, with an explanation', async () => {
    const inline = await call('POST', '/api/rule-sets/scoring-test/simulate', { lead: { country: 'AT', hasPhone: true }, now: NOW }, rep);
    expect(inline.statusCode).toBe(200);
    expect(inline.json()).toMatchObject({
      ruleSet: { id: 'scoring-test', version: 3, draft: false },
      decision: { score: 30, grade: 'A', matched: [{ rule: 'has-phone', points: 10 }, { rule: 'dach', points: 20 }] },
      explanation: { matched: [{ rule: 'has-phone' }, { rule: 'dach', conditions: [{ fact: 'country', actual: 'AT' }] }] },
    });
    const draft = await call('POST', '/api/rule-sets/scoring-test/simulate', { lead: { country: 'AT', hasPhone: true }, useDraft: true });
    expect(draft.json()).toMatchObject({ ruleSet: { version: null, draft: true }, decision: { score: 30, matched: [{ rule: 'has-phone', points: 30 }] } });

    const leadId = await insertLead(stack.db.sql, { country: 'CH', phone: '+41 1', ownerId: ops.id });
    const stored = await call('POST', '/api/rule-sets/scoring-test/simulate', { leadId });
    expect(stored.statusCode).toBe(200);
    expect(stored.json()).toMatchObject({ facts: { country: 'CH', hasPhone: true }, decision: { score: 30 } });
    // A rep may not see a lead owned by someone else: 404, exactly like a missing lead.
    expect((await call('POST', '/api/rule-sets/scoring-test/simulate', { leadId }, rep)).statusCode).toBe(404);
    expect((await call('POST', '/api/rule-sets/scoring-test/simulate', { leadId: 'no-such-lead' })).statusCode).toBe(404);

    const routing = await call('POST', '/api/rule-sets/routing-for-emea/simulate', { lead: { country: 'DE' }, useDraft: true });
    expect(routing.json()).toMatchObject({ decision: { rule: null } });
  });

  it('refuses a simulated lead of the wrong shape, naming the field', async () => {
    const wrongType = await call('POST', '/api/rule-sets/scoring-test/simulate', { lead: { companySize: 'big' } });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().problems.map((p: Json) => p.path)).toContain('body.lead.companySize');
    const unknown = await call('POST', '/api/rule-sets/scoring-test/simulate', { lead: { contry: 'DE' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toContain('contry');
    expect((await call('POST', '/api/rule-sets/scoring-test/simulate', {})).statusCode).toBe(400);
    expect((await call('POST', '/api/rule-sets/scoring-test/simulate', { configuration: { quantity: 3 } })).statusCode).toBe(422);
  });

  it('backtests the draft against the published version over stored leads', async () => {
    // The draft gives phones 30 points instead of 10, drops "dach" and adds "big" (published v3 = v1).
    await stack.db.sql`delete from leads`;
    const NOW_D = new Date(NOW);
    await insertLead(stack.db.sql, { country: 'DE', phone: '1', createdAt: NOW_D }); // 30 A → 30 A: unchanged
    await insertLead(stack.db.sql, { country: 'FR', phone: '1', createdAt: new Date(NOW_D.getTime() - 1000) }); // 10 C → 30 A
    await insertLead(stack.db.sql, { country: 'AT', createdAt: new Date(NOW_D.getTime() - 2000) }); // 20 B → 0 C
    await insertLead(stack.db.sql, { country: 'US', createdAt: new Date(NOW_D.getTime() - 3000) }); // 0 C → 0 C
    await insertLead(stack.db.sql, { country: 'US', companySize: 900, createdAt: new Date(NOW_D.getTime() - 4000) }); // 0 C → 5 C
    expect((await call('POST', '/api/rule-sets/scoring-test/backtest', { limit: 'all' }, rep)).statusCode).toBe(403);
    const res = await call('POST', '/api/rule-sets/scoring-test/backtest', { limit: 'all', now: NOW });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ kind: 'scoring', published: { version: 3 }, leads: 5, changed: 3, counts: { score: 3, grade: 2, scoreUp: 2, scoreDown: 1 } });
    expect(body.sample).toHaveLength(3);
    expect(body.sample[0]).toMatchObject({ before: { score: 10, grade: 'C' }, after: { score: 30, grade: 'A' } });
    const limited = await call('POST', '/api/rule-sets/scoring-test/backtest', { limit: 2, now: NOW });
    expect(limited.json()).toMatchObject({ leads: 2, changed: 1 });
    expect((await call('POST', '/api/rule-sets/routing-for-emea/backtest', {})).statusCode).toBe(409); // nothing published
  });

  it('documents every rule-set route in the OpenAPI document', async () => {
    const doc = (await stack.app.inject({ url: '/docs/json' })).json();
    for (const p of ['/api/facts', '/api/rule-sets', '/api/rule-sets/{id}/draft', '/api/rule-sets/{id}/simulate', '/api/rule-sets/{id}/backtest', '/api/rule-sets/{id}/diff']) {
      expect(doc.paths).toHaveProperty([p]);
    }
  });
});
