import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { projectRoot } from '../../runtime/temporal-cli';
import type { TestStack } from './stack';

/** Where this run's recorded histories go; test/fixtures/histories keeps the ones committed from earlier versions. */
export const recordedDir = join(projectRoot, 'test-results', 'histories');
export const fixturesDir = join(projectRoot, 'test', 'fixtures', 'histories');

/** Saves a finished workflow's history so the replay test can prove the current code still replays it. */
export async function saveHistory(stack: TestStack, workflowId: string, name: string): Promise<void> {
  const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
  mkdirSync(recordedDir, { recursive: true });
  // Binary protobuf: exact, and independent of the JSON helpers' protobufjs copy.
  const History = temporal.api.history.v1.History;
  writeFileSync(join(recordedDir, `${name}.history.bin`), History.encode(History.fromObject(history)).finish());
}

/** Loads a history saved by saveHistory. */
export function loadHistory(bytes: Uint8Array): temporal.api.history.v1.IHistory {
  return temporal.api.history.v1.History.decode(bytes);
}
