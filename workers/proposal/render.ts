import PDFDocument from 'pdfkit';
import { merge, type MergeField, type ProposalTemplate } from '../../engine/proposal/template';

/** Everything a proposal shows, read from the offer, its lead, account, contact and owner. */
export interface ProposalData {
  leadId: string;
  offerId: string;
  version: number;
  currency: string;
  accountName: string;
  accountCountry: string | null;
  contactName: string;
  contactEmail: string | null;
  repName: string | null;
  repEmail: string | null;
  lines: { product: string; options: string[]; quantity: number; unitPrice: number; total: number }[];
  listTotal: number | null;
  discountPct: number;
  total: number;
  /** The day the offer is sent (YYYY-MM-DD). */
  date: string;
}

const money = (v: number, currency: string) => `${currency} ${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The merge field values of a proposal. */
export function mergeValues(d: ProposalData, t: ProposalTemplate): Record<MergeField, string> {
  return {
    'account.name': d.accountName, 'account.country': d.accountCountry ?? '', 'contact.name': d.contactName, 'contact.email': d.contactEmail ?? '',
    'offer.number': `${d.leadId}-v${d.version}`, 'offer.version': String(d.version), 'offer.date': d.date, 'offer.valid_until': addDays(d.date, t.validityDays),
    'offer.list_total': money(d.listTotal ?? d.total, d.currency), 'offer.discount_pct': `${d.discountPct}%`, 'offer.total': money(d.total, d.currency),
    'offer.currency': d.currency, 'offer.line_count': String(d.lines.length), 'rep.name': d.repName ?? '', 'rep.email': d.repEmail ?? '',
  };
}

/**
 * Renders the proposal PDF: the template's title and texts with merge fields, the lines as a table and the totals.
 * Fonts are pdfkit's built-in ones (no files to ship). Deterministic apart from the PDF's creation date.
 * @example const pdf = await renderProposalPdf(data, defaultProposalTemplate); // Buffer starting with %PDF
 */
export function renderProposalPdf(d: ProposalData, t: ProposalTemplate): Promise<Buffer> {
  const values = mergeValues(d, t);
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: merge(t.title, values), Author: d.repName ?? 'Leadflow', Subject: `Offer ${values['offer.number']}` } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;

  doc.font('Helvetica-Bold').fontSize(18).text(merge(t.title, values), { width });
  doc.moveDown(0.3).font('Helvetica').fontSize(9).fillColor('#555')
    .text(`Offer ${values['offer.number']} · ${values['offer.date']} · valid until ${values['offer.valid_until']}`, { width });
  doc.text(`For ${d.contactName}${d.contactEmail ? ` <${d.contactEmail}>` : ''}, ${d.accountName}${d.accountCountry ? ` (${d.accountCountry})` : ''}`, { width });
  doc.fillColor('#000').moveDown(1).fontSize(11);
  if (t.intro.trim()) doc.text(merge(t.intro, values), { width }).moveDown(1);

  // Lines: product (with options), quantity, unit price, total.
  const cols = [{ w: width * 0.48, label: 'Product', align: 'left' as const }, { w: width * 0.1, label: 'Qty', align: 'right' as const },
    { w: width * 0.2, label: 'Unit price', align: 'right' as const }, { w: width * 0.22, label: 'Total', align: 'right' as const }];
  const row = (cells: string[], bold = false) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(10);
    const heights = cells.map((c, i) => doc.heightOfString(c, { width: cols[i]!.w - 6 }));
    const h = Math.max(...heights) + 6;
    if (doc.y + h > doc.page.height - doc.page.margins.bottom) doc.addPage();
    const y = doc.y;
    let x = left;
    cells.forEach((c, i) => {
      doc.text(c, x + 3, y + 3, { width: cols[i]!.w - 6, align: cols[i]!.align });
      x += cols[i]!.w;
    });
    doc.moveTo(left, y + h).lineTo(left + width, y + h).strokeColor('#ccc').lineWidth(0.5).stroke();
    doc.x = left;
    doc.y = y + h;
  };
  row(cols.map((c) => c.label), true);
  for (const l of d.lines) {
    const product = l.options.length ? `${l.product}\n  ${l.options.join(', ')}` : l.product;
    row([product, String(l.quantity), money(l.unitPrice, d.currency), money(l.total, d.currency)]);
  }
  doc.moveDown(0.8);
  const totals: [string, string][] = [];
  if (d.listTotal !== null && d.listTotal !== d.total) {
    totals.push(['List price total', money(d.listTotal, d.currency)], [`Discount (${d.discountPct}%)`, `- ${money(d.listTotal - d.total, d.currency)}`]);
  }
  totals.push(['Total', money(d.total, d.currency)]);
  for (const [label, value] of totals) {
    const y = doc.y;
    doc.font(label === 'Total' ? 'Helvetica-Bold' : 'Helvetica').fontSize(label === 'Total' ? 12 : 10);
    doc.text(label, left + width * 0.5, y, { width: width * 0.28, align: 'right' });
    doc.text(value, left + width * 0.78, y, { width: width * 0.22, align: 'right' });
    doc.x = left;
  }
  doc.moveDown(1.5).font('Helvetica').fontSize(11);
  if (t.closing.trim()) doc.text(merge(t.closing, values), left, doc.y, { width });
  doc.end();
  return done;
}
