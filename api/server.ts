// `npm run api`: one API replica against TEMPORAL_ADDRESS and DATABASE_URL (no embedded services).
import { runClusterPart } from '../runtime/cluster-entry';

await runClusterPart('api', { worker: false, api: true }, (s) => `listening on ${s.appUrl} (Temporal ${s.temporalAddress})`);
