import { createApprovalActivities } from './approval/approval.activity';
import { createCustomActivities } from './custom.activity';
import type { ActivityDeps } from './deps';
import { createDigestActivities } from './digest/digest.activity';
import { createBehaviourActivities } from './lead/behaviour.activity';
import { createCaptureActivities } from './lead/capture.activity';
import { createFailureActivities } from './lead/failure.activity';
import { createImportActivities } from './import/import.activity';
import { createReminderActivities } from './lead/reminder.activity';
import { createRepActionActivities } from './lead/rep-actions.activity';
import { createRouteActivities } from './lead/route.activity';
import { createScoreActivities } from './lead/score.activity';
import { createStageActivities } from './lead/stage.activity';
import { createTaskActivities } from './lead/tasks.activity';
import { createMailActivities } from './mail/send-email.activity';
import { createMoveActivities } from './lead/move.activity';
import { createProposalActivities } from './proposal/proposal.activity';
import { createSmokeActivities } from './smoke.activity';
import { createWebhookActivities } from './webhooks/deliver.activity';

/**
 * Builds every activity the worker registers from its dependencies.
 * Workflows import only the type: `proxyActivities<Activities>(…)`.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createSmokeActivities(deps),
    ...createCaptureActivities(deps),
    ...createFailureActivities(deps),
    ...createScoreActivities(deps),
    ...createBehaviourActivities(deps),
    ...createRouteActivities(deps),
    ...createStageActivities(deps),
    ...createTaskActivities(deps),
    ...createReminderActivities(deps),
    ...createMailActivities(deps),
    ...createRepActionActivities(deps),
    ...createCustomActivities(deps),
    ...createDigestActivities(deps),
    ...createMoveActivities(deps),
    ...createProposalActivities(deps),
    ...createApprovalActivities(deps),
    ...createImportActivities(deps),
    ...createWebhookActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
