import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { installTemporalRuntime } from '../../runtime/temporal-runtime';
import { fixturesDir, loadHistory, recordedDir } from '../helpers/histories';

/**
 * Replays lead histories with the current workflow code: those committed under test/fixtures/histories (recorded
 * by earlier versions) and those the lifecycle suite recorded in this run. A non-deterministic change fails here.
 */
describe('lead workflow replay', () => {
  const files = [fixturesDir, recordedDir].filter(existsSync).flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.history.bin')).map((f) => join(dir, f)));

  it('has committed histories to replay', () => {
    expect(files.filter((f) => f.startsWith(fixturesDir)).length).toBeGreaterThanOrEqual(2);
  });

  it('replays every saved history without non-determinism', async () => {
    installTemporalRuntime('ERROR');
    const histories = files.map((f) => ({ workflowId: f, history: loadHistory(readFileSync(f)) }));
    const results = Worker.runReplayHistories({ workflowBundle: { code: readFileSync(inject('workflowBundlePath'), 'utf8') } }, histories);
    let n = 0;
    for await (const r of results) {
      expect(r.error, `${r.workflowId}: ${r.error?.message}`).toBeUndefined();
      n++;
    }
    expect(n).toBe(files.length);
  });
});
