import { defineSignal } from '@temporalio/workflow';

/** Something was queued or the subscription was resumed: the dispatcher looks at its outbox now. */
export const wakeDispatcherSignal = defineSignal('wakeDispatcher');
