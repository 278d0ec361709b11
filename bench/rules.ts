/**
 * Scoring throughput on the default 20-rule pack, one core, same generated leads for every evaluator:
 * json-rules-engine (one reused engine), the compiled evaluator, and @gorules/zen-engine on an equivalent
 * decision table (hit policy "collect", points summed in code). Also checks that all three agree on the total
 * points of the sample. Run: `npx tsx bench/rules.ts`; results go to bench/results/rules.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ZenEngine } from '@gorules/zen-engine';
import { compileScoring, createRuleEngine, expandTerritories, packs, scoreLead, type Condition, type LeadFacts, type ScoringRuleSet } from '../rules';
import { printTable } from './lib/table';
import { seededRandom } from '../db/seeded-random';

const NOW = new Date('2025-06-01T00:00:00Z');
const SAMPLE = 5_000;


function generateLeads(n: number): LeadFacts[] {
  // Seeded, so every run scores the same leads.
  const { next: r, pick } = seededRandom(42);
  const leads: LeadFacts[] = [];
  for (let i = 0; i < n; i++) {
    const lead: LeadFacts = {
      source: pick(['web', 'partner', 'import', 'manual'] as const),
      country: pick(['DE', 'AT', 'CH', 'SE', 'NO', 'NL', 'GB', 'FR', 'US', 'IT', 'ES']),
      companySize: Math.floor(r() ** 2 * 2000) + 1,
      industry: pick(['software', 'manufacturing', 'finance', 'healthcare', 'education', 'non-profit', 'retail']),
      jobTitle: pick(['CEO', 'Head of Sales', 'IT Director', 'Developer', 'Student', 'Marketing Intern', 'Buyer', 'VP Engineering']),
      emailDomain: pick(['acme.com', 'gmail.com', 'example.org', 'gmx.de', 'corp.io']),
      hasPhone: r() < 0.6,
      visitsLast30Days: Math.floor(r() * 6),
      emailOpensLast14Days: Math.floor(r() * 10),
      formSubmissions: Math.floor(r() * 5),
      daysSinceCreated: Math.floor(r() * 120),
    };
    if (r() < 0.7) lead.daysSinceLastVisit = Math.floor(r() * 150); // missing = never visited
    leads.push(lead);
  }
  return leads;
}

// ---- zen-engine: the same rules as one decision table --------------------------------------------------
const zenLiteral = (v: unknown): string => {
  if (typeof v === 'string') {
    if (v.includes('"')) throw new Error('zen string literals have no escapes');
    return `"${v}"`;
  }
  if (Array.isArray(v)) return `[${v.map(zenLiteral).join(', ')}]`;
  return String(v);
};

/** A ZEN expression with json-rules-engine's missing-fact behaviour for the operators the pack uses. */
function toZen(c: Condition): string {
  if ('all' in c) return `(${c.all.map(toZen).join(' and ')})`;
  if ('any' in c) return `(${c.any.map(toZen).join(' or ')})`;
  if ('not' in c) return `not (${toZen(c.not)})`;
  const f = c.fact;
  const v = c.value;
  const num = (op: string) => `(${f} != null and ${f} ${op} ${zenLiteral(v)})`;
  switch (c.operator) {
    case 'equal': return `(${f} == ${zenLiteral(v)})`;
    case 'notEqual': return `(${f} != ${zenLiteral(v)})`;
    case 'in': return `(${f} in ${zenLiteral(v)})`;
    case 'notIn': return `not (${f} in ${zenLiteral(v)})`;
    case 'lessThan': return num('<');
    case 'lessThanInclusive': return num('<=');
    case 'greaterThan': return num('>');
    case 'greaterThanInclusive': return num('>=');
    case 'between': { const [a, b] = v as number[]; return `(${f} != null and ${f} >= ${a} and ${f} <= ${b})`; }
    case 'inTerritory': return `(${f} in ${zenLiteral([...expandTerritories(v as string[])])})`;
    case 'matchesPattern': return `(${f} != null and matches(${f}, ${zenLiteral(`(?i)${String(v)}`)}))`;
    default: throw new Error(`bench: no ZEN translation for operator ${c.operator}`);
  }
}

