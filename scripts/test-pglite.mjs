#!/usr/bin/env node
// Second pass of `npm test`: when the suite ran against a Postgres server (DATABASE_URL), run the database
// tests again on embedded PGlite, so both storage paths stay green.
import { spawnSync } from 'node:child_process';

if (!process.env.DATABASE_URL) {
  console.log('[test] the suite already ran on embedded PGlite (DATABASE_URL is unset); no second pass needed.');
  process.exit(0);
}
console.log('[test] second pass: database tests on embedded PGlite (DATABASE_URL unset)');
const env = { ...process.env };
delete env.DATABASE_URL;
const r = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'test/integration', 'test/lifecycle', 'test/auth', 'test/rules-api', 'test/routing', 'test/workspace', 'test/admin', 'test/templates', 'test/reports', 'test/dashboard', 'test/digest', 'test/documents', 'test/approval', 'test/editor/live-counts.test.ts', 'test/activity-types/registration.test.ts', 'test/moves', 'test/pipelines', 'test/cpq', 'test/metrics', 'test/events', 'test/webhooks', 'test/openapi', 'test/import'], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
