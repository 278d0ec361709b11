import { ApplicationFailure, Context } from '@temporalio/activity';

/** The id of the workflow that scheduled the running activity (lead activities always run inside one). */
export function currentWorkflowId(): string {
  const id = Context.current().info.workflowExecution?.workflowId;
  if (!id) throw ApplicationFailure.nonRetryable('this activity must run inside a workflow', 'NoWorkflowContext');
  return id;
}
