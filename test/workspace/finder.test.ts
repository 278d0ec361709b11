import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../helpers/auth';
import { createTestStack, type TestStack } from '../helpers/stack';

/** The lead finder as a rep, a manager and ops use it: every filter narrows, scope follows the role, CSV, saved views. */
describe('lead finder', () => {
  let stack: TestStack;
  const u: Record<string, TestUser> = {};

  beforeAll(async () => {
    stack = await createTestStack();
    const sql = stack.db.sql;
    u.anna = await createUser(sql, { role: 'rep', teamId: 'team-a', id: 'rep-anna' });
    u.ben = await createUser(sql, { role: 'rep', teamId: 'team-a', id: 'rep-ben' });
    u.carla = await createUser(sql, { role: 'rep', teamId: 'team-b', id: 'rep-carla' });
    u.mia = await createUser(sql, { role: 'manager', teamId: 'team-a', id: 'mgr-mia' });
    u.olga = await createUser(sql, { role: 'ops', id: 'ops-olga' });
    await sql`insert into accounts (id, name, domain, industry, company_size) values ('acc-siemens', 'Siemens AG', 'siemens.example', 'Manufacturing', 5000)`;
    const leads = [
      // id, owner, team, stage, status, grade, score, source, country, industry, size, interest, created, lastVisit, account, name, company
      ['l-1', 'rep-anna', 'team-a', 'qualification', 'open', 'A', 80, 'web', 'DE', 'Manufacturing', 5000, 'crm', '2026-01-10T10:00:00Z', '2026-02-01T10:00:00Z', 'acc-siemens', 'Alice Adler', 'Siemens AG'],
      ['l-2', 'rep-anna', 'team-a', 'offer', 'qualified', 'B', 55, 'partner', 'AT', 'Retail', 40, 'analytics', '2026-02-10T10:00:00Z', null, null, 'Bert Berger', '=HYPERLINK("x")'],
      ['l-3', 'rep-ben', 'team-a', 'qualification', 'open', 'C', 10, 'manual', 'DE', 'Retail', 12, 'crm', '2026-03-10T10:00:00Z', '2026-03-11T10:00:00Z', 'acc-siemens', 'Cora Clausen', 'Siemens AG'],
      ['l-4', 'rep-carla', 'team-b', 'nurturing', 'nurturing', 'B', 40, 'import', 'SE', 'Software', 200, 'cpq', '2026-04-10T10:00:00Z', null, null, 'Dag Dahl', 'Nordic Soft'],
      ['l-5', null, 'team-a', 'captured', 'open', null, 0, 'web', 'CH', null, null, null, '2026-05-10T10:00:00Z', null, null, 'Eli Egger', 'Egger GmbH'],
    ] as const;
    for (const [id, owner, team, stage, status, grade, score, source, country, industry, size, interest, created, visit, account, name, company] of leads) {
      await sql`insert into leads (id, dedupe_key, source, status, stage, score, grade, owner_id, team_id, account_id, name, email, company, country, industry,
                                   company_size, product_interest, pipeline_id, pipeline_version, created_at, updated_at, last_visit_at)
                values (${id}, ${id}, ${source}, ${status}, ${stage}, ${score}, ${grade}, ${owner}, ${team}, ${account}, ${name}, ${`${id}@example.test`}, ${company},
                        ${country}, ${industry}, ${size}, ${interest}, 'p', 1, ${created}, ${created}, ${visit})`;
    }
    await sql`insert into tasks (id, lead_id, owner_id, kind, title, due_at) values
      ('t-overdue', 'l-3', 'rep-ben', 'call', 'Call Cora', now() - interval '2 days'),
      ('t-later', 'l-1', 'rep-anna', 'call', 'Call Alice', now() + interval '2 days')`;
    await sql`insert into offers (id, lead_id, version, status, total) values ('o-1', 'l-2', 1, 'renegotiated', 900), ('o-2', 'l-2', 2, 'sent', 1200)`;
  });
  afterAll(async () => stack?.close());

  const find = async (who: TestUser, query: string) => {
    const res = await stack.app.inject({ url: `/api/leads?${query}`, headers: who.headers });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { total: number; items: { id: string; [k: string]: unknown }[] };
  };
  const ids = async (who: TestUser, query: string) => (await find(who, query)).items.map((l) => l.id).sort();

  it('each filter narrows the list to the matching leads', async () => {
    const cases: [string, string[]][] = [
      ['stage=qualification', ['l-1', 'l-3']],
      ['status=nurturing', ['l-4']],
      ['owner=rep-ben', ['l-3']],
      ['owner=unassigned', ['l-5']],
      ['grade=A,B', ['l-1', 'l-2', 'l-4']],
      ['grade=A&grade=C', ['l-1', 'l-3']],
      ['scoreMin=40&scoreMax=60', ['l-2', 'l-4']],
      ['source=web', ['l-1', 'l-5']],
      ['country=de', ['l-1', 'l-3']],
      ['industry=retail', ['l-2', 'l-3']],
      ['companySizeMin=100&companySizeMax=1000', ['l-4']],
      ['productInterest=crm', ['l-1', 'l-3']],
      ['createdFrom=2026-02-01&createdTo=2026-03-10', ['l-2', 'l-3']],
      ['lastContactAfter=2026-03-01', ['l-3']],
      ['lastContactBefore=2026-03-01', ['l-1']],
      ['neverContacted=true', ['l-2', 'l-4', 'l-5']],
      ['overdueTask=true', ['l-3']],
      ['accountId=acc-siemens', ['l-1', 'l-3']],
      ['q=dahl', ['l-4']],
      ['q=siemens&grade=C', ['l-3']],
      ['stage=qualification&country=DE&neverContacted=true', []],
    ];
    for (const [query, expected] of cases) expect(await ids(u.olga, query), query).toEqual(expected);
  });

  it('answers each lead with its account, last contact, task counts and current offer value', async () => {
    const { items } = await find(u.olga, 'accountId=acc-siemens&sort=name&order=asc');
    expect(items.map((l) => l.name)).toEqual(['Alice Adler', 'Cora Clausen']);
    expect(items[1]).toMatchObject({ accountName: 'Siemens AG', industry: 'Retail', lastContactAt: '2026-03-11T10:00:00.000Z', overdueTasks: 1, openTasks: 1, ownerName: 'rep-ben', teamId: 'team-a' });
    const [offerLead] = (await find(u.olga, 'q=Bert')).items;
    expect(offerLead).toMatchObject({ offerValue: 1200, lastContactAt: null, overdueTasks: 0 });
  });

  it('sorts and paginates, with the total of all matches', async () => {
    const page1 = await find(u.olga, 'sort=score&order=desc&limit=2');
    expect(page1.total).toBe(5);
    expect(page1.items.map((l) => l.id)).toEqual(['l-1', 'l-2']);
    const page2 = await find(u.olga, 'sort=score&order=desc&limit=2&offset=2');
    expect(page2.items.map((l) => l.id)).toEqual(['l-4', 'l-3']);
    expect((await find(u.olga, 'sort=owner&order=asc')).items.map((l) => l.ownerName)).toEqual(['rep-anna', 'rep-anna', 'rep-ben', 'rep-carla', null]);
    expect((await find(u.olga, 'sort=lastContactAt&order=desc')).items.map((l) => l.id).slice(0, 2)).toEqual(['l-3', 'l-1']);
  });

  it('refuses an unknown filter with a 400 naming it, and a bad value naming the field', async () => {
    const res = await stack.app.inject({ url: '/api/leads?countryy=DE', headers: u.olga.headers });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('unknown filter "countryy"');
    const bad = await stack.app.inject({ url: '/api/leads?grade=Z', headers: u.olga.headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('grade');
    const badDate = await stack.app.inject({ url: '/api/leads?createdFrom=yesterday', headers: u.olga.headers });
    expect(badDate.statusCode).toBe(400);
    expect(badDate.json().message).toContain('createdFrom');
    // The finder's parameters are documented in the OpenAPI document.
    const docs = await stack.app.inject({ url: '/docs/json' });
    expect(docs.statusCode).toBe(200);
    expect(JSON.stringify(docs.json().paths['/api/leads'].get.parameters)).toContain('lastContactBefore');
  });

  it('scopes by role: a rep sees their own, a manager the team, ops everything; a rep asking wider gets 403 naming scope', async () => {
    expect(await ids(u.anna, '')).toEqual(['l-1', 'l-2']);
    expect(await ids(u.mia, '')).toEqual(['l-1', 'l-2', 'l-3', 'l-5']);
    expect(await ids(u.mia, 'scope=mine')).toEqual([]);
    expect(await ids(u.olga, '')).toEqual(['l-1', 'l-2', 'l-3', 'l-4', 'l-5']);
    const wide = await stack.app.inject({ url: '/api/leads?scope=team', headers: u.anna.headers });
    expect(wide.statusCode).toBe(403);
    expect(wide.json().message).toContain('scope');
    expect((await stack.app.inject({ url: '/api/leads?scope=all', headers: u.mia.headers })).statusCode).toBe(403);
    // A filter never widens the scope: another rep's lead stays invisible.
    expect(await ids(u.anna, 'owner=rep-ben')).toEqual([]);
  });

  it('exports the filtered leads as CSV with a header row, neutralises formulas, and audits the export', async () => {
    const res = await stack.app.inject({ url: '/api/leads/export.csv?owner=rep-anna&sort=name&order=asc', headers: u.mia.headers });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.body.trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^id,name,email,phone,company,account,country,industry,company_size,source,status,stage,score,grade,owner,/);
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['l-1,Alice Adler', 'l-2,Bert Berger']);
    expect(lines[1]).toContain(',Siemens AG,Siemens AG,DE,Manufacturing,5000,web,open,qualification,80,A,rep-anna,');
    // A cell that a spreadsheet would run as a formula starts with an apostrophe.
    expect(lines[2]).toContain('"\'=HYPERLINK(""x"")"');
    const [entry] = await stack.db.sql<{ actor_id: string; details: { rows: number } }[]>`select actor_id, details from audit_log where action = 'lead.exported'`;
    expect(entry).toMatchObject({ actor_id: 'mgr-mia', details: { rows: 2 } });
    expect((await stack.app.inject({ url: '/api/leads/export.csv?limit=5', headers: u.mia.headers })).statusCode).toBe(400);
  });

  it('saves named views per user: list own, 409 on a duplicate name, unknown filters refused, delete', async () => {
    const save = (who: TestUser, payload: Record<string, unknown>) => stack.app.inject({ method: 'POST', url: '/api/saved-views', headers: who.headers, payload });
    const created = await save(u.anna, { name: 'Hot DE', filters: { grade: 'A', country: 'DE' } });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ name: 'Hot DE', filters: { grade: 'A', country: 'DE' } });
    expect((await save(u.anna, { name: 'Hot DE', filters: {} })).statusCode).toBe(409);
    expect((await save(u.ben, { name: 'Hot DE', filters: {} })).statusCode).toBe(201);
    const unknown = await save(u.anna, { name: 'Typo', filters: { contry: 'DE' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toContain('unknown filter "contry"');
    expect((await save(u.anna, { name: 'Bad', filters: { grade: 'Z' } })).statusCode).toBe(400);
    const mine = await stack.app.inject({ url: '/api/saved-views', headers: u.anna.headers });
    expect(mine.json().items.map((v: { name: string }) => v.name)).toEqual(['Hot DE']);
    const id = created.json().id as string;
    expect((await stack.app.inject({ method: 'DELETE', url: `/api/saved-views/${id}`, headers: u.ben.headers })).statusCode).toBe(404);
    expect((await stack.app.inject({ method: 'DELETE', url: `/api/saved-views/${id}`, headers: u.anna.headers })).statusCode).toBe(204);
    expect((await stack.app.inject({ url: '/api/saved-views', headers: u.anna.headers })).json().items).toEqual([]);
  });
});
