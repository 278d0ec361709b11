// Runs embedded PGlite in its own process, served over the Postgres wire protocol on 127.0.0.1, so its (single
// threaded, WebAssembly) query work never blocks the API's and the worker's event loop. Started by db/embedded.ts.
import { startEmbeddedPostgres } from './embedded';

const dir = process.argv[2] || undefined;
const pg = await startEmbeddedPostgres({ dir });
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await pg.stop();
  process.exit(0);
};
// The parent decides when to stop (after the worker drained); a terminal Ctrl-C is not ours to act on.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => void stop());
process.on('disconnect', () => void stop());
process.send?.({ ready: true, url: pg.url });
