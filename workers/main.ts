// `npm run worker`: one worker process against TEMPORAL_ADDRESS and DATABASE_URL; run as many as you need.
import { ConfigError, loadConfig } from '../runtime/config';
import { oneLine } from '../runtime/lifecycle';
import { startSystem } from '../runtime/system';

try {
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new ConfigError('DATABASE_URL: must be set for `npm run worker` (workers share one Postgres server)');
  const system = await startSystem(config, { temporal: false, worker: true, api: false, demo: false }, (m) => console.log(`[worker] ${m}`));
  console.log(`[worker] polling task queue "${config.TEMPORAL_TASK_QUEUE}" on ${system.temporalAddress}`);
  const stop = async () => {
    await system.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
} catch (err) {
  console.error(`[worker] cannot start: ${oneLine(err)}`);
  process.exit(1);
}
