import { z } from 'zod';
import { roleSchema } from './types';

/** A user as the API shows it: never the password hash. */
export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  teamId: z.string().nullable(),
  territory: z.array(z.string()),
  capacity: z.number().int(),
  routingWeight: z.number().int(),
  notifyEmail: z.boolean(),
  active: z.boolean(),
  createdAt: z.string(),
});
export type UserView = z.infer<typeof userSchema>;

export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: z.infer<typeof roleSchema>;
  team_id: string | null;
  territory: string[];
  capacity: number;
  routing_weight: number;
  notify_email: boolean;
  active: boolean;
  created_at: Date;
}

export const userColumns = ['id', 'email', 'name', 'role', 'team_id', 'territory', 'capacity', 'routing_weight', 'notify_email', 'active', 'created_at'] as const;

export function toUserView(r: UserRow): UserView {
  return {
    id: r.id, email: r.email, name: r.name, role: r.role, teamId: r.team_id, territory: r.territory,
    capacity: r.capacity, routingWeight: r.routing_weight, notifyEmail: r.notify_email, active: r.active,
    createdAt: r.created_at.toISOString(),
  };
}

export const errorSchema = z.object({ error: z.string(), message: z.string(), problems: z.array(z.object({ path: z.string(), message: z.string() })).optional() });
export const idParams = z.object({ id: z.string().min(1).max(100) });
