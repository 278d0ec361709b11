// `npm run api`: one API replica against TEMPORAL_ADDRESS and DATABASE_URL (no embedded services).
import { ConfigError, loadConfig } from '../runtime/config';
import { oneLine } from '../runtime/lifecycle';
import { startSystem } from '../runtime/system';

try {
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new ConfigError('DATABASE_URL: must be set for `npm run api` (replicas share one Postgres server)');
  const system = await startSystem(config, { temporal: false, worker: false, api: true, demo: false }, (m) => console.log(`[api] ${m}`));
  console.log(`[api] listening on ${system.appUrl} (Temporal ${system.temporalAddress})`);
  const stop = async () => {
    await system.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
} catch (err) {
  console.error(`[api] cannot start: ${oneLine(err)}`);
  process.exit(1);
}
