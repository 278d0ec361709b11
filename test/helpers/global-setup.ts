import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startTemporalDevServer, type DevServer } from '../../runtime/temporal-dev-server';
import { bundleWorkflows } from '../../workers/worker';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
  }
}

let server: DevServer | undefined;

/** One real Temporal dev server (in memory) and one workflow bundle for the whole run; files isolate by task queue. */
export async function setup(project: TestProject) {
  server = await startTemporalDevServer({ headless: true });
  const bundle = await bundleWorkflows();
  const dir = mkdtempSync(join(tmpdir(), 'leadflow-bundle-'));
  const path = join(dir, 'workflows.js');
  writeFileSync(path, 'code' in bundle ? bundle.code : '');
  project.provide('temporalAddress', server.address);
  project.provide('workflowBundlePath', path);
}

export async function teardown() {
  await server?.stop();
}
