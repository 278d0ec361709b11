import { defineSignal } from '@temporalio/workflow';

/** Stops feeding after the running batch; the import waits until it is resumed or cancelled. */
export const pauseImportSignal = defineSignal('pauseImport');
export const resumeImportSignal = defineSignal('resumeImport');
/** Stops after the running batch; rows already imported stay. */
export const cancelImportSignal = defineSignal('cancelImport');
