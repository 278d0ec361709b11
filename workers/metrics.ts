import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { collectDefaultMetrics, Histogram, Counter, Registry } from 'prom-client';

/** At most this many activity types get a label of their own; any further ones are counted as 'other'. */
const MAX_ACTIVITY_TYPES = 200;

/**
 * The worker process's Prometheus metrics: activity latency and failures per activity type (an interceptor), Node's
 * process metrics, and the Temporal SDK's own runtime metrics (workflow task latency, schedule-to-start, sticky cache,
 * slots; `temporal_*`) appended from the SDK's exporter when it runs. Labels are activity types only, never a lead.
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  private readonly duration: Histogram<'activity_type' | 'outcome'>;
  private readonly failures: Counter<'activity_type' | 'kind'>;
  private readonly seen = new Set<string>();

  /** `sdkMetricsUrl`: the Temporal runtime's Prometheus exporter (Runtime.install telemetryOptions), if installed. */
  constructor(private readonly opts: { sdkMetricsUrl?: string } = {}) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.duration = new Histogram({
      name: 'leadflow_activity_duration_seconds',
      help: 'Activity execution time in this worker by activity type and outcome (ok, failed, cancelled); _count is executions',
      labelNames: ['activity_type', 'outcome'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.failures = new Counter({
      name: 'leadflow_activity_failures_total',
      help: 'Activity attempts that failed, by activity type and kind (retryable: Temporal retries it; non_retryable: bad input or a business refusal)',
      labelNames: ['activity_type', 'kind'],
      registers,
    });
  }

  /** The activity interceptor to pass to Worker.create({ interceptors: { activity: [ … ] } }). */
  readonly activityInterceptor: ActivityInterceptorsFactory = (ctx) => ({
    inbound: {
      execute: async (input, next) => {
        const type = this.label(ctx.info.activityType);
        const started = performance.now();
        try {
          const result = await next(input);
          this.duration.observe({ activity_type: type, outcome: 'ok' }, (performance.now() - started) / 1000);
          return result;
        } catch (err) {
          const cancelled = ctx.cancellationSignal.aborted;
          this.duration.observe({ activity_type: type, outcome: cancelled ? 'cancelled' : 'failed' }, (performance.now() - started) / 1000);
          if (!cancelled) this.failures.inc({ activity_type: type, kind: (err as { nonRetryable?: boolean }).nonRetryable ? 'non_retryable' : 'retryable' });
          throw err;
        }
      },
    },
  });

  /** Our metrics, then the SDK's (a slow or absent exporter costs at most 1 s and a comment line). */
  async render(): Promise<string> {
    const own = await this.registry.metrics();
    if (!this.opts.sdkMetricsUrl) return own;
    try {
      const res = await fetch(this.opts.sdkMetricsUrl, { signal: AbortSignal.timeout(1000) });
      return `${own}\n${await res.text()}`;
    } catch (err) {
      return `${own}\n# Temporal SDK metrics unavailable: ${(err as Error).message.split('\n')[0]}\n`;
    }
  }

  private label(type: string): string {
    if (this.seen.has(type)) return type;
    if (this.seen.size >= MAX_ACTIVITY_TYPES) return 'other';
    this.seen.add(type);
    return type;
  }
}
