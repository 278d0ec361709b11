import { Liquid } from 'liquidjs';

/** E-mail templates with merge fields (liquid). Subjects and bodies are plain text; links point into the app. */
export const templates: Record<string, { subject: string; text: string }> = {
  assignment: {
    subject: 'New lead for you: {{ lead.name }}{% if lead.company %} ({{ lead.company }}){% endif %}',
    text: `Hello {{ recipient.name }},

a new lead was assigned to you.

  Name:     {{ lead.name }}
  Company:  {{ lead.company | default: "—" }}
  Country:  {{ lead.country | default: "—" }}
  Interest: {{ lead.product_interest | default: "—" }}
  Score:    {{ lead.score }} (grade {{ lead.grade | default: "—" }})

Please get in touch within 2 days: {{ app_url }}/leads/{{ lead.id }}
`,
  },
  reminder: {
    subject: 'Reminder: {{ lead.name }} has not been contacted yet',
    text: `Hello {{ recipient.name }},

{{ lead.name }}{% if lead.company %} from {{ lead.company }}{% endif %} has been waiting since {{ lead.created_at | date: "%Y-%m-%d" }}.
Log a visit or a call when you have been in touch: {{ app_url }}/leads/{{ lead.id }}
`,
  },
  escalation: {
    subject: 'Escalation: {{ lead.name }} is still not contacted',
    text: `Hello {{ recipient.name }},

the lead {{ lead.name }}{% if lead.company %} ({{ lead.company }}){% endif %} owned by {{ owner.name | default: "nobody" }} has not been contacted within the SLA.
Reassign it or follow up: {{ app_url }}/leads/{{ lead.id }}
`,
  },
  unassigned: {
    subject: 'Unassigned lead: {{ lead.name }} has no owner yet',
    text: `Hello {{ recipient.name }},

{{ lead.name }}{% if lead.company %} from {{ lead.company }}{% endif %} has been waiting since {{ lead.created_at | date: "%Y-%m-%d" }} and no rep of your team could take it yet.
It is routed again as soon as a rep has room; you can also assign it now: {{ app_url }}/leads/{{ lead.id }}
`,
  },
  offer_followup: {
    subject: 'Follow up: offer to {{ lead.name }} not confirmed',
    text: `Hello {{ recipient.name }},

the offer sent to {{ lead.name }}{% if lead.company %} ({{ lead.company }}){% endif %} has not been confirmed yet. Time to follow up:
{{ app_url }}/leads/{{ lead.id }}
`,
  },
  nurture: {
    subject: '{% case lead.product_interest %}{% when "analytics" %}Five dashboards sales teams actually use{% when "cpq" %}Quoting without spreadsheets{% else %}How teams close more with less admin{% endcase %}',
    text: `Hello {{ lead.name }},

{% case lead.product_interest %}{% when "analytics" %}here is our guide to the five dashboards that sales managers open every morning.{% when "cpq" %}here is how teams build valid quotes in minutes with a product configurator.{% else %}here is a short read on how sales teams spend less time on admin and more with customers.{% endcase %}

If you would like to talk to someone, just reply to this e-mail.
`,
  },
  thank_you: {
    subject: 'Thank you for your time, {{ lead.name }}',
    text: `Hello {{ lead.name }},

thank you for meeting {{ owner.name | default: "us" }}. We will follow up with the next steps shortly.
`,
  },
};

const liquid = new Liquid({ strictFilters: true, strictVariables: false });
const compiled = new Map<string, { subject: ReturnType<Liquid['parse']>; text: ReturnType<Liquid['parse']> }>();

/** Renders a template by name; unknown names are a programming error in the pipeline (non-retryable upstream). */
export async function renderTemplate(name: string, vars: Record<string, unknown>): Promise<{ subject: string; text: string }> {
  const t = templates[name];
  if (!t) throw new Error(`unknown e-mail template "${name}" (known: ${Object.keys(templates).join(', ')})`);
  let c = compiled.get(name);
  if (!c) {
    c = { subject: liquid.parse(t.subject), text: liquid.parse(t.text) };
    compiled.set(name, c);
  }
  const [subject, text] = await Promise.all([liquid.render(c.subject, vars), liquid.render(c.text, vars)]);
  return { subject: String(subject).trim(), text: String(text) };
}
