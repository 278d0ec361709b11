// `npm start`: the whole system on embedded defaults (Temporal dev server, PGlite, worker, API, editor).
import { ConfigError, loadConfig } from './config';
import { oneLine } from './lifecycle';
import { smokeWorkflow } from '../engine/smoke/workflow';
import { startSystem } from './system';

const withoutDemo = process.argv.includes('--no-demo');

async function main() {
  const config = loadConfig();
  const started = Date.now();
  const system = await startSystem(config, { temporal: true, worker: 'process', api: true, demo: !withoutDemo }, (m) => console.log(`[leadflow] ${m}`));
  if (system.seeded?.created && system.seeded.passwords) {
    console.log('[leadflow] demo users created (passwords shown once):');
    for (const [email, pw] of Object.entries(system.seeded.passwords)) console.log(`           ${email.padEnd(28)} ${pw}`);
  }
  const selfCheck = await runSelfCheck(system);
  console.log(`
  Leadflow is running (${((Date.now() - started) / 1000).toFixed(1)} s)
    App          ${system.appUrl}
    API docs     ${system.appUrl}/docs
    Health       ${system.appUrl}/healthz
    Metrics      ${system.metricsUrl} (API), ${system.workerMetricsUrl ?? '-'} (worker, pid ${system.workerProcess?.pid ?? process.pid})
    Temporal UI  ${system.temporalUiUrl ?? `(external cluster at ${system.temporalAddress})`}
    Data         ${config.DATABASE_URL ? 'Postgres from DATABASE_URL' : `${config.dataDir}`}
    Self-check   ${selfCheck}
  Press Ctrl-C to stop.
`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[leadflow] ${signal}: stopping …`);
    const hard = setTimeout(() => {
      console.error('[leadflow] did not stop within 10 s; exiting');
      process.exit(1);
    }, 10_000);
    await system.stop();
    clearTimeout(hard);
    console.log('[leadflow] stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/** Runs one smoke workflow through the whole stack (API's client → Temporal → worker → Postgres) and reports it. */
async function runSelfCheck(system: Awaited<ReturnType<typeof startSystem>>): Promise<string> {
  const temporal = system.app?.temporal;
  if (!temporal) return 'skipped';
  const workflowId = `smoke-startup-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const started = Date.now();
  try {
    const handle = await temporal.workflow.start(smokeWorkflow, { taskQueue: system.config.TEMPORAL_TASK_QUEUE, workflowId, args: [{ note: 'start-up self-check' }] });
    const timeout = new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no result within 15 s')), 15_000).unref());
    await Promise.race([handle.result(), timeout]);
    return `ok: workflow ${workflowId} wrote its row in ${Date.now() - started} ms`;
  } catch (err) {
    return `FAILED (${(err as Error).message.split('\n')[0]}); see ${system.config.dataDir}/temporal.log`;
  }
}

main().catch((err) => {
  console.error(`[leadflow] cannot start: ${err instanceof ConfigError ? err.message : oneLine(err)}`);
  process.exit(1);
});
