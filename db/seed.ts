import { randomBytes } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import type { Sql } from './client';

export const demoTeams = [
  { id: 'team-dach', name: 'DACH', territory: ['DE', 'AT', 'CH'] },
  { id: 'team-nordics', name: 'Nordics', territory: ['SE', 'NO', 'DK', 'FI', 'IS'] },
  { id: 'team-west', name: 'West', territory: ['FR', 'BE', 'NL', 'LU', 'GB', 'IE', 'ES', 'PT', 'IT', 'US'] },
];

export const demoUsers = [
  { id: 'u-admin', email: 'admin@leadflow.demo', name: 'Ada Admin', role: 'admin', team: null, territory: [] as string[] },
  { id: 'u-olga', email: 'olga@leadflow.demo', name: 'Olga Ops', role: 'ops', team: null, territory: [] },
  { id: 'u-mia', email: 'mia@leadflow.demo', name: 'Mia Manager', role: 'manager', team: 'team-dach', territory: ['DE', 'AT', 'CH'] },
  { id: 'u-max', email: 'max@leadflow.demo', name: 'Max Manager', role: 'manager', team: 'team-west', territory: [] },
  { id: 'u-anna', email: 'anna@leadflow.demo', name: 'Anna Rep', role: 'rep', team: 'team-dach', territory: ['DE'] },
  { id: 'u-ben', email: 'ben@leadflow.demo', name: 'Ben Rep', role: 'rep', team: 'team-dach', territory: ['AT', 'CH'] },
  { id: 'u-carla', email: 'carla@leadflow.demo', name: 'Carla Rep', role: 'rep', team: 'team-nordics', territory: [] },
  { id: 'u-dario', email: 'dario@leadflow.demo', name: 'Dario Rep', role: 'rep', team: 'team-west', territory: [] },
  { id: 'u-eva', email: 'eva@leadflow.demo', name: 'Eva Rep', role: 'rep', team: 'team-west', territory: [] },
] as const;

export const defaultConstants: { category: string; code: string; label: string }[] = [
  ...['phone:Phone call', 'on_site:On-site visit', 'telepresence:Video call', 'email:E-mail', 'offer_request:Offer request', 'trade_fair:Trade fair']
    .map((s) => ({ category: 'visit_type', code: s.split(':')[0]!, label: s.split(':')[1]! })),
  ...['initial_contact:Initial contact', 'contact:Contact', 'offer:Offer', 'offer_follow_up:Offer follow-up']
    .map((s) => ({ category: 'visit_status', code: s.split(':')[0]!, label: s.split(':')[1]! })),
  ...['price:Price', 'competition:Competition', 'no_budget:No budget', 'no_response:No response', 'timing:Timing', 'other:Other']
    .map((s) => ({ category: 'loss_reason', code: s.split(':')[0]!, label: s.split(':')[1]! })),
  ...['price:Price', 'competition:Competition', 'other:Other']
    .map((s) => ({ category: 'rejection_reason', code: s.split(':')[0]!, label: s.split(':')[1]! })),
  ...['crm:CRM suite', 'analytics:Analytics', 'cpq:Configure-price-quote', 'support:Support plans', 'other:Other']
    .map((s) => ({ category: 'product_interest', code: s.split(':')[0]!, label: s.split(':')[1]! })),
];

/** Constants every installation needs (visit types, statuses, reasons): inserted when missing, never overwritten. */
export async function ensureConstants(sql: Sql): Promise<void> {
  await sql`
    insert into constants (category, code, label, sort)
    select * from unnest(${defaultConstants.map((c) => c.category)}::text[], ${defaultConstants.map((c) => c.code)}::text[],
                         ${defaultConstants.map((c) => c.label)}::text[], ${defaultConstants.map((_, i) => i)}::int[])
    on conflict do nothing`;
}

/**
 * Loads the demo data on first start (idempotent: a marker in `settings` records that it ran).
 * Returns the generated demo passwords once, so `npm start` can print them.
 */
export async function loadDemoData(sql: Sql): Promise<{ created: boolean; passwords?: Record<string, string> }> {
  const [done] = await sql`select 1 from settings where key = 'demo_loaded'`;
  if (done) return { created: false };
  // Random per installation, argon2-hashed; the plain passwords are returned once for `npm start` to print.
  const passwords: Record<string, string> = Object.fromEntries(demoUsers.map((u) => [u.email, randomBytes(12).toString('base64url')]));
  const hashes = Object.fromEntries(await Promise.all(Object.entries(passwords).map(async ([email, pw]) => [email, await hash(pw)] as const)));
  await sql.begin(async (tx) => {
    for (const t of demoTeams) {
      await tx`insert into teams (id, name, territory) values (${t.id}, ${t.name}, ${t.territory}) on conflict do nothing`;
    }
    for (const u of demoUsers) {
      await tx`insert into users (id, email, name, role, team_id, territory, password_hash)
               values (${u.id}, ${u.email}, ${u.name}, ${u.role}, ${u.team}, ${[...u.territory]}, ${hashes[u.email]!}) on conflict do nothing`;
    }
    await tx`update teams set manager_id = 'u-mia' where id in ('team-dach', 'team-nordics')`;
    await tx`update teams set manager_id = 'u-max' where id = 'team-west'`;
    await tx`insert into settings (key, value) values ('demo_loaded', 'true'::jsonb) on conflict do nothing`;
  });
  return { created: true, passwords };
}
