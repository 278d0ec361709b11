import {
  ActivityFailure, ApplicationFailure, CancellationScope, condition, continueAsNew, isCancellation, patched, proxyActivities, proxyLocalActivities, setHandler, sleep, workflowInfo,
  allHandlersFinished, TemporalFailure,
} from '@temporalio/workflow';
import type { Activities } from '../../workers/activities';
import type { ActivityCall } from '../../sdk/protocol';
import { edgeFrom } from '../pipeline/outputs';
import type { NodeOf, PipelineDocument, PipelineNode } from '../pipeline/schema';
import * as msg from './messages';
import { allowedActions } from './allowed-actions';
import * as play from './rules-of-play';
import { Mutex } from './mutex';
import { stageOf, type MoveResult } from './moves';
import type { LeadOutcome, LeadSnapshot, LeadView, LeadWorkflowInput, RescoreReason, Rerouting, ScheduledReminder } from './types';
import type { PendingApproval } from '../proposal/approval';

// Side effects that leave the process (mail, developer activities) are regular activities: scheduled by the server,
// retried with backoff for as long as it takes.
const acts = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '30 seconds', nonRetryableErrorTypes: ['InvalidInput'] },
});
// Short, idempotent reads and writes of our own database run as local activities: their results are recorded in the
// history as markers, but they need no server round trip each, which is what lets one dev server carry many leads.
const db = proxyLocalActivities<Activities>({
  startToCloseTimeout: '20 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '10 seconds', nonRetryableErrorTypes: ['InvalidInput'] },
});

/**
 * The re-score (patch `behaviour-rescoring`) is best effort: a retry beyond a second waits on a timer instead of inside
 * the workflow task, and after five attempts the lead keeps its score until the next reason. Held inside one workflow
 * task, a re-score failing on a database fault kept rep actions and operator updates waiting past their deadline.
 */
const rescoreActs = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  localRetryThreshold: '1 second',
  retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 5, nonRetryableErrorTypes: ['InvalidInput'] },
});

const HOUR = 3_600_000;
/** A burst of behavioural events within this window re-scores the lead once. */
const RESCORE_BURST_MS = 2000;
const gradeRank = (g: 'A' | 'B' | 'C' | null): number => (g === 'A' ? 3 : g === 'B' ? 2 : g === 'C' ? 1 : 0);
const behaviourTypes = ['email_open', 'email_click', 'page_visit', 'download', 'webinar_attended'];
/** Why a behaviour signal cannot be used (it is recorded as refused), or null. */
function behaviourProblem(e: Partial<msg.BehaviourSignalInput> | undefined): string | null {
  if (!e || typeof e.eventId !== 'string' || !e.eventId) return 'the event has no id';
  if (typeof e.type !== 'string' || !behaviourTypes.includes(e.type)) return `unknown event type "${String(e.type)}"`;
  if (typeof e.at !== 'string' || Number.isNaN(Date.parse(e.at))) return `"${String(e.at)}" is not a time`;
  return null;
}
/** Workflow time: inside the workflow sandbox Temporal makes `Date` replay-safe (it is the time of the current task). */
const now = (): number => new Date().getTime();

function initialSnapshot(input: LeadWorkflowInput): LeadSnapshot {
  const trigger = input.pipeline.nodes.find((n) => n.type === 'trigger')!;
  return {
    nodeId: trigger.id, stage: 'captured', status: 'open', score: 0, grade: null, ownerId: null, managerId: null,
    qualified: false, opportunityId: null, offers: [], visits: 0, submissions: [input.capture.submissionId], engagements: 0,
    openTasks: [], nextDeadline: null, closed: false, lostReason: null, visitsPerNode: {}, timeoutsPerNode: {},
    pendingDecision: null, captured: false, firedReminders: [],
  };
}


/**
 * One lead, from capture to won or lost: interprets the pipeline version it started with. Every decision
 * (score, owner, branch, reminder) comes back from an activity, so it is in the history and replays exactly.
 * @example client.workflow.signalWithStart(leadWorkflow, { workflowId: leadId, args: [input], signal: formSubmittedSignal, signalArgs: [capture] })
 */
export async function leadWorkflow(input: LeadWorkflowInput): Promise<LeadOutcome> {
  const seen: RunState = {};
  try {
    return await runLead(input, seen);
  } catch (err) {
    // A run that fails (a step refused for good, a broken pipeline) marks the lead failed with the reason and keeps
    // what a retry needs, then fails as before. Continue-as-new and cancellation are not failures.
    if (err instanceof TemporalFailure && !isCancellation(err) && seen.s && patched('record-lead-failure')) {
      const { pipeline: _pipeline, resume: _resume, ...rest } = input;
      await db.recordLeadFailure({
        leadId: input.leadId, nodeId: seen.s.nodeId, reason: failureReason(err), runId: workflowInfo().runId,
        state: { input: { ...rest }, snapshot: { ...seen.s, reminders: seen.reminders?.() ?? [] } },
      });
    }
    throw err;
  }
}

/** What the failure handler of `leadWorkflow` reads of a run: its state and pending reminders. */
interface RunState { s?: LeadSnapshot; reminders?: () => ScheduledReminder[] }

