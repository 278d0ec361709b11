import { DefaultLogger, Runtime } from '@temporalio/worker';

let installed = false;

/**
 * Installs the Temporal SDK runtime once per process: our own shutdown code handles signals (so Ctrl-C
 * drains in order), and SDK logs below `level` stay out of the terminal.
 */
export function installTemporalRuntime(level: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' = 'WARN', opts: { metricsBindAddress?: string } = {}): void {
  if (installed) return;
  installed = true;
  try {
    // With a bind address, the SDK's own metrics (workflow task latency, schedule-to-start, sticky cache, slots) are
    // served in Prometheus format there; the worker's /metrics appends them (workers/metrics.ts).
    const telemetryOptions = opts.metricsBindAddress ? { metrics: { prometheus: { bindAddress: opts.metricsBindAddress, useSecondsForDurations: true } } } : undefined;
    Runtime.install({ logger: new DefaultLogger(level), shutdownSignals: [], telemetryOptions });
  } catch {
    // Already installed by a test harness in this process: keep that one.
  }
}
