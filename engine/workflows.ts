// Every workflow the worker registers. This file is the entry of the workflow bundle: deterministic code only.
export { smokeWorkflow } from './smoke/workflow';
export { leadWorkflow } from './lead/workflow';
export { digestWorkflow } from './digest/workflow';
export { importWorkflow } from './import/workflow';
export { webhookDispatchWorkflow } from './webhooks/workflow';
