import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packJson } from '../../rules';
import { createUser, signInWithCookie, type TestUser } from '../helpers/auth';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, type TestStack } from '../helpers/stack';

type Problem = { path: string; message: string };
type ErrorBody = { error: string; message: string; problems?: Problem[] };

const leaf = { fact: 'country', operator: 'equal', value: 'DE' };
/** A condition tree nested `depth` groups deep around one valid comparison. */
function nested(depth: number): unknown {
  let c: unknown = leaf;
  for (let i = 0; i < depth; i++) c = { all: [c] };
  return c;
}
const scoringDoc = (conditions: unknown) => ({ ...packJson.scoring, id: undefined, rules: [{ name: 'deep', conditions, event: { type: 'score', params: { points: 1 } } }] });
/** The same document as JSON text, built without recursion (JSON.stringify would exhaust the test's own stack). */
const deepScoringJson = (depth: number) => {
  const doc = JSON.stringify(scoringDoc('@CONDITIONS@'));
  return doc.replace('"@CONDITIONS@"', `${'{"all":['.repeat(depth)}${JSON.stringify(leaf)}${']}'.repeat(depth)}`);
};

/**
 * Issue 9, parts 7 and 8: cheap malformed input used to answer 500. Each is now a 4xx naming the field, decided
 * before any handler, validator or query sees it.
 */
