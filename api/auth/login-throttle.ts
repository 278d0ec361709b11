import type { Sql } from '../../db/client';
import { hashToken } from './tokens';

/** Failed sign-ins allowed per e-mail and address within the window before 429. */
export const MAX_LOGIN_FAILURES = 5;
export const LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60;

/** Keyed by a hash, so the table holds neither e-mail addresses nor client addresses. */
const keyOf = (email: string, ip: string) => hashToken(`${email.trim().toLowerCase()}|${ip}`);

/** Seconds until this e-mail may be tried again from this address; 0 when it may be tried now. */
export async function loginBlockedFor(sql: Sql, email: string, ip: string): Promise<number> {
  const [row] = await sql<{ wait: number }[]>`
    select ceil(extract(epoch from (last_failed_at + make_interval(secs => ${LOGIN_FAILURE_WINDOW_SECONDS}) - now())))::int as wait
    from login_failures
    where key = ${keyOf(email, ip)} and failures >= ${MAX_LOGIN_FAILURES}
      and last_failed_at > now() - make_interval(secs => ${LOGIN_FAILURE_WINDOW_SECONDS})`;
  return row ? Math.max(1, row.wait) : 0;
}

/** Counts a failure; a failure after a quiet window starts counting from one again. */
export async function recordLoginFailure(sql: Sql, email: string, ip: string): Promise<void> {
  await sql`
    insert into login_failures as f (key, failures, last_failed_at) values (${keyOf(email, ip)}, 1, now())
    on conflict (key) do update set
      failures = case when f.last_failed_at > now() - make_interval(secs => ${LOGIN_FAILURE_WINDOW_SECONDS}) then f.failures + 1 else 1 end,
      last_failed_at = now()`;
}

export async function clearLoginFailures(sql: Sql, email: string, ip: string): Promise<void> {
  await sql`delete from login_failures where key = ${keyOf(email, ip)}`;
}
