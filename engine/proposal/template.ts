import { z } from 'zod';

/**
 * The merge fields a proposal template may use, with what each stands for. Lines and totals are always printed as a
 * table by the renderer; the fields put the same figures into the template's own sentences.
 */
export const mergeFields = {
  'account.name': 'the customer company (or the lead\'s company)',
  'account.country': 'the customer\'s country (ISO code)',
  'contact.name': 'the person the proposal is addressed to',
  'contact.email': 'their e-mail address',
  'offer.number': 'the offer\'s reference (lead and version)',
  'offer.version': 'the offer version',
  'offer.date': 'the date the offer is sent',
  'offer.valid_until': 'the last day the offer is valid',
  'offer.list_total': 'the total at list prices',
  'offer.discount_pct': 'the overall discount in percent',
  'offer.total': 'the total to pay',
  'offer.currency': 'the currency code',
  'offer.line_count': 'the number of lines',
  'rep.name': 'the sales rep who owns the lead',
  'rep.email': 'the rep\'s e-mail address',
} as const;
export type MergeField = keyof typeof mergeFields;

const FIELD = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Every `{{ field }}` of a text that is not a known merge field (also a stray `{{` or `{%`). */
export function unknownFields(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(FIELD)) if (!(m[1]! in mergeFields)) out.push(m[1]!);
  const rest = text.replace(FIELD, '');
  if (rest.includes('{{') || rest.includes('{%')) out.push(rest.includes('{%') ? '{%' : '{{');
  return out;
}

const templateText = (max: number) => z.string().max(max).superRefine((v, ctx) => {
  const unknown = unknownFields(v);
  if (unknown.length) ctx.addIssue({ code: 'custom', message: `unknown merge field ${unknown.map((f) => `"${f}"`).join(', ')} (known: ${Object.keys(mergeFields).join(', ')})`, path: [] });
});

/** The proposal template ops edit: title, opening and closing text with merge fields, and how long an offer is valid. */
export const proposalTemplateSchema = z.object({
  title: templateText(200).pipe(z.string().trim().min(1, 'must not be empty')),
  intro: templateText(4000),
  closing: templateText(4000),
  validityDays: z.number().int().min(1).max(365),
}).strict();
export type ProposalTemplate = z.infer<typeof proposalTemplateSchema>;

export const defaultProposalTemplate: ProposalTemplate = {
  title: 'Proposal for {{ account.name }}',
  intro: 'Dear {{ contact.name }},\n\nthank you for your interest. As discussed, here is our proposal {{ offer.number }} for {{ account.name }}.',
  closing: 'This proposal is valid until {{ offer.valid_until }}. To accept it, simply reply to this e-mail.\n\nKind regards,\n{{ rep.name }}\n{{ rep.email }}',
  validityDays: 30,
};

/**
 * Replaces each `{{ field }}` with its value (empty when the value is missing).
 * @example merge('Hello {{ contact.name }}', { 'contact.name': 'Ada' }) // 'Hello Ada'
 */
export function merge(text: string, values: Partial<Record<MergeField, string>>): string {
  return text.replace(FIELD, (_m, f: string) => values[f as MergeField] ?? '');
}