describe('input hygiene', () => {
  let stack: TestStack;
  let admin: TestUser;
  let ops: TestUser;

  const send = (method: 'GET' | 'POST' | 'PUT', url: string, opts: { headers?: Record<string, string>; body?: unknown; raw?: string } = {}) =>
    stack.app.inject({
      method, url, headers: { ...(opts.raw !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
      ...(opts.raw !== undefined ? { payload: opts.raw } : opts.body !== undefined ? { payload: opts.body as Record<string, unknown> } : {}),
    });
  const expectProblem = (res: { statusCode: number; body: string; json: () => unknown }, status: number, path: string) => {
    expect(res.statusCode, res.body).toBe(status);
    const body = res.json() as ErrorBody;
    expect(body.problems?.map((p) => p.path), res.body).toContain(path);
  };

  beforeAll(async () => {
    stack = await createTestStack();
    await seedDefaults(stack.db.sql);
    admin = await createUser(stack.db.sql, { role: 'admin', password: 'correct horse battery staple' });
    ops = await createUser(stack.db.sql, { role: 'ops' });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('refuses a NUL byte or a lone surrogate in the web form with 400 naming the field', async () => {
    expectProblem(await send('POST', '/api/leads/web-form', { body: { name: 'Ana\u0000', email: 'ana@nul-test.de' } }), 400, 'body.name');
    expectProblem(await send('POST', '/api/leads/web-form', { raw: '{"name":"Ana","email":"ana@nul-test.de","company":"Acme \\ud800"}' }), 400, 'body.company');
    expectProblem(await send('POST', '/api/leads/web-form', { raw: '{"name":"Ana","email":"ana@nul-test.de","message":"\\udc00 hi"}' }), 400, 'body.message');
    expect(await stack.db.sql`select 1 from capture_inbox`).toHaveLength(0);
  });

  it('refuses a NUL byte or a lone surrogate in the sign-in fields with 400, not 500', async () => {
    expectProblem(await send('POST', '/api/auth/login', { body: { email: 'a\u0000@b.de', password: 'x' } }), 400, 'body.email');
    expectProblem(await send('POST', '/api/auth/login', { raw: '{"email":"a@b.de","password":"\\ud83d"}' }), 400, 'body.password');
  });

  it('refuses a phone number of punctuation only', async () => {
    expectProblem(await send('POST', '/api/leads/web-form', { body: { name: 'Punct', phone: '()()-- ..//' } }), 400, 'body.phone');
    expectProblem(await send('POST', '/api/leads/web-form', { body: { name: 'Short', phone: '+1 (23) 45' } }), 400, 'body.phone');
  });

  it('refuses NUL in path ids and query strings', async () => {
    expectProblem(await send('GET', '/api/leads/lead-%00x', { headers: admin.headers }), 400, 'params.id');
    expectProblem(await send('GET', '/api/leads?q=a%00b', { headers: admin.headers }), 400, 'querystring.q');
    expectProblem(await send('GET', '/api/rule-sets/scoring-default/diff?from=1&to=%00', { headers: admin.headers }), 400, 'querystring.to');
  });

  it('range-checks version numbers (1 … 2^31−1)', async () => {
    for (const url of ['/api/pipelines/default/versions/99999999999', '/api/rule-sets/scoring-default/versions/99999999999', '/api/rule-sets/scoring-default/versions/2147483648']) {
      const res = await send('GET', url, { headers: admin.headers });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      expect((res.json() as ErrorBody).message).toMatch(/version/);
    }
    expect((await send('GET', '/api/rule-sets/scoring-default/diff?from=99999999999', { headers: admin.headers })).statusCode).toBe(400);
    expect((await send('GET', '/api/pipelines/default/diff?from=99999999999&to=draft', { headers: admin.headers })).statusCode).toBe(400);
    const rollback = await send('POST', '/api/rule-sets/scoring-default/rollback', { headers: ops.headers, body: { version: 99999999999 } });
    expectProblem(rollback, 400, 'body.version');
    expect((await send('GET', '/api/rule-sets/scoring-default/versions/2147483647', { headers: admin.headers })).statusCode).toBe(404);
  });

  it('refuses a rule condition nested 5,000 deep with 422 naming the path, and keeps the stored draft', async () => {
    const before = (await send('GET', '/api/rule-sets/scoring-default', { headers: ops.headers })).json() as { draft: unknown };
    const deep = deepScoringJson(5000);
    const validate = await send('POST', '/api/rule-sets/validate', { headers: ops.headers, raw: deep });
    expect(validate.statusCode, validate.body.slice(0, 300)).toBe(422);
    expect((validate.json() as ErrorBody).problems?.[0]?.path).toMatch(/^body\.rules\[0\]\.conditions\.all\[0\]/);
    expect((validate.json() as ErrorBody).message).toMatch(/nested too deeply/);
    const save = await send('PUT', '/api/rule-sets/scoring-default/draft', { headers: ops.headers, raw: deep });
    expect(save.statusCode).toBe(422);
    const after = (await send('GET', '/api/rule-sets/scoring-default', { headers: ops.headers })).json() as { draft: unknown };
    expect(after.draft).toEqual(before.draft);
  });

  it('limits rule nesting to 20 groups with a 422 naming the condition', async () => {
    const tooDeep = await send('PUT', '/api/rule-sets/scoring-default/draft', { headers: ops.headers, body: scoringDoc(nested(21)) });
    expect(tooDeep.statusCode, tooDeep.body).toBe(422);
    const problem = (tooDeep.json() as ErrorBody).problems?.[0];
    expect(problem?.path).toBe(`rules[0].conditions${'.all[0]'.repeat(20)}`);
    expect(problem?.message).toMatch(/at most 20 levels/);
    const validate = await send('POST', '/api/rule-sets/validate', { headers: ops.headers, body: scoringDoc(nested(21)) });
    expect(validate.json()).toMatchObject({ ok: false, problems: [{ path: problem?.path }] });
    const fine = await send('POST', '/api/rule-sets/validate', { headers: ops.headers, body: scoringDoc(nested(20)) });
    expect(fine.json()).toEqual({ ok: true, problems: [] });
  });

  it('answers the public web form the same way for a new and a known person', async () => {
    const person = { name: 'Quinn Known', email: 'quinn@known-test.de', country: 'DE' };
    const first = await send('POST', '/api/leads/web-form', { body: person });
    const second = await send('POST', '/api/leads/web-form', { body: person });
    const other = await send('POST', '/api/leads/web-form', { body: { ...person, email: 'someone-else@known-test.de' } });
    for (const r of [first, second, other]) {
      expect(r.statusCode).toBe(202);
      expect(Object.keys(r.json() as object).sort()).toEqual(['accepted', 'reference']);
    }
    const refs = [first, second, other].map((r) => (r.json() as { reference: string }).reference);
    expect(new Set(refs).size).toBe(3);
    expect(refs.join(' ')).not.toMatch(/lead-/);
  });

  it('keeps the current session when admins reset their own password, and ends the others', async () => {
    const current = await signInWithCookie(stack.app, admin.email, admin.password!);
    const reset = await send('POST', `/api/users/${admin.id}/password`, { headers: current.writeHeaders });
    expect(reset.statusCode, reset.body).toBe(200);
    expect((await send('GET', '/api/auth/me', { headers: { cookie: current.cookie } })).statusCode).toBe(200);
    expect((await send('GET', '/api/auth/me', { headers: admin.headers })).statusCode).toBe(401);
  });

  it('checks a disqualify reason against the configured constants', async () => {
    const constants = await send('GET', '/api/constants', { headers: ops.headers });
    expect(JSON.stringify(constants.json())).toMatch(/disqualify_reason/);
    const lead = await send('POST', '/api/leads/some-lead/disqualify', { headers: ops.headers, body: { reason: 'Not today!' } });
    expectProblem(lead, 400, 'body.reason');
  });
});