/** The innermost message of a failure chain, with the step that failed ("scoreLead: rule set … has no published version"). */
function failureReason(err: TemporalFailure): string {
  let step: string | undefined;
  let e: unknown = err;
  let message = err.message;
  while (e instanceof Error) {
    if (e instanceof ActivityFailure && e.activityType) step ??= e.activityType;
    if (e.message && !(e instanceof ActivityFailure)) message = e.message;
    e = (e as { cause?: unknown }).cause;
  }
  return step ? `${step}: ${message}` : message;
}

async function runLead(input: LeadWorkflowInput, seen: RunState): Promise<LeadOutcome> {
  // The version the lead runs on; an ops move (patch `move-version`) swaps it at a node boundary.
  let doc: PipelineDocument = input.pipeline;
  let nodes = new Map(doc.nodes.map((n) => [n.id, n]));
  let version = input.pipelineVersion;
  const s: LeadSnapshot = input.resume ?? initialSnapshot(input);
  seen.s = s;
  s.firedReminders ??= [];
  const leadId = input.leadId;
  const lock = new Mutex();
  /** Regular activities running for a rep action, by activity type: an operator may cancel one that keeps failing. */
  const steps = new Map<string, Set<CancellationScope>>();
  const step = async <T>(activityType: string, fn: () => Promise<T>): Promise<T> => {
    const scope = new CancellationScope();
    const running = steps.get(activityType) ?? new Set<CancellationScope>();
    steps.set(activityType, running.add(scope));
    try {
      return await scope.run(fn);
    } finally {
      running.delete(scope);
    }
  };
  let reminders: ScheduledReminder[] = [];
  seen.reminders = () => reminders;
  let reminderScope: CancellationScope | undefined;
  let closeIntent: { result: 'won' | 'lost'; reason?: string; offerId?: string; orderId?: string; by: string } | null = null;
  let outcome: LeadOutcome | null = null;
  let waitDeadline: number | null = null;
  /** The re-scoring loop (patch `behaviour-rescoring`), started by the first reason to re-score; true while it scores. */
  let rescoreLoop: Promise<void> | null = null;
  let rescoring = false;

  const view = (): LeadView => ({
    leadId, pipelineId: input.pipelineId, pipelineVersion: version, nodeId: s.nodeId, stage: s.stage,
    status: s.status, score: s.score, grade: s.grade, ownerId: s.ownerId, qualified: s.qualified, offers: s.offers,
    openTasks: s.openTasks, nextDeadline: s.nextDeadline, closed: s.closed,
  });
  const refreshDeadline = () => {
    const due = [...reminders.map((r) => r.dueAt), ...(waitDeadline ? [waitDeadline] : [])];
    s.nextDeadline = due.length ? new Date(Math.min(...due)).toISOString() : null;
  };
  /** Runs a guarded rep action: one at a time, re-checked under the lock (a concurrent action may have changed the lead). */
  const guarded = async <T>(check: () => void, act: () => Promise<T>): Promise<T> =>
    lock.run(async () => {
      try {
        check();
      } catch (err) {
        throw ApplicationFailure.nonRetryable((err as Error).message, (err as Error).name === 'InvalidInput' ? 'InvalidInput' : 'IllegalTransition');
      }
      return act();
    });

  // ---- queries, signals, updates ---------------------------------------------------------------------------
  setHandler(msg.getLeadQuery, view);
  setHandler(msg.allowedActionsQuery, () => allowedActions(s));

  setHandler(msg.formSubmittedSignal, async (capture) => {
    if (s.submissions.includes(capture.submissionId)) return;
    s.submissions.push(capture.submissionId);
    s.engagements++;
    await db.recordSubmission({ leadId, capture });
  });

  setHandler(msg.emailEngagedSignal, async (e) => {
    s.engagements++;
    await db.recordEngagement({ leadId, kind: e.kind, at: e.at, mailId: e.mailId });
  });

  // Behavioural events (patch `behaviour-rescoring`): each one asks for a re-score; a bad one is recorded as refused.
  setHandler(msg.behaviourSignal, (e) => {
    const problem = behaviourProblem(e);
    if (problem) {
      void db.refuseBehaviourEvent({ leadId, eventId: String(e?.eventId ?? ''), reason: problem }).catch(() => undefined);
      return;
    }
    requestRescore({ kind: 'behaviour', type: e.type, id: e.eventId, at: e.at });
  });

  // Capacity freed in the team of a lead waiting unassigned: route again now rather than at the retry timer.
  let capacityFreed = false;
  setHandler(msg.capacityFreedSignal, () => {
    capacityFreed = true;
  });

  setHandler(msg.logVisitUpdate, async (v) => guarded(() => play.assertValidVisit(s, v, now()), async () => {
    await step('recordVisit', () => acts.recordVisit({ leadId, ...v }));
    s.visits++;
    s.engagements++;
    requestRescore({ kind: 'visit', type: v.type, id: v.visitId, at: v.occurredAt });
    s.openTasks = await db.openTasks({ leadId });
    await replanReminders();
    return { visitId: v.visitId };
  }), { validator: (v) => play.assertValidVisit(s, v, now()) });

  const decisionHandler = (decision: 'qualified' | 'disqualified' | 'nurture') =>
    async (a: { by: string; reason?: string; note?: string }) => guarded(
      () => (decision === 'qualified' ? play.assertCanQualify(s) : decision === 'disqualified' ? play.assertCanDisqualify(s) : play.assertCanQualify(s)),
      async () => {
        await db.recordDecision({ leadId, decision, by: a.by, reason: a.reason, note: a.note });
        if (decision === 'qualified') {
          s.qualified = true;
          s.status = 'qualified';
        }
        s.pendingDecision = decision;
        s.engagements++;
        // The main loop consumes the decision at the next wait; answer once it moved on.
        await condition(() => s.pendingDecision === null || s.closed);
        return view();
      },
    );
  setHandler(msg.qualifyUpdate, decisionHandler('qualified'), { validator: (_a: unknown) => play.assertCanQualify(s) });
  setHandler(msg.disqualifyUpdate, decisionHandler('disqualified'), { validator: (a) => { play.assertCanDisqualify(s); if (!a.reason) throw new Error('a disqualification needs a reason'); } });
  setHandler(msg.nurtureUpdate, decisionHandler('nurture'), { validator: (_a: unknown) => play.assertCanQualify(s) });

  setHandler(msg.convertToOpportunityUpdate, async (a) => guarded(() => { play.assertCanConvert(s); play.assertValidAmount(a.amount); }, async () => {
    await db.createOpportunity({ leadId, opportunityId: a.opportunityId, name: a.name, amount: a.amount, by: a.by });
    s.opportunityId = a.opportunityId;
    return { opportunityId: a.opportunityId };
  }), { validator: (a) => { play.assertCanConvert(s); play.assertValidAmount(a.amount); } });

  setHandler(msg.createOfferUpdate, async (a) => guarded(() => play.assertCanCreateOffer(s, a.supersedes, a.lines), async () => {
    const r = await db.createOffer({ leadId, ...a });
    if (a.supersedes) s.offers = s.offers.map((o) => (o.id === a.supersedes ? { ...o, status: 'renegotiated' } : o));
    s.offers.push({ id: a.offerId, version: r.version, status: 'draft', total: r.total });
    s.opportunityId ??= r.opportunityId;
    if (patched('discount-approval')) await checkDiscount(a.offerId, a.by, false);
    return { offerId: a.offerId, version: r.version, total: r.total };
  }), { validator: (a) => play.assertCanCreateOffer(s, a.supersedes, a.lines) });

  setHandler(msg.setOfferStatusUpdate, async (a) => guarded(() => play.assertCanSetOfferStatus(s, a.offerId, a.status, a.reason), async () => {
    // Nothing goes to the customer before a discount above the threshold is approved.
    if (a.status === 'sent' && patched('discount-approval')) await checkDiscount(a.offerId, a.by, true);
    await db.setOfferStatus({ leadId, ...a });
    s.offers = s.offers.map((o) => (o.id === a.offerId ? { ...o, status: a.status } : o));
    if (a.status === 'sent' && patched('proposal-on-sent')) {
      const doc = await acts.renderProposal({ leadId, offerId: a.offerId, by: a.by });
      void mailProposal({ leadId, offerId: a.offerId, documentId: doc.documentId, version: doc.version });
    }
    await replanReminders();
    return { offerId: a.offerId, status: a.status };
  }), { validator: (a) => play.assertCanSetOfferStatus(s, a.offerId, a.status, a.reason) });

  setHandler(msg.markWonUpdate, async (a) => guarded(() => play.assertCanWin(s, a.offerId), async () => {
    const offerId = a.offerId ?? s.offers.find((o) => o.status === 'accepted')!.id;
    closeIntent = { result: 'won', offerId, orderId: a.orderId, by: a.by };
    await condition(() => s.closed);
    return view();
  }), { validator: (a) => play.assertCanWin(s, a.offerId) });

  setHandler(msg.markLostUpdate, async (a) => guarded(() => play.assertCanLose(s, a.reason), async () => {
    closeIntent = { result: 'lost', reason: a.reason, by: a.by };
    await condition(() => s.closed);
    return view();
  }), { validator: (a) => play.assertCanLose(s, a.reason) });

  setHandler(msg.reassignUpdate, async (a) => guarded(() => play.assertCanReassign(s, a.ownerId), async () => {
    const previousOwner = s.ownerId;
    const fromQueue = s.rerouting; // a lead taken from its team's unassigned queue: the owner's first steps are still to do
    const r = await db.reassignLead({ leadId, ownerId: a.ownerId, by: a.by, reason: a.reason });
    s.ownerId = a.ownerId;
    s.managerId = r.managerId;
    s.openTasks = await db.openTasks({ leadId });
    if (previousOwner && patched('reroute-unassigned')) await acts.wakeUnassignedLeads({ leadId, freedOwnerId: previousOwner });
    if (!previousOwner && fromQueue && patched('reroute-unassigned')) await welcomeOwner(fromQueue.key);
    return view();
  }), { validator: (a) => play.assertCanReassign(s, a.ownerId) });

  // Not under the lock: the step being cancelled holds it.
  setHandler(msg.cancelStepUpdate, (a) => {
    const running = [...(steps.get(a.activityType) ?? [])];
    running.forEach((scope) => scope.cancel());
    return { cancelled: running.length };
  }, { validator: (a) => { if (!steps.get(a.activityType)?.size) throw new Error(`no ${a.activityType} step is running on this lead`); } });

  // Operations: moving to another version is recorded here and applied by the main loop at its next node boundary.
  let pendingMove: msg.MoveToVersionInput | null = null;
  const moveAnswer = (moveId: string) => s.moves?.find((m) => m.moveId === moveId);
  setHandler(msg.moveToVersionUpdate, async (m) => {
    const done = moveAnswer(m.moveId);
    if (done) return done;
    pendingMove ??= m;
    await condition(() => moveAnswer(m.moveId) !== undefined || s.closed);
    return moveAnswer(m.moveId) ?? {
      moveId: m.moveId, moved: false, reason: 'the lead closed before it reached a node boundary', fromVersion: version, fromNodeId: s.nodeId, toVersion: m.version, toNodeId: null,
    };
  }, {
    validator: (m) => {
      if (moveAnswer(m.moveId)) return; // a repeated request: answered with the first result
      if (!m.moveId || !m.nodeId || !Number.isInteger(m.version) || m.version < 1) throw new Error('a move needs a moveId, a target version and a target node');
      if (s.closed) throw new Error(`the lead is closed (${s.status}); it stays on v${version}`);
      if (pendingMove && pendingMove.moveId !== m.moveId) throw new Error(`the lead is busy: move ${pendingMove.moveId} is still pending`);
      if (m.version === version) throw new Error(`the lead already runs on v${version}`);
    },
  });

  // ---- continuous scoring: a burst of events re-scores once -------------------------------------------------
  function requestRescore(reason: RescoreReason): void {
    if (s.closed || !patched('behaviour-rescoring')) return;
    s.rescoreReasons = [...(s.rescoreReasons ?? []), reason].slice(-100);
    rescoreLoop ??= rescoreWhileOpen();
  }
  /** Waits for reasons, lets a burst gather (one timer), then re-runs the scoring rule set of the lead's score node. */
  async function rescoreWhileOpen(): Promise<void> {
    for (;;) {
      await condition(() => Boolean(s.rescoreReasons?.length) || s.closed);
      if (s.closed) return;
      await sleep(RESCORE_BURST_MS);
      if (s.closed) return;
      const reasons = s.rescoreReasons ?? [];
      s.rescoreReasons = [];
      const scoreNode = doc.nodes.find((n): n is NodeOf<'score'> => n.type === 'score');
      if (!scoreNode) continue;
      rescoring = true;
      try {
        s.rescores = (s.rescores ?? 0) + 1;
        const before = s.grade;
        const r = await rescoreActs.rescoreLead({
          leadId, ruleSetId: scoreNode.config.ruleSetId, key: `${leadId}:rescore:${s.rescores}`, previous: { score: s.score, grade: s.grade }, reasons,
        });
        s.score = r.score;
        s.grade = r.grade;
        // The lead's own behaviour raised the grade (not a rep's visit): a nurtured lead goes back to its rep.
        if (gradeRank(r.grade) > gradeRank(before) && reasons.some((x) => x.kind === 'behaviour')) s.gradeRaises = (s.gradeRaises ?? 0) + 1;
      } catch (err) {
        // A re-score that failed for good (a rule set gone, a database fault through every attempt) leaves the lead
        // with its score until the next reason; it must never fail the workflow task, or the lead would be wedged.
        // (A failed local activity may surface as its ApplicationFailure, not wrapped in an ActivityFailure.)
        if (isCancellation(err) || !(err instanceof TemporalFailure)) throw err;
      } finally {
        rescoring = false;
      }
    }
  }
  if (s.rescoreReasons?.length && !s.closed) rescoreLoop = rescoreWhileOpen(); // carried over continue-as-new

  // ---- reminders: durable timers, scoped to the stage they belong to ------------------------------------------
  let stageNode: NodeOf<'stage'> | null = null;
  const occurrence = (nodeId: string) => s.visitsPerNode[nodeId] ?? 0;

  async function replanReminders(): Promise<void> {
    if (!stageNode?.config.reminderRuleSetId || s.closed) return;
    const ruleSetId = stageNode.config.reminderRuleSetId;
    const planned = await db.planReminders({ leadId, ruleSetId });
    const stageKey = `${stageNode.id}:${occurrence(stageNode.id)}`;
    const plannedAt = now();
    for (const r of planned) {
      // One timer per rule per trigger: the offer follow-up re-arms for every new "sent".
      const key = `${leadId}:${stageKey}:${r.rule}:${r.trigger}`;
      if (reminders.some((x) => x.key === key) || s.firedReminders.includes(key)) continue;
      const rem: ScheduledReminder = { rule: r.rule, key, dueAt: plannedAt + r.delayHours * HOUR, recipient: r.recipient, template: r.template, kind: r.kind, ruleSetId };
      reminders.push(rem);
      armReminder(rem);
    }
    refreshDeadline();
  }

  function armReminder(rem: ScheduledReminder): void {
    if (!reminderScope) return;
    void reminderScope.run(async () => {
      try {
        await sleep(Math.max(0, rem.dueAt - now()));
        await lock.run(async () => {
          if (s.closed) return;
          const r = await acts.fireReminder({ leadId, key: rem.key, ruleSetId: rem.ruleSetId, rule: rem.rule, recipient: rem.recipient, template: rem.template, kind: rem.kind });
          s.firedReminders.push(rem.key);
          if (r.fired) s.openTasks = await db.openTasks({ leadId });
        });
      } catch (err) {
        if (!isCancellation(err)) throw err;
      } finally {
        reminders = reminders.filter((x) => x.key !== rem.key);
        refreshDeadline();
      }
    });
  }

  function leaveStage(): void {
    reminderScope?.cancel();
    reminderScope = undefined;
    reminders = [];
    refreshDeadline();
  }

  function enterStageScope(): void {
    leaveStage();
    reminderScope = new CancellationScope();
  }

  // ---- unassigned leads: routed again after a timer, or early when capacity frees in their team ---------------
  /** The owner's first steps: a first-contact task and the assignment mail (keys make each happen once). */
  async function welcomeOwner(key: string): Promise<void> {
    const task = await db.createTask({ key: `${key}:first_contact`, leadId, kind: 'first_contact', title: 'Contact the new lead', dueHours: 48, assignee: 'owner' });
    await acts.sendEmail({ key: `${key}:assignment`, leadId, template: 'assignment', to: 'owner' });
    if (task) s.openTasks = [...s.openTasks.filter((t) => t.id !== task.id), task];
  }

  /**
   * Runs beside the pipeline (the lead moves on; its owner's reminders go to the team's manager meanwhile) until
   * an owner is found, by routing or by a reassignment, or the lead closes. State lives in `s.rerouting`, so a
   * continue-as-new picks it up again.
   */
  async function rerouteUntilAssigned(r: Rerouting): Promise<void> {
    s.rerouting = r;
    while (!s.closed && s.ownerId === null) {
      await condition(() => capacityFreed || s.closed || s.ownerId !== null, r.retryAfterMs);
      capacityFreed = false;
      await lock.run(async () => {
        if (s.closed || s.ownerId !== null) return;
        r.attempts++;
        let res: Awaited<ReturnType<typeof db.routeLead>>;
        try {
          res = await db.routeLead({ leadId, ruleSetId: r.ruleSetId, nodeId: r.nodeId, key: `${r.key}:retry${r.attempts}`, retry: true });
        } catch (err) {
          // A refused attempt (e.g. the routing rule set was withdrawn) must not fail the lead: try again at the next timer.
          if (err instanceof ActivityFailure) return;
          throw err;
        }
        r.retryAfterMs = res.retryAfterMs;
        s.managerId = res.managerId;
        if (!res.ownerId) return;
        s.ownerId = res.ownerId;
        await welcomeOwner(r.key);
        s.openTasks = await db.openTasks({ leadId }); // the manager's stand-in tasks moved to the owner
      });
    }
    s.rerouting = null;
  }

  // ---- proposals and discount approval ----------------------------------------------------------------------
  let mailsInFlight = 0;
  /** The proposal mail goes out beside the rep's action (a slow mail server never holds the answer up). */
  async function mailProposal(m: { leadId: string; offerId: string; documentId: string; version: number }): Promise<void> {
    mailsInFlight++;
    try {
      await acts.sendProposal(m);
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err; // a refused mail stays in the outbox with its reason
    } finally {
      mailsInFlight--;
    }
  }

  /**
   * Compares the offer's discount with the threshold that applies to its owner. Above it and not approved yet, the
   * offer goes to awaiting approval (the approver gets a task and an e-mail); when sending, the send is refused.
   */
  async function checkDiscount(offerId: string, by: string, sending: boolean): Promise<void> {
    const c = await db.checkDiscount({ leadId, offerId });
    if (!c.needed || c.approval === 'approved') return;
    if (c.approval === 'rejected') {
      throw ApplicationFailure.nonRetryable(`the discount of ${c.discountPct}% on this offer was rejected; renegotiate a new version with a smaller discount`, 'IllegalTransition');
    }
    if (c.approval !== 'pending') {
      const r = await acts.requestApproval({ leadId, offerId, by, discountPct: c.discountPct, thresholdPct: c.thresholdPct });
      s.offers = s.offers.map((o) => (o.id === offerId ? { ...o, status: 'awaiting_approval', approval: 'pending' } : o));
      s.openTasks = await db.openTasks({ leadId });
      const p: PendingApproval = { offerId, approvalId: r.approvalId, level: 1, reminderMs: c.reminderMs, escalationMs: c.escalationMs };
      s.approvals = [...(s.approvals ?? []), p];
      void awaitApproval(p);
    }
    if (sending) {
      throw ApplicationFailure.nonRetryable(`a discount of ${c.discountPct}% is above the ${c.thresholdPct}% threshold: this offer awaits a manager's approval and can be sent once approved`, 'IllegalTransition');
    }
  }

  /** The approval's SLA as durable timers: a reminder to the approver, then the request goes one level up. */
  async function awaitApproval(p: PendingApproval): Promise<void> {
    const decided = () => s.closed || s.offers.find((o) => o.id === p.offerId)?.status !== 'awaiting_approval';
    try {
      while (!decided()) {
        if (await condition(decided, p.reminderMs)) break;
        await acts.remindApproval({ approvalId: p.approvalId, level: p.level });
        if (await condition(decided, Math.max(1, p.escalationMs - p.reminderMs))) break;
        const r = await acts.escalateApproval({ approvalId: p.approvalId, level: p.level });
        if (r.level === p.level) {
          await condition(decided); // nobody above the approver: their decision is awaited without further reminders
          break;
        }
        p.level = r.level;
        s.openTasks = await db.openTasks({ leadId });
      }
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
    } finally {
      s.approvals = (s.approvals ?? []).filter((x) => x.offerId !== p.offerId);
    }
  }

  setHandler(msg.decideDiscountUpdate, async (a) => guarded(() => play.assertCanDecideDiscount(s, a.offerId), async () => {
    await db.decideApproval({ leadId, offerId: a.offerId, approve: a.approve, comment: a.comment, by: a.by });
    const approval = a.approve ? 'approved' as const : 'rejected' as const;
    s.offers = s.offers.map((o) => (o.id === a.offerId ? { ...o, status: 'draft', approval } : o));
    s.openTasks = await db.openTasks({ leadId });
    return { offerId: a.offerId, approval };
  }), { validator: (a) => play.assertCanDecideDiscount(s, a.offerId) });

  // A run continued as new waits again for the approvals the previous one was waiting for.
  for (const p of s.approvals ?? []) void awaitApproval(p);

  // ---- the interpreter -------------------------------------------------------------------------------------
  const next = (node: PipelineNode, branch?: string): string => {
    const edge = edgeFrom(doc, node.id, branch);
    if (!edge) throw ApplicationFailure.nonRetryable(`pipeline ${doc.id} v${version}: "${node.id}" has no edge for ${branch ?? 'next'}`, 'BrokenPipeline');
    return edge.target;
  };

  /**
   * Applies an ops move between two nodes: loads the target version, carries the lead's state over (open tasks stay;
   * the stage's pending reminders stay when its stage node is in the target, else they are dropped and the target's
   * stage is entered), records the move, and answers the request. A node that cannot be mapped refuses it.
   */
  async function applyMove(m: msg.MoveToVersionInput): Promise<void> {
    await lock.run(async () => {
      const toNodeId = s.nodeId === m.fromNodeId ? m.nodeId : m.mapping?.[s.nodeId];
      const answer: MoveResult = { moveId: m.moveId, moved: false, fromVersion: version, fromNodeId: s.nodeId, toVersion: m.version, toNodeId: toNodeId ?? null };
      const target = toNodeId ? await db.loadPipelineVersion({ pipelineId: input.pipelineId, version: m.version }) : null;
      const targetNode = target?.nodes.find((n) => n.id === toNodeId);
      if (!toNodeId) answer.reason = `the lead moved on to node "${s.nodeId}", which has no target in v${m.version}`;
      else if (!target) answer.reason = `version ${m.version} of pipeline "${input.pipelineId}" does not exist`;
      else if (!targetNode) answer.reason = `node "${toNodeId}" is not in v${m.version}`;
      else if (s.closed) answer.reason = 'the lead is closed';
      if (!target || !targetNode || !toNodeId || answer.reason) {
        answer.reason ??= 'the move could not be applied';
        await db.refuseLeadMove({ leadId, moveId: m.moveId, reason: answer.reason });
      } else {
        const fromLabel = nodes.get(answer.fromNodeId)?.label;
        doc = target;
        nodes = new Map(target.nodes.map((n) => [n.id, n]));
        version = m.version;
        s.nodeId = toNodeId;
        // The stage node itself is entered by the loop; any other node continues in the stage it sits in.
        const stage = targetNode.type === 'stage' ? undefined : stageOf(target, toNodeId);
        if (stage && stageNode && stage.id === stageNode.id) {
          stageNode = stage;
        } else if (stage) {
          s.stage = stage.config.name;
          if (stage.config.status && !s.qualified) s.status = stage.config.status;
          await db.enterStage({ leadId, nodeId: stage.id, stage: stage.config.name, status: s.status });
          stageNode = stage;
          enterStageScope();
          await replanReminders();
        } else if (targetNode.type !== 'stage') {
          leaveStage();
          stageNode = null;
        }
        await db.recordLeadMove({
          leadId, moveId: m.moveId, pipelineId: input.pipelineId, by: m.by, fromVersion: answer.fromVersion, fromNodeId: answer.fromNodeId,
          fromLabel: fromLabel ?? answer.fromNodeId, toVersion: m.version, toNodeId, toLabel: targetNode.label ?? toNodeId, stage: s.stage,
        });
        answer.moved = true;
      }
      s.moves = [...(s.moves ?? []), answer].slice(-20);
      pendingMove = null;
    });
  }

  async function close(result: 'won' | 'lost', endNodeId: string, reason?: string, extra: { offerId?: string; orderId?: string; by?: string } = {}) {
    leaveStage();
    const r = await db.closeLead({ leadId, result, reason, nodeId: endNodeId, offerId: extra.offerId, orderId: extra.orderId, by: extra.by ?? 'pipeline' });
    s.closed = true;
    s.status = result;
    s.stage = result;
    s.nodeId = endNodeId;
    s.lostReason = result === 'lost' ? (reason ?? null) : null;
    s.openTasks = [];
    outcome = { result, reason, orderId: r.orderId };
    // The owner has room for one more lead: the team's unassigned leads may route again now.
    if (s.ownerId && patched('reroute-unassigned')) await acts.wakeUnassignedLeads({ leadId, freedOwnerId: s.ownerId });
  }

  if (!s.captured) {
    await db.recordCapture({ leadId, dedupeKey: input.dedupeKey, pipelineId: input.pipelineId, pipelineVersion: input.pipelineVersion, capture: input.capture, nodeId: s.nodeId });
    s.captured = true;
  } else if (s.stage !== 'captured') {
    // Resumed after continue-as-new inside a stage: re-arm the reminders that were pending.
    stageNode = (doc.nodes.find((n) => n.type === 'stage' && n.config.name === s.stage) as NodeOf<'stage'> | undefined) ?? null;
    if (stageNode) {
      enterStageScope();
      for (const r of s.reminders ?? []) {
        reminders.push(r);
        armReminder(r);
      }
      // The next deadline is known now: a query answered before the first wait must not say "none".
      refreshDeadline();
    }
  }
  if (s.rerouting && s.ownerId === null && !s.closed && patched('reroute-unassigned')) void rerouteUntilAssigned(s.rerouting);

  while (!outcome) {
    if (closeIntent) {
      const intent: { result: 'won' | 'lost'; reason?: string; offerId?: string; orderId?: string; by: string } = closeIntent;
      const end = doc.nodes.find((n) => n.type === (intent.result === 'won' ? 'end_won' : 'end_lost') && !(n.type === 'end_lost' && n.config.reason));
      await close(intent.result, end?.id ?? s.nodeId, intent.reason, intent);
      break;
    }
    // Not while a rep's decision waits to be consumed: its handler holds the lock until the next wait takes it.
    if (pendingMove && s.pendingDecision === null && patched('move-version')) await applyMove(pendingMove);
    const node = nodes.get(s.nodeId);
    if (!node) throw ApplicationFailure.nonRetryable(`node ${s.nodeId} is not in pipeline ${doc.id} v${version}`, 'BrokenPipeline');
    s.visitsPerNode[node.id] = occurrence(node.id) + 1;
    const occ = occurrence(node.id);

    switch (node.type) {
      case 'trigger':
        s.nodeId = next(node);
        break;
      case 'score': {
        const r = await db.scoreLead({ leadId, ruleSetId: node.config.ruleSetId, nodeId: node.id });
        s.score = r.score;
        s.grade = r.grade;
        s.nodeId = next(node);
        break;
      }
      case 'route': {
        const key = `${leadId}:${node.id}:${occ}`;
        const r = await db.routeLead({ leadId, ruleSetId: node.config.ruleSetId, nodeId: node.id, key });
        s.ownerId = r.ownerId;
        s.managerId = r.managerId;
        if (r.ownerId) {
          await welcomeOwner(key);
        } else if (patched('reroute-unassigned')) {
          void rerouteUntilAssigned({ nodeId: node.id, ruleSetId: node.config.ruleSetId, key, attempts: 0, retryAfterMs: r.retryAfterMs });
        }
        s.nodeId = next(node);
        break;
      }
      case 'decision': {
        const r = await db.decide({ leadId, nodeId: node.id, branches: node.config.branches, ruleSetId: node.config.ruleSetId, custom: s.customOutputs });
        s.nodeId = next(node, r.branch);
        break;
      }
      case 'stage': {
        s.stage = node.config.name;
        if (node.config.status && !s.qualified) s.status = node.config.status;
        if (node.config.status === 'qualified' && s.qualified) s.status = 'qualified';
        await db.enterStage({ leadId, nodeId: node.id, stage: node.config.name, status: s.status });
        stageNode = node;
        enterStageScope();
        await replanReminders();
        s.nodeId = next(node);
        break;
      }
      case 'wait': {
        await db.markNode({ leadId, nodeId: node.id });
        const branch = await waitFor(node);
        if (branch === null) continue; // a close intent arrived; handled at the top of the loop
        s.nodeId = next(node, branch);
        break;
      }
      case 'send_email':
        await acts.sendEmail({ key: `${leadId}:${node.id}:${occ}`, leadId, template: node.config.template, to: node.config.to, nodeId: node.id });
        s.nodeId = next(node);
        break;
      case 'create_task': {
        const task = await db.createTask({ key: `${leadId}:${node.id}:${occ}`, leadId, kind: node.config.kind, title: node.config.title, dueHours: node.config.dueHours, assignee: node.config.assignee, nodeId: node.id });
        if (task) s.openTasks = [...s.openTasks, task];
        s.nodeId = next(node);
        break;
      }
      case 'configurator_check': {
        const r = await db.checkLatestOffer({ leadId, ruleSetId: node.config.ruleSetId, nodeId: node.id });
        s.nodeId = next(node, r.valid ? 'valid' : 'invalid');
        break;
      }
      case 'custom': {
        const key = `${leadId}:${node.id}:${occ}`;
        if (patched('activity-task-queues')) {
          s.customOutputs = { ...s.customOutputs, ...(await runActivityType(node, key)) };
        } else {
          await acts.runCustomActivity({ leadId, nodeId: node.id, activity: node.config.activity, input: node.config.input, key });
        }
        s.nodeId = next(node);
        break;
      }
      case 'end_won':
        await close('won', node.id, undefined, closeIntent ?? {});
        break;
      case 'end_lost':
        await close('lost', node.id, (closeIntent as { reason?: string } | null)?.reason ?? node.config.reason ?? 'lost', closeIntent ?? {});
        break;
    }

    // A pending move is applied first (its request waits for it, so the handlers would never all finish).
    if (!outcome && workflowInfo().continueAsNewSuggested && !pendingMove) {
      await condition(allHandlersFinished);
      await condition(() => mailsInFlight === 0);
      await condition(() => !rescoring);
      reminderScope?.cancel(); // the next run re-arms the pending reminders from the snapshot
      await continueAsNew<typeof leadWorkflow>({ ...input, pipelineVersion: version, pipeline: doc, resume: { ...s, reminders } });
    }
  }
  await condition(allHandlersFinished);
  return outcome!;

  /**
   * A custom node: the activity type it names runs on that type's task queue with the type's timeout and retries.
   * No schedule-to-start timeout: while the type's worker is offline the task waits in its queue (the lead shows
   * "waiting for worker") and runs when the worker is back. Returns the output by activity name (decision facts).
   */
  async function runActivityType(node: NodeOf<'custom'>, key: string): Promise<Record<string, Record<string, unknown>>> {
    const config = node.config;
    const t = await db.resolveActivityType({ leadId, nodeId: node.id, activity: config.activity, version: config.version, input: config.input });
    const remote = proxyActivities<Record<string, (call: ActivityCall) => Promise<unknown>>>({
      taskQueue: t.taskQueue,
      startToCloseTimeout: t.startToCloseMs,
      retry: {
        initialInterval: t.retry.initialIntervalMs, backoffCoefficient: t.retry.backoffCoefficient, maximumInterval: t.retry.maximumIntervalMs,
        ...(t.retry.maximumAttempts ? { maximumAttempts: t.retry.maximumAttempts } : {}), nonRetryableErrorTypes: ['InvalidInput', 'InvalidOutput'],
      },
    });
    const output = await remote[t.name]!({ input: config.input, key, lead: t.lead, nodeId: node.id });
    const recorded = await db.recordActivityOutput({ leadId, nodeId: node.id, activity: t.name, version: t.version, key, input: config.input, output });
    return { [t.name]: recorded };
  }

  /** Waits for what the node waits for; returns the branch to leave by, or null when the lead is being closed. */
  async function waitFor(node: NodeOf<'wait'>): Promise<string | null> {
    const until = node.config.until;
    const engagementsAtStart = s.engagements;
    const gradeRaisesAtStart = s.gradeRaises ?? 0;
    const visitsAtStart = s.visits;
    const ready = (): string | null | undefined => {
      if (closeIntent) {
        if (until === 'close') return closeIntent.result;
        return null;
      }
      if (until === 'qualification' && s.pendingDecision) {
        const d = s.pendingDecision;
        s.pendingDecision = null;
        return d;
      }
      if (until === 'engagement') {
        if (s.pendingDecision === 'nurture') {
          s.pendingDecision = null; // already nurturing: keep waiting
        } else if (s.pendingDecision) {
          // A rep took over: leave the nurturing loop; the decision is consumed by the next qualification wait.
          return 'engaged';
        }
        if (s.engagements > engagementsAtStart) return 'engaged';
        // Behaviour raised the grade (patch `behaviour-rescoring`): the lead goes back to a rep.
        if ((s.gradeRaises ?? 0) > gradeRaisesAtStart) return 'engaged';
      }
      if (until === 'visit' && s.visits > visitsAtStart) return 'visited';
      if (pendingMove && s.pendingDecision === null) return null; // an ops move: applied at the top of the loop, then the lead waits at its new node
      return undefined;
    };
    const timeoutMs = node.config.timeoutHours ? node.config.timeoutHours * HOUR : undefined;
    waitDeadline = timeoutMs ? now() + timeoutMs : null;
    refreshDeadline();
    let branch: string | null | undefined;
    const done = () => (branch = ready()) !== undefined;
    const arrived = timeoutMs ? await condition(done, timeoutMs) : (await condition(done), true);
    waitDeadline = null;
    refreshDeadline();
    if (!arrived && timeoutMs) {
      const n = (s.timeoutsPerNode[node.id] ?? 0) + 1;
      s.timeoutsPerNode[node.id] = n;
      if (node.config.maxTimeouts && n >= node.config.maxTimeouts) return 'exhausted';
      return 'timeout';
    }
    s.timeoutsPerNode[node.id] = 0;
    return branch ?? null;
  }
}
