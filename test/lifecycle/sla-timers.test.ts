import { randomBytes } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { defaultPipeline } from '../../engine/pipeline/default-pipeline';
import type { PipelineDocument } from '../../engine/pipeline/schema';
import { createOfferUpdate, getLeadQuery, logVisitUpdate, qualifyUpdate, setOfferStatusUpdate } from '../../engine/lead/messages';
import type { LeadWorkflowInput } from '../../engine/lead/types';
import { leadWorkflow } from '../../engine/lead/workflow';
import { findTemporalBinaries } from '../../runtime/temporal-cli';
import { installTemporalRuntime } from '../../runtime/temporal-runtime';
import { createActivities } from '../../workers/activities';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { seedDefaults } from '../helpers/seed';
import { eventually } from '../helpers/stack';

/** Every lead goes to qualification in this pipeline, so the contact SLA applies. */
const pipeline: PipelineDocument = {
  ...defaultPipeline,
  nodes: defaultPipeline.nodes.map((n) => (n.id === 'hot' && n.type === 'decision'
    ? { ...n, config: { branches: [{ id: 'call', label: 'always', when: { all: [{ fact: 'formSubmissions', operator: 'greaterThanInclusive', value: 0 }] } }] } }
    : n)),
};

describe('SLA reminders and escalation are durable timers (time-skipping test server)', () => {
  let env: TestWorkflowEnvironment;
  let db: TestDatabase;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = `sla-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    installTemporalRuntime('ERROR');
    const bins = findTemporalBinaries();
    env = await TestWorkflowEnvironment.createTimeSkipping(bins.testServer ? { server: { executable: { type: 'existing-path', path: bins.testServer } } } : {});
    db = await createTestDatabase();
    await seedDefaults(db.sql);
    worker = await Worker.create({
      connection: env.nativeConnection, taskQueue, workflowBundle: { code: readFileSync(inject('workflowBundlePath'), 'utf8') },
      activities: createActivities({ sql: db.sql, mailFrom: 'test@leadflow.local', appUrl: 'http://127.0.0.1' }),
    });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
    await db?.drop();
  });

  const start = async (email: string) => {
    const leadId = `lead-${randomBytes(6).toString('hex')}`;
    const input: LeadWorkflowInput = {
      leadId, dedupeKey: `email:${email}`, pipelineId: 'default', pipelineVersion: 1, pipeline,
      capture: { submissionId: leadId, source: 'web', name: 'Timer Lead', email, country: 'DE', company: 'Timer AG', capturedAt: new Date().toISOString() },
    };
    const handle = await env.client.workflow.start(leadWorkflow, { taskQueue, workflowId: leadId, args: [input] });
    await eventually(async () => (await db.sql`select 1 from leads where id = ${leadId} and node_id = 'qualify'`).length > 0);
    return { leadId, handle };
  };
  const events = async (leadId: string) => (await db.sql<{ type: string }[]>`select type from lead_events where lead_id = ${leadId} order by id`).map((e) => e.type);

  it('reminds the owner after 2 days and escalates to the manager at 5 days when nobody calls', async () => {
    const { leadId, handle } = await start('nobody-calls@timer.de');
    const view = await handle.query(getLeadQuery);
    expect(view).toMatchObject({ stage: 'qualification', nodeId: 'qualify' });
    // The next deadline is the contact reminder, 48 hours after the lead entered qualification.
    const dueIn = new Date(view.nextDeadline!).getTime() - (await env.currentTimeMs());
    expect(dueIn).toBeGreaterThan(47 * 3_600_000);
    expect(dueIn).toBeLessThanOrEqual(48 * 3_600_000);
    await env.sleep('47 hours');
    expect(await events(leadId)).not.toContain('reminded');
    await env.sleep('2 hours');
    await eventually(async () => (await events(leadId)).includes('reminded'));
    const reminder = await db.sql`select m.template, m.to_address from mail_outbox m where lead_id = ${leadId} and template = 'reminder'`;
    expect(reminder).toHaveLength(1);
    await env.sleep('72 hours');
    await eventually(async () => (await events(leadId)).includes('escalated'));
    const [esc] = await db.sql<{ to_address: string }[]>`select to_address from mail_outbox where lead_id = ${leadId} and template = 'escalation'`;
    expect(esc?.to_address).toBe('mia@leadflow.demo');
    const tasks = await db.sql`select kind from tasks where lead_id = ${leadId} order by created_at`;
    expect(tasks.map((t) => t.kind)).toEqual(['first_contact', 'contact_sla', 'contact_escalation']);
  });

  it('skips the reminder when the rep logged a visit in time', async () => {
    const { leadId, handle } = await start('rep-calls@timer.de');
    await env.sleep('20 hours');
    const [owner] = await db.sql<{ owner_id: string }[]>`select owner_id from leads where id = ${leadId}`;
    await handle.executeUpdate(logVisitUpdate, { args: [{ visitId: `v-${leadId}`, type: 'phone', status: 'initial_contact', occurredAt: new Date().toISOString(), repId: owner!.owner_id }] });
    await env.sleep('130 hours');
    await eventually(async () => (await events(leadId)).filter((t) => t === 'reminder_skipped').length === 2);
    expect(await events(leadId)).not.toContain('reminded');
    expect(await db.sql`select 1 from mail_outbox where lead_id = ${leadId} and template in ('reminder', 'escalation')`).toHaveLength(0);
  });

  it('asks the owner to follow up an offer that was sent and not confirmed within 3 days', async () => {
    const { leadId, handle } = await start('offer-followup@timer.de');
    const [owner] = await db.sql<{ owner_id: string }[]>`select owner_id from leads where id = ${leadId}`;
    const by = owner!.owner_id;
    await handle.executeUpdate(logVisitUpdate, { args: [{ visitId: `v-${leadId}`, type: 'phone', status: 'initial_contact', occurredAt: new Date().toISOString(), repId: by }] });
    await handle.executeUpdate(qualifyUpdate, { args: [{ by }] });
    await eventually(async () => (await handle.query(getLeadQuery)).stage === 'offer');
    await handle.executeUpdate(createOfferUpdate, { args: [{ by, offerId: `off-${leadId}`, lines: [{ product: 'crm-suite', options: ['cloud'], quantity: 10, unitPrice: 50 }] }] });
    await handle.executeUpdate(setOfferStatusUpdate, { args: [{ by, offerId: `off-${leadId}`, status: 'sent' }] });
    await env.sleep('71 hours');
    expect(await db.sql`select 1 from tasks where lead_id = ${leadId} and kind = 'offer_confirmation'`).toHaveLength(0);
    await env.sleep('2 hours');
    await eventually(async () => (await db.sql`select 1 from tasks where lead_id = ${leadId} and kind = 'offer_confirmation' and not done`).length === 1);
    // Confirming the offer closes the follow-up task.
    await handle.executeUpdate(setOfferStatusUpdate, { args: [{ by, offerId: `off-${leadId}`, status: 'confirmed' }] });
    expect(await db.sql`select 1 from tasks where lead_id = ${leadId} and kind = 'offer_confirmation' and not done`).toHaveLength(0);
  });

  it('picks up where it left off after continue-as-new: pending reminders re-armed, decisions still work', async () => {
    const leadId = `lead-${randomBytes(6).toString('hex')}`;
    await db.sql`insert into leads (id, dedupe_key, source, name, email, country, pipeline_id, pipeline_version, stage, node_id, owner_id, team_id)
                 values (${leadId}, ${`email:${leadId}@resume.de`}, 'web', 'Resumed Lead', ${`${leadId}@resume.de`}, 'DE', 'default', 1, 'qualification', 'qualify', 'u-anna', 'team-dach')`;
    const now = await env.currentTimeMs();
    const input = {
      leadId, dedupeKey: `email:${leadId}@resume.de`, pipelineId: 'default', pipelineVersion: 1, pipeline,
      capture: { submissionId: leadId, source: 'web' as const, name: 'Resumed Lead', capturedAt: new Date(now).toISOString() },
      resume: {
        nodeId: 'qualify', stage: 'qualification', status: 'open' as const, score: 30, grade: 'B' as const, ownerId: 'u-anna', managerId: 'u-mia',
        qualified: false, opportunityId: null, offers: [], visits: 0, submissions: [leadId], engagements: 0, openTasks: [], nextDeadline: null,
        closed: false, lostReason: null, visitsPerNode: { capture: 1, score: 1, route: 1, hot: 1, qualification: 1, qualify: 1 }, timeoutsPerNode: {},
        pendingDecision: null, captured: true,
        reminders: [{ rule: 'contact-sla', key: `${leadId}:qualification:1:contact-sla:stage`, dueAt: now + 3_600_000, recipient: 'owner', template: 'reminder', kind: 'contact_sla', ruleSetId: 'reminder-default' }],
      },
    };
    const handle = await env.client.workflow.start(leadWorkflow, { taskQueue, workflowId: leadId, args: [input as unknown as LeadWorkflowInput] });
    expect((await handle.query(getLeadQuery)).nextDeadline).toBe(new Date(now + 3_600_000).toISOString());
    await env.sleep('61 minutes');
    await eventually(async () => (await events(leadId)).includes('reminded'));
    await handle.executeUpdate(qualifyUpdate, { args: [{ by: 'u-anna' }] });
    await eventually(async () => (await handle.query(getLeadQuery)).stage === 'offer');
  });
});
