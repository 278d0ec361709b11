import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Makes sure DATA_DIR exists and is writable; throws one line naming the folder otherwise. */
export function ensureWritableDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    const probe = join(dir, `.write-test-${process.pid}`);
    writeFileSync(probe, 'ok');
    rmSync(probe);
  } catch (err) {
    throw new Error(`DATA_DIR: the folder ${dir} is not writable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
  }
}
