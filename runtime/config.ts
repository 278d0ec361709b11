import { resolve } from 'node:path';
import { z } from 'zod';

/** Thrown when an environment variable is invalid; the message names the variable and the problem. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const url = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => p + '//').join(' or ')}`);

const hostPort = z
  .string()
  .regex(/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7233');

export const configSchema = z.object({
  PORT: z.coerce.number().int('must be an integer').min(0).max(65535, 'must be a port number (0-65535)').default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('data'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  TEMPORAL_ADDRESS: hostPort.optional(),
  TEMPORAL_NAMESPACE: z.string().regex(/^[A-Za-z0-9._-]+$/, 'must be a namespace name (letters, digits, . _ -)').default('default'),
  TEMPORAL_TASK_QUEUE: z.string().regex(/^[A-Za-z0-9._-]+$/, 'must be a task queue name (letters, digits, . _ -)').default('leadflow'),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(0).max(65535, 'must be a port number (0 turns the Web UI off)').default(8233),
  TEMPORAL_DEV_PORT: z.coerce.number().int().min(1).max(65535, 'must be a port number').default(7233),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  MAIL_FROM: z.string().min(3).default('Leadflow <noreply@leadflow.local>'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PARTNER_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  DEMO_DATA: z.enum(['true', 'false', '1', '0']).default('true').transform((v) => v === 'true' || v === '1'),
  CORS_ORIGINS: z.string().default('').transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean))
    .refine((list) => list.every((o) => /^https?:\/\/[^/\s]+$/.test(o)), 'must be comma-separated origins like https://www.example.com (scheme://host[:port], no path)'),
  SESSION_TTL_HOURS: z.coerce.number().positive('must be a positive number of hours').max(24 * 90, 'must be at most 2160 hours (90 days)').default(12),
  PUBLIC_RATE_LIMIT: z.coerce.number().int('must be an integer').min(1, 'must be at least 1 request per minute').default(20),
  LOGIN_RATE_LIMIT: z.coerce.number().int('must be an integer').min(1, 'must be at least 1 request per minute').default(10),
  PARTNER_RATE_LIMIT: z.coerce.number().int('must be an integer').min(1, 'must be at least 1 request per minute').default(120),
  UNASSIGNED_RETRY_MINUTES: z.coerce.number().positive('must be a positive number of minutes').max(7 * 24 * 60, 'must be at most 10080 minutes (7 days)').default(60),
  // Metrics listeners (Prometheus text at /metrics): 0 picks a free port, printed at start; bound to 127.0.0.1 by default.
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  METRICS_PORT: z.coerce.number().int('must be an integer').min(0).max(65535, 'must be a port number (0 picks a free one)').default(0),
  WORKER_METRICS_PORT: z.coerce.number().int('must be an integer').min(0).max(65535, 'must be a port number (0 picks a free one)').default(0),
  // Worker tuning (per worker process); defaults measured with a burst of leads on the embedded stack (see README).
  WORKER_MAX_WORKFLOW_TASKS: z.coerce.number().int('must be an integer').min(2, 'must be at least 2').max(2000).default(40),
  WORKER_MAX_ACTIVITIES: z.coerce.number().int('must be an integer').min(1, 'must be at least 1').max(5000).default(100),
  WORKER_MAX_LOCAL_ACTIVITIES: z.coerce.number().int('must be an integer').min(1, 'must be at least 1').max(5000).default(100),
  WORKER_STICKY_CACHE_SIZE: z.coerce.number().int('must be an integer').min(0, 'must be 0 (off) or more').max(100_000).default(1000),
  TRUST_PROXY: z.string().optional().transform((v): boolean | number | string => {
    if (v === undefined || v === 'false' || v === '0') return false;
    if (v === 'true') return true;
    return /^\d+$/.test(v) ? Number(v) : v;
  }),
});

export type Config = z.output<typeof configSchema> & { dataDir: string };

/**
 * Reads and validates the configuration from the environment.
 * @example const config = loadConfig(process.env); // throws ConfigError("PORT: must be a port number (0-65535) (got \"99999\")")
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, string | undefined> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const v = env[key];
    raw[key] = v === '' ? undefined : v;
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0]);
    const shown = key === 'DATABASE_URL' || key === 'SMTP_URL' || key === 'PARTNER_API_KEY' ? redact(raw[key]) : raw[key];
    throw new ConfigError(`${key}: ${issue.message} (got ${JSON.stringify(shown)})`);
  }
  return { ...parsed.data, dataDir: resolve(parsed.data.DATA_DIR) };
}

/** Hides the password of a URL (and any other secret) before it reaches a log line. */
export function redact(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    const u = new URL(value);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return value.length > 4 ? value.slice(0, 2) + '***' : '***';
  }
}