function toJdm(doc: ScoringRuleSet): object {
  return {
    contentType: 'application/vnd.gorules.decision',
    nodes: [
      { id: 'in', type: 'inputNode', name: 'lead', position: { x: 0, y: 0 } },
      {
        id: 'scoring', type: 'decisionTableNode', name: doc.name, position: { x: 300, y: 0 },
        content: {
          hitPolicy: 'collect',
          // One input column without a field: each cell is a whole boolean expression over the lead.
          inputs: [{ id: 'when', name: 'when' }],
          outputs: [{ id: 'points', name: 'points', field: 'points' }, { id: 'rule', name: 'rule', field: 'rule' }],
          rules: doc.rules.map((r, i) => ({ _id: `r${i}`, when: toZen(r.conditions), points: String(r.event.params.points), rule: zenLiteral(r.name) })),
        },
      },
      { id: 'out', type: 'outputNode', name: 'result', position: { x: 600, y: 0 } },
    ],
    edges: [
      { id: 'e1', sourceId: 'in', targetId: 'scoring', type: 'edge' },
      { id: 'e2', sourceId: 'scoring', targetId: 'out', type: 'edge' },
    ],
  };
}

// ---- timing ------------------------------------------------------------------------------------------
async function timeIt(minSeconds: number, batch: (round: number) => Promise<number> | number): Promise<{ leads: number; seconds: number }> {
  await batch(0); // warm-up (JIT, caches)
  let leads = 0;
  let round = 1;
  const t0 = process.hrtime.bigint();
  let seconds = 0;
  while (seconds < minSeconds) {
    leads += await batch(round++);
    seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  }
  return { leads, seconds };
}

async function main(): Promise<void> {
  const doc = packs.scoring;
  const leads = generateLeads(SAMPLE);
  const engine = createRuleEngine(doc);
  const compiled = compileScoring(doc);
  const zen = new ZenEngine().createDecision(toJdm(doc));
  const zenPoints = async (lead: LeadFacts) => {
    const res = (await zen.evaluate(lead)).result as { points: number }[];
    let sum = 0;
    for (const row of res) sum += row.points;
    return sum;
  };

  // Agreement on the sample, rule by rule totals (raw points, before the cap).
  let jreTotal = 0, compiledTotal = 0, zenTotal = 0, disagreements = 0;
  for (const lead of leads) {
    const a = (await scoreLead(doc, lead, { now: NOW })).rawPoints;
    const b = compiled(lead, { now: NOW }).rawPoints;
    const c = await zenPoints(lead);
    jreTotal += a; compiledTotal += b; zenTotal += c;
    if (a !== b || a !== c) disagreements++;
  }

  const jre = await timeIt(3, async () => {
    for (const lead of leads) await engine.run(lead, { now: NOW });
    return leads.length;
  });
  let sink = 0;
  const comp = await timeIt(3, () => {
    for (let k = 0; k < 40; k++) for (const lead of leads) sink += compiled(lead, { now: NOW }).rawPoints;
    return leads.length * 40;
  });
  const zenRun = await timeIt(3, async () => {
    for (const lead of leads) sink += await zenPoints(lead);
    return leads.length;
  });

  const rate = (r: { leads: number; seconds: number }) => r.leads / r.seconds;
  const rows = [
    { evaluator: 'json-rules-engine', ...jre },
    { evaluator: 'compiled', ...comp },
    { evaluator: '@gorules/zen-engine', ...zenRun },
  ].map((r) => ({
    evaluator: r.evaluator,
    leads: r.leads,
    seconds: Number(r.seconds.toFixed(2)),
    'leads/s': Math.round(rate(r)),
    '× json-rules-engine': Number((rate(r) / rate(jre)).toFixed(1)),
  }));
  console.log(`scoring pack "${doc.name}": ${doc.rules.length} rules, ${SAMPLE} generated leads, one core (sink ${sink % 7})`);
  printTable(rows);
  const agree = disagreements === 0;
  console.log(`total points on the sample: json-rules-engine ${jreTotal}, compiled ${compiledTotal}, zen-engine ${zenTotal}` +
    ` — ${agree ? 'all agree' : `${disagreements} leads DISAGREE`}`);
  console.log('note: zen-engine runs one evaluation in flight (one core); its matches() recompiles the regex on every call,' +
    ' which dominates its time on this pack.');

  const outDir = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'rules.json'), `${JSON.stringify({
    benchmark: 'rules-scoring', date: new Date().toISOString(), node: process.version, rules: doc.rules.length, sampleLeads: SAMPLE,
    results: rows, agreement: { jreTotal, compiledTotal, zenTotal, disagreements },
  }, null, 2)}\n`);
  if (!agree) process.exitCode = 1;
}

await main();
