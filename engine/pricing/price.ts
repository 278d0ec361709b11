import { toCents } from '../lead/bounds';
import type { Adjustment, PricedLine } from './schemas';

/**
 * Prices one configuration from list prices and the price adjustments the configurator rules matched (pure, no I/O:
 * the API's quote and the offer path call it with what they loaded).
 *
 * - list unit price = product price + the prices of its options (from the price list);
 * - percent adjustments of the matched rules add up (−10 % and −5 % give −15 %), and so does the rep's extra
 *   `discountPct`; the net unit price is rounded to cents and the line total is quantity × net unit price;
 * - a positive fixed amount (a set-up fee) becomes a line of its own; a negative one (a credit) lowers the unit price;
 * - a manual unit price replaces the computed one (rule percents no longer apply; fees still do);
 * - a rep's discount or manual price may not go below the floor: list × (1 − maxDiscountPct / 100).
 *
 * Each adjustment carries the rule behind it and its effect on the line total, so the lines add up to the total.
 *
 * @example
 * ```ts
 * const r = priceItems([{ productId: 'crm-suite', productName: 'CRM Suite', options: [], quantity: 10, listUnitPrice: 40,
 *   adjustments: [{ rule: 'volume', label: 'Volume', percent: -10 }] }], { maxDiscountPct: 20 });
 * r.lines[0].total; // 360
 * ```
 */
export interface PricingItem {
  productId: string;
  productName: string;
  options: { code: string; name: string }[];
  quantity: number;
  /** Product price plus option prices. */
  listUnitPrice: number;
  /** The matched rules' price adjustments, in rule-set order. */
  adjustments: { rule: string; label: string; percent?: number; amount?: number }[];
  discountPct?: number;
  unitPrice?: number;
}

export interface PricingProblem { path: string; message: string }

export function priceItems(items: readonly PricingItem[], opts: { maxDiscountPct: number }): { lines: PricedLine[]; problems: PricingProblem[] } {
  const lines: PricedLine[] = [];
  const problems: PricingProblem[] = [];
  items.forEach((it, index) => {
    const listUnit = toCents(it.listUnitPrice);
    const listTotal = toCents(listUnit * it.quantity);
    const percents = it.adjustments.filter((a) => a.percent !== undefined);
    const credits = it.adjustments.filter((a) => a.percent === undefined && (a.amount ?? 0) < 0);
    const fees = it.adjustments.filter((a) => a.percent === undefined && (a.amount ?? 0) > 0);
    const manual = it.unitPrice !== undefined;
    let unit: number;
    const shares: { rule: string; label: string; percent?: number; amount: number }[] = [];
    if (manual) {
      unit = it.unitPrice!;
      shares.push({ rule: 'manual', label: 'Manual price', amount: 0 });
    } else {
      const pct = percents.reduce((s, a) => s + a.percent!, 0) - (it.discountPct ?? 0);
      const credit = credits.reduce((s, a) => s + a.amount!, 0);
      unit = Math.max(0, toCents(listUnit * (1 + pct / 100) + credit / it.quantity));
      for (const a of percents) shares.push({ rule: a.rule, label: a.label, percent: a.percent!, amount: toCents(listTotal * a.percent! / 100) });
      if (it.discountPct) shares.push({ rule: 'discount', label: `Extra discount ${it.discountPct} %`, percent: -it.discountPct, amount: toCents(-listTotal * it.discountPct / 100) });
      for (const a of credits) shares.push({ rule: a.rule, label: a.label, amount: a.amount! });
    }
    const total = toCents(unit * it.quantity);
    // Rounding to cents per unit: the last adjustment takes the remainder, so list total + adjustments = line total.
    const rest = toCents(total - listTotal - shares.reduce((s, a) => s + a.amount, 0));
    if (shares.length) shares[shares.length - 1]!.amount = toCents(shares[shares.length - 1]!.amount + rest);
    const floor = toCents(listUnit * (1 - opts.maxDiscountPct / 100));
    if ((manual || it.discountPct) && unit < floor) {
      const field = manual ? 'unitPrice' : 'discountPct';
      problems.push({
        path: `configuration.items.${index}.${field}`,
        message: `${it.productName}: ${unit.toFixed(2)} per unit is below the price list's floor of ${floor.toFixed(2)} (at most ${opts.maxDiscountPct} % below the list price ${listUnit.toFixed(2)})`,
      });
    }
    lines.push({
      item: index, source: manual ? 'manual' : 'catalog', product: it.productId, productId: it.productId, productName: it.productName,
      options: it.options.map((o) => o.code), optionNames: it.options.map((o) => o.name), quantity: it.quantity,
      listUnitPrice: listUnit, unitPrice: unit, listTotal, total, adjustments: shares.map(clean),
    });
    for (const f of fees) {
      const amount = toCents(f.amount!);
      lines.push({
        item: index, source: 'fee', product: `${it.productId}:${f.rule}`, productId: it.productId, productName: f.label, options: [], optionNames: [], quantity: 1,
        listUnitPrice: amount, unitPrice: amount, listTotal: amount, total: amount, adjustments: [{ rule: f.rule, label: f.label, amount }],
      });
    }
  });
  return { lines, problems };
}

function clean(a: { rule: string; label: string; percent?: number; amount: number }): Adjustment {
  return a.percent === undefined ? { rule: a.rule, label: a.label, amount: a.amount } : { rule: a.rule, label: a.label, percent: a.percent, amount: a.amount };
}

/** Totals of priced lines: list total (before any adjustment), total, and the overall discount in percent. */
export function quoteTotals(lines: readonly PricedLine[]): { listTotal: number; total: number; discountPct: number } {
  const listTotal = toCents(lines.reduce((s, l) => s + l.listTotal, 0));
  const total = toCents(lines.reduce((s, l) => s + l.total, 0));
  const discountPct = listTotal > 0 ? Math.round(((listTotal - total) / listTotal) * 10_000) / 100 : 0;
  return { listTotal, total, discountPct };
}

/** The market segment of an account by its size: the `segment` fact of configurator rules. */
export function segmentOf(companySize: number | null | undefined): 'enterprise' | 'mid-market' | 'smb' | undefined {
  if (companySize == null) return undefined;
  return companySize >= 1000 ? 'enterprise' : companySize >= 100 ? 'mid-market' : 'smb';
}
