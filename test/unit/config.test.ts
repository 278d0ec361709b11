import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../runtime/config';

describe('configuration', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, TEMPORAL_NAMESPACE: 'default', TEMPORAL_TASK_QUEUE: 'leadflow', LOG_LEVEL: 'info' });
    expect(c.DATABASE_URL).toBeUndefined();
  });

  it.each([
    ['PORT', 'abc', /PORT: /],
    ['PORT', '99999', /PORT: .*port number/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL: must be a URL starting with postgres:/],
    ['TEMPORAL_ADDRESS', 'localhost', /TEMPORAL_ADDRESS: must be host:port/],
    ['SMTP_URL', 'http://mail', /SMTP_URL: must be a URL/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL: /],
    ['TEMPORAL_NAMESPACE', 'bad name', /TEMPORAL_NAMESPACE: /],
  ])('rejects %s=%s naming the variable', (key, value, message) => {
    expect(() => loadConfig({ [key]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [key]: value })).toThrow(message);
  });

  it('never echoes a database password in the error', () => {
    try {
      loadConfig({ DATABASE_URL: 'mysql://u:secret@h/db' });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).not.toContain('secret');
    }
  });
});
