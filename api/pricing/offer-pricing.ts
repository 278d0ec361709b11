import type { Sql } from '../../db/client';
import { catalogInUse } from '../../db/catalog';
import { PricingError, quoteConfiguration, type QuoteContext } from '../../db/pricing';
import type { OfferLineInput, OfferPricingInput } from '../../engine/lead/messages';
import type { Configuration, PricedLine, Quote } from '../../engine/pricing/schemas';
import type { AuthUser } from '../auth/types';
import { DomainError } from '../errors';

/** Who may set a manual price or add a line outside the catalog. */
export const canPriceManually = (u: Pick<AuthUser, 'role'>) => u.role === 'manager' || u.role === 'ops' || u.role === 'admin';

/** 403 naming the first manual price or free line of a user without the pricing permission. */
export function assertPricingPermission(user: AuthUser, conf: Configuration, prefix = 'configuration'): void {
  if (canPriceManually(user)) return;
  const manual = conf.items.findIndex((i) => i.unitPrice !== undefined);
  const path = manual >= 0 ? `${prefix}.items.${manual}.unitPrice` : conf.freeLines.length ? `${prefix}.freeLines.0` : undefined;
  if (path) {
    throw new DomainError('forbidden', `${path}: a manual price or a line outside the catalog needs the pricing permission (managers, ops and admins)`,
      [{ path: `body.${path}`, message: 'needs the pricing permission' }]);
  }
}

/** Runs the quote, mapping input problems (unknown product, archived option, …) to 422 naming the field. */
export async function quoteOr422(sql: Sql, conf: Configuration, leadId: string, context?: QuoteContext): Promise<Quote & { problems: { path: string; message: string }[] }> {
  try {
    return await quoteConfiguration(sql, conf, context ? { leadId, context } : { leadId });
  } catch (err) {
    if (err instanceof PricingError) throw new DomainError('unprocessable', `${err.path}: ${err.message}`, err.problems.map((p) => ({ path: `body.${p.path}`, message: p.message })));
    throw err;
  }
}

const toLine = (l: PricedLine): OfferLineInput => ({
  product: l.product, options: l.options, quantity: l.quantity, unitPrice: l.unitPrice,
  productId: l.productId ?? undefined, productName: l.productName, optionNames: l.optionNames, listUnitPrice: l.listUnitPrice, source: l.source, adjustments: l.adjustments,
});

/**
 * The offer's lines and totals, priced on the server from the catalog and the rules (the client's prices are not
 * trusted): 403 for a manual price without the permission, 422 for a rule violation (each named with its rule) or a
 * price below the floor (naming the field).
 */
export async function pricedOffer(sql: Sql, user: AuthUser, leadId: string, conf: Configuration): Promise<{ lines: OfferLineInput[]; currency: string; pricing: OfferPricingInput }> {
  assertPricingPermission(user, conf);
  const q = await quoteOr422(sql, conf, leadId);
  if (!q.valid) {
    throw new DomainError('unprocessable', `configuration: ${q.violations.map((v) => `${v.productId}: ${v.description} (rule ${v.rule})`).join('; ')}`,
      q.violations.map((v) => ({ path: `body.configuration.items.${v.item}`, message: `${v.description} (rule ${v.rule})` })));
  }
  if (q.problems.length) throw new DomainError('unprocessable', q.problems.map((p) => `${p.path}: ${p.message}`).join('; '), q.problems.map((p) => ({ path: `body.${p.path}`, message: p.message })));
  return {
    lines: q.lines.map(toLine), currency: q.currency,
    pricing: { listTotal: q.listTotal, discountPct: q.discountPct, priceListId: q.priceList.id, contractMonths: conf.contractMonths ?? null },
  };
}

/** Lines typed by hand: once the catalog is in use they are free lines, which need the pricing permission. */
export async function freeLinesAllowed(sql: Sql, user: AuthUser, lines: readonly OfferLineInput[]): Promise<OfferLineInput[]> {
  if (!canPriceManually(user) && await catalogInUse(sql)) {
    throw new DomainError('forbidden', 'lines: offers come from the catalog (send a configuration); lines typed by hand need the pricing permission (managers, ops and admins)',
      [{ path: 'body.lines', message: 'needs the pricing permission' }]);
  }
  return lines.map((l) => ({ ...l, source: 'free' as const }));
}
