import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPipeline } from '../../engine/pipeline/default-pipeline';
import { seedDefaults } from '../helpers/seed';
import { createUser, type TestUser } from '../helpers/auth';
import { createTestStack, type TestStack } from '../helpers/stack';

const credit = {
  name: 'assessCredit', version: 1, label: 'Assess credit', taskQueue: 'credit-test',
  inputSchema: { type: 'object', properties: { minEmployees: { type: 'integer', minimum: 1 } }, additionalProperties: false },
  outputSchema: { type: 'object', properties: { rating: { type: 'string', enum: ['good', 'review'] }, limit: { type: 'integer' } }, required: ['rating'] },
};

describe('activity types: registration by developer keys, palette, publish checks, retiring', () => {
  let stack: TestStack;
  let admin: TestUser;
  let ops: TestUser;
  let rep: TestUser;
  const keys: Record<string, string> = {};

  const createKey = async (name: string, body: Record<string, unknown>) => {
    const res = await stack.app.inject({ method: 'POST', url: '/api/api-keys', headers: admin.headers, payload: { name, ...body } });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { key: string }).key;
  };
  const register = (key: string, activities: unknown[]) =>
    stack.app.inject({ method: 'POST', url: '/api/activity-types/register', headers: { 'x-api-key': key }, payload: { activities } });
  const palette = async () => (await stack.app.inject({ method: 'GET', url: '/api/palette', headers: rep.headers })).json() as { items: { kind: string; activity?: string; online?: boolean; outputFacts?: { name: string; type: string }[]; inputSchema?: unknown }[] };

  beforeAll(async () => {
    stack = await createTestStack();
    await seedDefaults(stack.db.sql);
    await stack.startWorker(); // registers the built-in activity types
    admin = await createUser(stack.db.sql, { role: 'admin' });
    ops = await createUser(stack.db.sql, { role: 'ops' });
    rep = await createUser(stack.db.sql, { role: 'rep', teamId: 'team-at' });
    keys.credit = await createKey('Credit worker', { scopes: ['activity:register'], owner: 'credit-team' });
    keys.creditRotated = await createKey('Credit worker (new key)', { scopes: ['activity:register'], owner: 'credit-team' });
    keys.other = await createKey('Other team', { scopes: ['activity:register'], owner: 'growth-team' });
    keys.partner = await createKey('Partner', {});
  });
  afterAll(async () => stack?.close());

  it('refuses a key without the developer scope, naming the scope, and a missing key', async () => {
    const partner = await register(keys.partner!, [credit]);
    expect(partner.statusCode).toBe(403);
    expect(partner.json().message).toContain('activity:register');
    const none = await stack.app.inject({ method: 'POST', url: '/api/activity-types/register', payload: { activities: [credit] } });
    expect(none.statusCode).toBe(401);
  });

  it('refuses an invalid JSON Schema and a non-object output with the path and ajv\'s reason; nothing is stored', async () => {
    const bad = await register(keys.credit!, [credit, { ...credit, name: 'brokenOne', inputSchema: { type: 'objekt' } }]);
    expect(bad.statusCode).toBe(422);
    expect(bad.json().message).toMatch(/activities\[1\]\.inputSchema: not a valid JSON Schema: .*type/);
    const scalar = await register(keys.credit!, [{ ...credit, outputSchema: { type: 'string' } }]);
    expect(scalar.statusCode).toBe(422);
    expect(scalar.json().message).toContain('activities[0].outputSchema: must describe an object');
    expect((await palette()).items.filter((i) => i.kind === 'custom' && i.activity !== 'classifyAccount')).toEqual([]);
  });

  it('registers a type that then shows in the palette with its schemas, facts and online status', async () => {
    const res = await register(keys.credit!, [credit]);
    expect(res.statusCode, res.body).toBe(200);
    const item = (await palette()).items.find((i) => i.activity === 'assessCredit');
    expect(item).toMatchObject({ kind: 'custom', online: true, inputSchema: credit.inputSchema });
    expect(item!.outputFacts).toHaveLength(2);
    expect(item!.outputFacts).toEqual(expect.arrayContaining([
      expect.objectContaining({ name: 'custom.assessCredit.rating', type: 'string', values: ['good', 'review'] }),
      expect.objectContaining({ name: 'custom.assessCredit.limit', type: 'number' }),
    ]));
  });

  it('lets another key of the same owner register again, and refuses another team\'s key the name', async () => {
    expect((await register(keys.creditRotated!, [{ ...credit, label: 'Assess credit (v1, relabelled)' }])).statusCode).toBe(200);
    const clash = await register(keys.other!, [{ ...credit, taskQueue: 'growth' }]);
    expect(clash.statusCode).toBe(409);
    expect(clash.json().message).toContain('registered by another team ("credit-team")');
    const builtin = await register(keys.other!, [{ ...credit, name: 'classifyAccount', taskQueue: 'growth' }]);
    expect(builtin.statusCode).toBe(409);
    expect(builtin.json().message).toContain('built-in');
  });

  it('refuses Leadflow\'s own task queue', async () => {
    const res = await register(keys.other!, [{ ...credit, name: 'growthScore', taskQueue: stack.taskQueue }]);
    expect(res.statusCode).toBe(422);
    expect(res.json().message).toContain('activities[0].taskQueue');
  });

  it('marks the worker offline when it says goodbye, online again at its next heartbeat', async () => {
    const beat = (stopping: boolean) => stack.app.inject({ method: 'POST', url: '/api/activity-types/heartbeat', headers: { 'x-api-key': keys.credit! }, payload: { taskQueue: 'credit-test', stopping } });
    expect((await beat(true)).json()).toEqual({ types: 1 });
    expect((await palette()).items.find((i) => i.activity === 'assessCredit')?.online).toBe(false);
    await beat(false);
    expect((await palette()).items.find((i) => i.activity === 'assessCredit')?.online).toBe(true);
    const unknownQueue = await stack.app.inject({ method: 'POST', url: '/api/activity-types/heartbeat', headers: { 'x-api-key': keys.credit! }, payload: { taskQueue: 'nothing-here' } });
    expect(unknownQueue.statusCode).toBe(404);
  });

  const withCustom = (config: Record<string, unknown>, decisionWhen?: Record<string, unknown>) => ({
    ...defaultPipeline,
    nodes: [
      ...defaultPipeline.nodes.filter((n) => n.id !== 'hot'),
      { id: 'credit', type: 'custom', label: 'Credit', config, position: { x: 0, y: 0 } },
      { id: 'hot', type: 'decision', label: 'Worth a call?', config: { branches: [{ id: 'call', label: 'Good credit', when: decisionWhen ?? { all: [{ fact: 'score', operator: 'greaterThanInclusive', value: 20 }] } }] }, position: { x: 0, y: 0 } },
    ],
    edges: [...defaultPipeline.edges.filter((e) => e.id !== 'e3'), { id: 'c1', source: 'route', target: 'credit' }, { id: 'c2', source: 'credit', target: 'hot' }],
  });
  const publish = (document: unknown) => stack.app.inject({ method: 'POST', url: '/api/pipelines/default/publish', headers: ops.headers, payload: { note: 'credit check', document } });

  it('refuses to publish a custom node whose input does not match the schema, or whose type is unknown, with the node path', async () => {
    const badInput = await publish(withCustom({ activity: 'assessCredit', version: 1, input: { minEmployees: 'many' } }));
    expect(badInput.statusCode).toBe(422);
    const idx = withCustom({ activity: 'x', input: {} }).nodes.findIndex((n) => n.id === 'credit');
    expect(badInput.json().problems).toEqual(expect.arrayContaining([expect.objectContaining({ nodeId: 'credit', path: `nodes[${idx}].config.input.minEmployees` })]));
    const unknown = await publish(withCustom({ activity: 'noSuchThing', input: {} }));
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().problems).toEqual(expect.arrayContaining([expect.objectContaining({ nodeId: 'credit', message: expect.stringContaining('"noSuchThing" is not registered') })]));
    const wrongVersion = await publish(withCustom({ activity: 'assessCredit', version: 7, input: {} }));
    expect(wrongVersion.json().problems).toEqual(expect.arrayContaining([expect.objectContaining({ path: `nodes[${idx}].config.version` })]));
  });

  it('publishes a pipeline whose decision branches on the activity\'s output fact', async () => {
    const res = await publish(withCustom({ activity: 'assessCredit', version: 1, input: { minEmployees: 10 } }, { all: [{ fact: 'custom.assessCredit.rating', operator: 'equal', value: 'good' }] }));
    expect(res.statusCode, res.body).toBe(201);
  });

  it('retiring a type warns about the pipelines that use it, and publishing it again is refused', async () => {
    const usage = await stack.app.inject({ method: 'GET', url: '/api/activity-types/assessCredit/1/usage', headers: ops.headers });
    expect(usage.json().pipelines).toEqual([expect.objectContaining({ id: 'default', nodeIds: ['credit'] })]);
    const asRep = await stack.app.inject({ method: 'POST', url: '/api/activity-types/assessCredit/1/retire', headers: rep.headers });
    expect(asRep.statusCode).toBe(403);
    const res = await stack.app.inject({ method: 'POST', url: '/api/activity-types/assessCredit/1/retire', headers: ops.headers });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().warning).toContain('Default sales pipeline');
    expect((await palette()).items.some((i) => i.activity === 'assessCredit')).toBe(false);
    const again = await publish(withCustom({ activity: 'assessCredit', version: 1, input: {} }));
    expect(again.statusCode).toBe(422);
    expect(again.json().problems).toEqual(expect.arrayContaining([expect.objectContaining({ nodeId: 'credit', message: expect.stringContaining('retired') })]));
  });
});
