import { Liquid } from 'liquidjs';

/**
 * E-mail templates with merge fields (liquid). Subjects and bodies are plain text; links point into the app.
 * A template may add an HTML body, rendered with every output HTML-escaped.
 */
export const templates: Record<string, { subject: string; text: string; html?: string }> = {
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

{{ lead.name }}{% if lead.company %} from {{ lead.company }}{% endif %} has been waiting since {{ lead.created_at | date: "%Y-%m-%d", digest.timeZone }}.
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

{{ lead.name }}{% if lead.company %} from {{ lead.company }}{% endif %} has been waiting since {{ lead.created_at | date: "%Y-%m-%d", digest.timeZone }} and no rep of your team could take it yet.
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
  digest: {
    subject: 'Your day{% if digest.team %} and your team{% endif %}, {{ digest.localDate }}: {{ digest.today.size }} due today, {{ digest.overdueYesterday.size | plus: digest.overdueEarlier.size }} overdue',
    text: `Hello {{ digest.name }},

here is your digest for {{ digest.localDate }}.

Contact today ({{ digest.today.size }}):
{% for t in digest.today %}  - {{ t.title }}{% if t.leadName %}: {{ t.leadName }}{% if t.company %} ({{ t.company }}){% endif %}{% endif %}{% if t.leadId %} {{ app_url }}/leads/{{ t.leadId }}{% endif %}
{% else %}  nothing due today
{% endfor %}
Forgotten yesterday ({{ digest.overdueYesterday.size }}):
{% for t in digest.overdueYesterday %}  - {{ t.title }}{% if t.leadName %}: {{ t.leadName }}{% if t.company %} ({{ t.company }}){% endif %}{% endif %}{% if t.leadId %} {{ app_url }}/leads/{{ t.leadId }}{% endif %}
{% else %}  nothing
{% endfor %}
Still open from last week and earlier ({{ digest.overdueEarlier.size }}):
{% for t in digest.overdueEarlier %}  - {{ t.title }}{% if t.leadName %}: {{ t.leadName }}{% if t.company %} ({{ t.company }}){% endif %}{% endif %}, due {{ t.dueAt | date: "%Y-%m-%d", digest.timeZone }}{% if t.leadId %} {{ app_url }}/leads/{{ t.leadId }}{% endif %}
{% else %}  nothing
{% endfor %}
No contact for a week ({{ digest.notContacted.size }}):
{% for l in digest.notContacted %}  - {{ l.leadName }}{% if l.company %} ({{ l.company }}){% endif %}, {{ l.stage }}, last contact {% if l.lastContactAt %}{{ l.lastContactAt | date: "%Y-%m-%d", digest.timeZone }}{% else %}never{% endif %} {{ app_url }}/leads/{{ l.leadId }}
{% else %}  nobody
{% endfor %}
Offers awaiting confirmation ({{ digest.offersAwaiting.size }}):
{% for o in digest.offersAwaiting %}  - {{ o.leadName }}{% if o.company %} ({{ o.company }}){% endif %}: offer v{{ o.version }}, {{ o.total }} {{ o.currency }}{% if o.sentAt %}, sent {{ o.sentAt | date: "%Y-%m-%d", digest.timeZone }}{% endif %} {{ app_url }}/leads/{{ o.leadId }}
{% else %}  none
{% endfor %}{% if digest.team %}
Your team:
{% for r in digest.team.reps %}  - {{ r.name }}: {{ r.dueToday }} due today, {{ r.overdue }} overdue, {{ r.notContacted }} without contact for a week, {{ r.offersAwaiting }} offers awaiting confirmation
{% else %}  no reps
{% endfor %}  Leads waiting for an owner: {{ digest.team.unassigned }}
{% endif %}
Open your work: {{ app_url }}/work
`,
    html: `<!doctype html>
<html><body style="font-family: sans-serif; line-height: 1.4">
<p>Hello {{ digest.name }},</p>
<p>here is your digest for <strong>{{ digest.localDate }}</strong>.</p>
<h3>Contact today ({{ digest.today.size }})</h3>
<ul>{% for t in digest.today %}<li>{% if t.leadId %}<a href="{{ app_url }}/leads/{{ t.leadId }}">{{ t.title }}{% if t.leadName %}: {{ t.leadName }}{% endif %}</a>{% else %}{{ t.title }}{% endif %}{% if t.company %} ({{ t.company }}){% endif %}</li>{% else %}<li>nothing due today</li>{% endfor %}</ul>
<h3>Forgotten yesterday ({{ digest.overdueYesterday.size }})</h3>
<ul>{% for t in digest.overdueYesterday %}<li>{% if t.leadId %}<a href="{{ app_url }}/leads/{{ t.leadId }}">{{ t.title }}{% if t.leadName %}: {{ t.leadName }}{% endif %}</a>{% else %}{{ t.title }}{% endif %}</li>{% else %}<li>nothing</li>{% endfor %}</ul>
<h3>Still open from last week and earlier ({{ digest.overdueEarlier.size }})</h3>
<ul>{% for t in digest.overdueEarlier %}<li>{% if t.leadId %}<a href="{{ app_url }}/leads/{{ t.leadId }}">{{ t.title }}{% if t.leadName %}: {{ t.leadName }}{% endif %}</a>{% else %}{{ t.title }}{% endif %}, due {{ t.dueAt | date: "%Y-%m-%d", digest.timeZone }}</li>{% else %}<li>nothing</li>{% endfor %}</ul>
<h3>No contact for a week ({{ digest.notContacted.size }})</h3>
<ul>{% for l in digest.notContacted %}<li><a href="{{ app_url }}/leads/{{ l.leadId }}">{{ l.leadName }}</a>{% if l.company %} ({{ l.company }}){% endif %}, {{ l.stage }}, last contact {% if l.lastContactAt %}{{ l.lastContactAt | date: "%Y-%m-%d", digest.timeZone }}{% else %}never{% endif %}</li>{% else %}<li>nobody</li>{% endfor %}</ul>
<h3>Offers awaiting confirmation ({{ digest.offersAwaiting.size }})</h3>
<ul>{% for o in digest.offersAwaiting %}<li><a href="{{ app_url }}/leads/{{ o.leadId }}">{{ o.leadName }}</a>: offer v{{ o.version }}, {{ o.total }} {{ o.currency }}</li>{% else %}<li>none</li>{% endfor %}</ul>
{% if digest.team %}<h3>Your team</h3>
<table cellpadding="4"><tr><th align="left">Rep</th><th>Due today</th><th>Overdue</th><th>No contact for a week</th><th>Offers awaiting confirmation</th></tr>
{% for r in digest.team.reps %}<tr><td>{{ r.name }}</td><td align="right">{{ r.dueToday }}</td><td align="right">{{ r.overdue }}</td><td align="right">{{ r.notContacted }}</td><td align="right">{{ r.offersAwaiting }}</td></tr>{% endfor %}
</table>
<p>Leads waiting for an owner: {{ digest.team.unassigned }}</p>{% endif %}
<p><a href="{{ app_url }}/work">Open your work</a></p>
</body></html>
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
const htmlLiquid = new Liquid({ strictFilters: true, strictVariables: false, outputEscape: 'escape' });
type Parsed = ReturnType<Liquid['parse']>;
const compiled = new Map<string, { subject: Parsed; text: Parsed; html?: Parsed }>();

/**
 * Renders a template by name; unknown names are a programming error in the pipeline (non-retryable upstream).
 * `source` (an admin's edited version stored in the database) replaces the built-in text when given.
 */
export async function renderTemplate(name: string, vars: Record<string, unknown>, source?: { subject: string; text: string; html?: string }): Promise<{ subject: string; text: string; html?: string }> {
  const t = source ?? templates[name];
  if (!t) throw new Error(`unknown e-mail template "${name}" (known: ${Object.keys(templates).join(', ')})`);
  const cacheKey = source ? `${name}\u0000${t.subject}\u0000${t.text}\u0000${t.html ?? ''}` : name;
  let c = compiled.get(cacheKey);
  if (!c) {
    c = { subject: liquid.parse(t.subject), text: liquid.parse(t.text), html: t.html ? htmlLiquid.parse(t.html) : undefined };
    // Edited versions replace each other; keep the cache from growing with every edit.
    if (compiled.size > 200) compiled.clear();
    compiled.set(cacheKey, c);
  }
  const [subject, text, html] = await Promise.all([
    liquid.render(c.subject, vars), liquid.render(c.text, vars), c.html ? htmlLiquid.render(c.html, vars) : undefined,
  ]);
  return { subject: String(subject).trim(), text: String(text), ...(html === undefined ? {} : { html: String(html) }) };
}
