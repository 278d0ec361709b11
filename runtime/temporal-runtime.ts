import { DefaultLogger, Runtime } from '@temporalio/worker';

let installed = false;

/**
 * Installs the Temporal SDK runtime once per process: our own shutdown code handles signals (so Ctrl-C
 * drains in order), and SDK logs below `level` stay out of the terminal.
 */
export function installTemporalRuntime(level: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' = 'WARN'): void {
  if (installed) return;
  installed = true;
  try {
    Runtime.install({ logger: new DefaultLogger(level), shutdownSignals: [] });
  } catch {
    // Already installed by a test harness in this process: keep that one.
  }
}
