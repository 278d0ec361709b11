import pino from 'pino';

/** The process logger; secrets are redacted by path before anything is written. */
export function createLogger(level: string) {
  return pino({
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'req.headers["x-csrf-token"]',
        '*.password', '*.token', '*.apiKey', 'password', 'token', 'apiKey'],
      censor: '[redacted]',
    },
  });
}
