import { ConfigError, loadConfig } from './config';
import { oneLine } from './lifecycle';
import { startSystem, type RunningSystem } from './system';

/**
 * Runs one part of Leadflow against an existing cluster (TEMPORAL_ADDRESS and DATABASE_URL, no embedded services)
 * until SIGINT/SIGTERM; any start-up fault is one line and exit code 1.
 * @example await runClusterPart('worker', { worker: true, api: false }, (s) => `polling on ${s.temporalAddress}`);
 */
export async function runClusterPart(name: 'api' | 'worker', parts: { worker: boolean; api: boolean }, ready: (s: RunningSystem) => string): Promise<void> {
  try {
    const config = loadConfig();
    if (!config.DATABASE_URL) throw new ConfigError(`DATABASE_URL: must be set for \`npm run ${name}\` (all replicas share one Postgres server)`);
    const system = await startSystem(config, { temporal: false, demo: false, ...parts }, (m) => console.log(`[${name}] ${m}`));
    console.log(`[${name}] ${ready(system)}`);
    const stop = async () => {
      await system.stop();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
  } catch (err) {
    console.error(`[${name}] cannot start: ${oneLine(err)}`);
    process.exit(1);
  }
}
