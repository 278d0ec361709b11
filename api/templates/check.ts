import { Liquid } from 'liquidjs';

/** The same liquid options the mail activity renders with (unknown filters are errors there too). */
const liquid = new Liquid({ strictFilters: true, strictVariables: false });

export interface TemplateProblem { path: string; message: string }

/** Root variables a template may use, and the fields below them that exist (null: any field, e.g. the digest). */
export function knownVariables(leadFields: string[]): Record<string, string[] | null> {
  return { lead: leadFields, recipient: ['name', 'email', 'notify'], owner: ['name'], app_url: [], digest: null };
}

/**
 * Problems of one template field: liquid that does not parse, an unknown filter, or a variable the mail is never
 * rendered with (`lead.nmae`, `customer`), each named. Loop and `assign` variables are the template's own.
 * @example templateProblems('subject', '{{ lead.nmae }}', known) // [{ path: 'subject', message: 'unknown variable "lead.nmae" …' }]
 */
export function templateProblems(field: string, source: string, known: Record<string, string[] | null>): TemplateProblem[] {
  let segments: ReturnType<Liquid['globalVariableSegmentsSync']>;
  try {
    segments = liquid.globalVariableSegmentsSync(liquid.parse(source));
  } catch (err) {
    return [{ path: field, message: `not valid liquid: ${(err as Error).message.split('\n')[0]}` }];
  }
  const problems: TemplateProblem[] = [];
  const seen = new Set<string>();
  for (const seg of segments) {
    const [root, child] = seg.map(String);
    if (!root) continue;
    const fields = known[root];
    let bad: string | undefined;
    if (fields === undefined) bad = root;
    else if (fields !== null && child !== undefined && !fields.includes(child) && !['size', 'first', 'last'].includes(child)) bad = `${root}.${child}`;
    if (bad && !seen.has(bad)) {
      seen.add(bad);
      const hint = fields === undefined ? `known: ${Object.keys(known).join(', ')}` : `${root} has no field "${child}"`;
      problems.push({ path: field, message: `unknown variable "${bad}" (${hint})` });
    }
  }
  return problems;
}
