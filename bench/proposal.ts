/**
 * Proposal PDF render time: a 20-line offer (some lines with options, a discount) rendered with the default template,
 * in process, as the render activity does. Goal: under 500 ms per proposal. Run: `npx tsx bench/proposal.ts`;
 * results go to bench/results/proposal.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultProposalTemplate } from '../engine/proposal/template';
import { renderProposalPdf, type ProposalData } from '../workers/proposal/render';
import { printTable } from './lib/table';

const GOAL_MS = 500;
const RUNS = 30;

function offer(lines: number): ProposalData {
  const rows = Array.from({ length: lines }, (_, i) => {
    const quantity = 1 + (i % 7);
    const unitPrice = 120 + i * 37.5;
    return { product: `Module ${i + 1}: Sales analytics workspace`, options: i % 3 === 0 ? ['Premium support', 'Single sign-on'] : [], quantity, unitPrice, total: Math.round(quantity * unitPrice * 100) / 100 };
  });
  const listTotal = rows.reduce((n, r) => n + r.total, 0);
  return {
    leadId: 'lead-bench', offerId: 'offer-bench', version: 3, currency: 'EUR', accountName: 'Nordwind Energie GmbH', accountCountry: 'DE',
    contactName: 'Sabine Schulz', contactEmail: 'sabine.schulz@nordwind.example', repName: 'Anna Rep', repEmail: 'anna@leadflow.demo',
    lines: rows, listTotal, discountPct: 12.5, total: Math.round(listTotal * 0.875 * 100) / 100, date: '2026-11-29',
  };
}

async function measure(lines: number) {
  const data = offer(lines);
  await renderProposalPdf(data, defaultProposalTemplate); // warm-up (font metrics load once)
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const pdf = await renderProposalPdf(data, defaultProposalTemplate);
    times.push(performance.now() - t0);
    bytes = pdf.length;
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  return { lines, runs: RUNS, medianMs: pct(0.5), p95Ms: pct(0.95), maxMs: times[times.length - 1]!, bytes };
}

const results = [await measure(20), await measure(5), await measure(100)];
printTable(results.map((r) => ({ lines: r.lines, runs: r.runs, 'median ms': Number(r.medianMs.toFixed(1)), 'p95 ms': Number(r.p95Ms.toFixed(1)), 'max ms': Number(r.maxMs.toFixed(1)), 'PDF bytes': r.bytes })));
const twenty = results[0]!;
const met = twenty.p95Ms < GOAL_MS;
console.log(`20-line proposal: p95 ${twenty.p95Ms.toFixed(1)} ms (goal < ${GOAL_MS} ms) ${met ? 'met' : 'NOT met'}`);
const outDir = join(dirname(fileURLToPath(import.meta.url)), 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'proposal.json'), `${JSON.stringify({ bench: 'proposal', at: new Date().toISOString(), goalMs: GOAL_MS, met, results }, null, 2)}\n`);
