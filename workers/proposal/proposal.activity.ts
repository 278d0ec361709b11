import { ApplicationFailure } from '@temporalio/activity';
import { documentStoreFromEnv, saveDocument } from '../../db/documents';
import { merge } from '../../engine/proposal/template';
import type { ActivityDeps } from '../deps';
import { recordEvent } from '../lead/events';
import { sendOutboxMessage } from '../mail/outbox-send';
import { loadProposalData, loadProposalTemplate } from './data';
import { mergeValues, renderProposalPdf } from './render';

/** Id of the proposal document of an offer version: the same render twice finds the first one. */
export const proposalDocumentId = (offerId: string, version: number) => `proposal-${offerId}-v${version}`;
/** Outbox key of the proposal mail: one per offer version, however often the activity runs. */
export const proposalMailKey = (offerId: string, version: number) => `proposal:${offerId}:v${version}`;

/**
 * The proposal of an offer set to sent: render the PDF into the offer's documents (one version per offer version),
 * then mail it to the contact through the outbox (claimed before sending, so a retry never sends twice).
 */
export function createProposalActivities(deps: ActivityDeps) {
  const { sql } = deps;
  const store = deps.documents ?? documentStoreFromEnv();
  return {
    async renderProposal(a: { leadId: string; offerId: string; by: string }): Promise<{ documentId: string; version: number }> {
      const data = await loadProposalData(sql, a.offerId);
      if (!data || data.leadId !== a.leadId) throw ApplicationFailure.nonRetryable(`offer ${a.offerId} not found on lead ${a.leadId}`, 'InvalidInput');
      const documentId = proposalDocumentId(a.offerId, data.version);
      const [existing] = await sql`select 1 from documents where id = ${documentId}`;
      if (existing) return { documentId, version: data.version };
      const template = await loadProposalTemplate(sql);
      const pdf = await renderProposalPdf(data, template);
      // The customer reads this name on the attachment: the account and the offer's version, no internal ids.
      const name = `${['Proposal', data.accountName.replace(/[^\p{L}\p{N} ._-]/gu, '').trim().slice(0, 60), `v${data.version}`].filter(Boolean).join(' ')}.pdf`;
      // The PDF first (in the bucket with the S3 store), then its row and the lead event in one transaction; a
      // concurrent run that committed first keeps its document and this one's object is deleted again.
      await saveDocument(sql, store, { id: documentId, ownerType: 'offer', ownerId: a.offerId, kind: 'proposal', name, contentType: 'application/pdf', content: pdf, version: data.version, createdBy: null }, async (tx) => {
        await recordEvent(tx as never, { key: `${a.leadId}:proposal:${a.offerId}:v${data.version}`, leadId: a.leadId, type: 'proposal_rendered', actor: a.by, context: { offerId: a.offerId, version: data.version, documentId, sizeBytes: pdf.length } });
      });
      return { documentId, version: data.version };
    },

    async sendProposal(a: { leadId: string; offerId: string; documentId: string; version: number }): Promise<{ status: string }> {
      const data = await loadProposalData(sql, a.offerId);
      if (!data) throw ApplicationFailure.nonRetryable(`offer ${a.offerId} not found`, 'InvalidInput');
      const template = await loadProposalTemplate(sql);
      const values = mergeValues({ ...data, version: a.version }, template);
      return sendOutboxMessage(deps, {
        key: proposalMailKey(a.offerId, a.version), leadId: a.leadId, to: data.contactEmail, recipient: 'contact', template: 'proposal',
        subject: `${merge(template.title, values)} (offer ${values['offer.number']})`,
        text: `${merge(template.intro, values)}\n\nPlease find the proposal attached (${values['offer.total']}).\n\n${merge(template.closing, values)}\n`,
        attachments: [{ documentId: a.documentId }],
      });
    },
  };
}
