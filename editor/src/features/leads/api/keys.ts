/** Query keys of the leads feature; every key starts with 'leads' so one invalidation refreshes lists and pages. */
export const leadKeys = {
  all: ['leads'] as const,
  list: (params: Record<string, string>) => ['leads', 'list', params] as const,
  detail: (id: string) => ['leads', 'detail', id] as const,
  actions: (id: string) => ['leads', 'actions', id] as const,
  savedViews: ['saved-views'] as const,
  constants: ['constants'] as const,
  assignableReps: ['users', 'assignable-reps'] as const,
  owners: ['users', 'owners'] as const,
};
