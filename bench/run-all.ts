// `npm run bench`: every benchmark in turn; each prints its table and writes bench/results/<name>.json.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const benches = ['rules', 'backtest', 'lifecycle', 'scale-out', 'editor', 'finder', 'reports', 'proposal', 'cpq', 'import'].filter((b) => existsSync(`bench/${b}.ts`));
let failed = 0;
for (const b of benches) {
  console.log(`\n=== bench/${b} ===`);
  const r = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', `bench/${b}.ts`], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
