import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { anyUser } from '../auth/types';
import { notFound } from '../errors';
import { digestContentSchema, digestSettingsSchema } from '../../engine/digest/schemas';
import { composeDigest, renderDigest, type DigestUser } from '../../workers/digest/compose';
import { localParts } from '../../workers/digest/local-time';

interface SettingsRow { digest_enabled: boolean; digest_hour: number; time_zone: string }
const toSettings = (r: SettingsRow) => ({ enabled: r.digest_enabled, hour: r.digest_hour, timeZone: r.time_zone });

/** The signed-in user's daily digest: the on/off switch, hour and time zone, and a preview of today's digest. */
export const digestRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/me/digest', {
    config: { access: anyUser },
    schema: { tags: ['digest'], summary: 'Your daily digest setting', response: { 200: digestSettingsSchema } },
  }, async (req) => {
    const [row] = await app.sql<SettingsRow[]>`select digest_enabled, digest_hour, time_zone from users where id = ${req.user!.id}`;
    if (!row) throw notFound('user');
    return toSettings(row);
  });

  app.put('/api/me/digest', {
    config: { access: anyUser },
    schema: {
      tags: ['digest'], summary: 'Switch your daily digest on or off and choose its local hour and time zone',
      body: digestSettingsSchema, response: { 200: digestSettingsSchema },
    },
  }, async (req) => {
    const b = req.body;
    const [row] = await app.sql<SettingsRow[]>`
      update users set digest_enabled = ${b.enabled}, digest_hour = ${b.hour}, time_zone = ${b.timeZone} where id = ${req.user!.id}
      returning digest_enabled, digest_hour, time_zone`;
    if (!row) throw notFound('user');
    return toSettings(row);
  });

  app.get('/api/me/digest/preview', {
    config: { access: anyUser },
    schema: {
      tags: ['digest'], summary: 'Your digest for today as it would be sent now (subject, text, HTML and the data behind it)',
      response: { 200: z.object({ localDate: z.string(), enabled: z.boolean(), subject: z.string(), text: z.string(), html: z.string(), digest: digestContentSchema }) },
    },
  }, async (req) => {
    const [user] = await app.sql<(DigestUser & { digest_enabled: boolean })[]>`
      select id, name, email, role, time_zone, digest_enabled from users where id = ${req.user!.id}`;
    if (!user) throw notFound('user');
    const now = new Date();
    const { date } = localParts(now, user.time_zone);
    const digest = await composeDigest(app.sql, user, date, now);
    const appUrl = `${req.protocol}://${req.host}`;
    const mail = await renderDigest(digest, appUrl);
    return { localDate: date, enabled: user.digest_enabled, ...mail, digest };
  });
};
