import { MultiSelect, NativeSelect } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api } from '../lib/api';

interface UserOption { id: string; name: string; email: string; role: string; teamId: string | null; active: boolean }
interface TeamOption { id: string; name: string }
interface TemplateOption { name: string; subject: string }

/** Active reps (and managers) to assign to, from the API. */
export function useAssignableUsers() {
  return useQuery({
    queryKey: ['pickers', 'users'],
    queryFn: ({ signal }) => api<{ items: UserOption[] }>('/api/users?active=true&limit=200', { signal }),
    select: (d) => d.items.filter((u) => u.role === 'rep' || u.role === 'manager'),
    staleTime: 60_000,
  });
}
export function useTeamOptions() {
  return useQuery({ queryKey: ['pickers', 'teams'], queryFn: ({ signal }) => api<{ items: TeamOption[] }>('/api/teams', { signal }), select: (d) => d.items, staleTime: 60_000 });
}
export function useTemplateOptions() {
  return useQuery({ queryKey: ['templates'], queryFn: ({ signal }) => api<{ items: TemplateOption[] }>('/api/templates', { signal }), select: (d) => d.items, staleTime: 60_000 });
}

/** Options for a select; a stored value the list does not know stays visible, marked, instead of silently changing. */
function withCurrent(options: { value: string; label: string }[], current: string, placeholder: string) {
  const known = !current || options.some((o) => o.value === current);
  return [{ value: '', label: placeholder }, ...(known ? [] : [{ value: current, label: `${current} (unknown)` }]), ...options];
}

interface PickerProps { value: string | undefined; onChange(v: string | undefined): void; readOnly?: boolean; label?: string; ariaLabel: string; w?: number | string; id?: string }

export function UserSelect({ value, onChange, readOnly, label, ariaLabel, w = 220, id }: PickerProps) {
  const users = useAssignableUsers();
  const data = withCurrent((users.data ?? []).map((u) => ({ value: u.id, label: `${u.name} (${u.role})` })), value ?? '', users.isPending ? 'Loading users…' : '— choose a user —');
  return <NativeSelect id={id} size="xs" w={w} label={label} aria-label={ariaLabel} value={value ?? ''} disabled={readOnly} data={data} onChange={(e) => onChange(e.currentTarget.value || undefined)} />;
}

export function TeamSelect({ value, onChange, readOnly, label, ariaLabel, w = 200, id }: PickerProps) {
  const teams = useTeamOptions();
  const data = withCurrent((teams.data ?? []).map((t) => ({ value: t.id, label: t.name })), value ?? '', teams.isPending ? 'Loading teams…' : '— choose a team —');
  return <NativeSelect id={id} size="xs" w={w} label={label} aria-label={ariaLabel} value={value ?? ''} disabled={readOnly} data={data} onChange={(e) => onChange(e.currentTarget.value || undefined)} />;
}

export function TemplateSelect({ value, onChange, readOnly, label, ariaLabel, w = 200, id }: PickerProps) {
  const templates = useTemplateOptions();
  const data = withCurrent((templates.data ?? []).map((t) => ({ value: t.name, label: t.name })), value ?? '', templates.isPending ? 'Loading templates…' : '— choose a template —');
  return <NativeSelect id={id} size="xs" w={w} label={label} aria-label={ariaLabel} value={value ?? ''} disabled={readOnly} data={data} onChange={(e) => onChange(e.currentTarget.value || undefined)} />;
}

export function UsersMultiSelect({ value, onChange, readOnly, ariaLabel }: { value: string[]; onChange(v: string[]): void; readOnly?: boolean; ariaLabel: string }) {
  const users = useAssignableUsers();
  const options = (users.data ?? []).map((u) => ({ value: u.id, label: u.name }));
  const data = [...options, ...value.filter((v) => !options.some((o) => o.value === v)).map((v) => ({ value: v, label: `${v} (unknown)` }))];
  return <MultiSelect size="xs" w={280} aria-label={ariaLabel} placeholder={value.length ? undefined : 'or pick reps'} data={data} value={value} disabled={readOnly} searchable onChange={onChange} />;
}
