// The lead finder's state lives in the URL's search params (links, back/forward and saved views all use them).

/** Parameters that page through results rather than filter them (left out of saved views and the CSV export). */
export const pagingKeys = ['limit', 'offset'] as const;
/** Parameters that only order results. */
export const sortKeys = ['sort', 'order'] as const;

export const defaultLimit = 50;

/** The URL's search params as a plain record (a repeated key keeps its values comma-separated). */
export function paramsOf(search: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of new Set(search.keys())) {
    const values = search.getAll(key).filter((v) => v !== '');
    if (values.length) out[key] = values.join(',');
  }
  return out;
}

/** Sets or clears `key`; any change of a filter goes back to the first page. */
export function withParam(params: Record<string, string>, key: string, value: string | null | undefined): Record<string, string> {
  const next = { ...params };
  if (value === null || value === undefined || value === '') delete next[key];
  else next[key] = value;
  if (key !== 'offset') delete next.offset;
  return next;
}

/** The filters alone (no paging), e.g. for a saved view or the CSV export. */
export function filtersOf(params: Record<string, string>): Record<string, string> {
  const out = { ...params };
  for (const k of pagingKeys) delete out[k];
  return out;
}

/** The active filter keys (what the chips above the table show). */
export function activeFilterKeys(params: Record<string, string>): string[] {
  return Object.keys(params).filter((k) => !(pagingKeys as readonly string[]).includes(k) && !(sortKeys as readonly string[]).includes(k) && k !== 'scope');
}

/** Readable names of the filters, for chips and errors. */
export const filterLabels: Record<string, string> = {
  q: 'Search', stage: 'Stage', status: 'Status', owner: 'Owner', grade: 'Grade', scoreMin: 'Score min', scoreMax: 'Score max',
  source: 'Source', country: 'Country', industry: 'Industry', companySizeMin: 'Employees min', companySizeMax: 'Employees max',
  productInterest: 'Product interest', createdFrom: 'Created from', createdTo: 'Created to', lastContactAfter: 'Last contact after',
  lastContactBefore: 'Last contact before', neverContacted: 'Never contacted', overdueTask: 'Has an overdue task', accountId: 'Account',
  nodeId: 'Pipeline step',
};
