import { Alert, Button, Grid, Group, NumberInput, Paper, Select, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { ApiError } from '../../../lib/api';
import { previewPdf, usePreviewOffers, useProposalTemplate, useSaveProposalTemplate, type ProposalTemplate } from '../api/proposals';

/** The proposal template with a live preview: the PDF of a chosen offer, rendered with the text as it is typed. */
export function ProposalTemplateEditor() {
  const stored = useProposalTemplate();
  const save = useSaveProposalTemplate();
  const offers = usePreviewOffers('');
  const [draft, setDraft] = useState<ProposalTemplate | null>(null);
  const [offerId, setOfferId] = useState<string | null>(null);
  const [pdfUrl, setPdfUrl] = useState<string | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [debounced] = useDebouncedValue(draft, 600);

  useEffect(() => {
    if (stored.data && !draft) setDraft({ title: stored.data.title, intro: stored.data.intro, closing: stored.data.closing, validityDays: stored.data.validityDays });
  }, [stored.data, draft]);
  useEffect(() => {
    if (!offerId && offers.data?.items[0]) setOfferId(offers.data.items[0].offerId);
  }, [offers.data, offerId]);
  useEffect(() => {
    if (!debounced || !offerId) return;
    const ctl = new AbortController();
    // The shown PDF stays until its successor is ready (a refused edit keeps the last good preview).
    previewPdf(offerId, debounced, ctl.signal)
      .then((u) => { setPdfUrl((old) => { if (old) URL.revokeObjectURL(old); return u; }); setPreviewError(null); })
      .catch((err: Error) => { if (err.name !== 'AbortError') setPreviewError(err.message); });
    return () => ctl.abort();
  }, [debounced, offerId]);

  if (stored.error) return <Alert color="red">{stored.error.message}</Alert>;
  if (!draft || !stored.data) return null;
  const errors = save.error instanceof ApiError ? save.error.fieldErrors : {};
  const set = (patch: Partial<ProposalTemplate>) => { save.reset(); setDraft({ ...draft, ...patch }); };
  return (
    <Grid gap="md" data-testid="proposal-template">
      <Grid.Col span={{ base: 12, lg: 5 }}>
        <Stack gap="sm">
          <TextInput label="Title" value={draft.title} onChange={(e) => set({ title: e.currentTarget.value })} error={errors.title} data-testid="template-title" />
          <Textarea label="Opening" autosize minRows={4} value={draft.intro} onChange={(e) => set({ intro: e.currentTarget.value })} error={errors.intro} />
          <Text size="xs" c="dimmed">The lines, list price, discount and total are printed as a table between opening and closing.</Text>
          <Textarea label="Closing" autosize minRows={4} value={draft.closing} onChange={(e) => set({ closing: e.currentTarget.value })} error={errors.closing} />
          <NumberInput label="Valid for (days)" min={1} max={365} value={draft.validityDays} onChange={(v) => set({ validityDays: Number(v) || 1 })} error={errors.validityDays} w={160} />
          {save.error && <Alert color="red" data-testid="template-error">{save.error.message}</Alert>}
          {save.isSuccess && <Alert color="green">Saved. Offers sent from now on use this template.</Alert>}
          <Group><Button onClick={() => save.mutate(draft)} loading={save.isPending} data-testid="template-save">Save template</Button></Group>
          <Paper withBorder p="sm" radius="sm">
            <Text size="sm" fw={600} mb={4}>Merge fields</Text>
            <Stack gap={2}>{stored.data.fields.map((f) => <Text key={f.name} size="xs"><code>{`{{ ${f.name} }}`}</code> — {f.description}</Text>)}</Stack>
          </Paper>
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 7 }}>
        <Stack gap="xs">
          <Group justify="space-between">
            <Title order={4} fz="sm">Preview</Title>
            <Select size="xs" w={320} placeholder={offers.data?.items.length ? 'Offer to preview' : 'No offers yet'} value={offerId} onChange={setOfferId} searchable
              data={(offers.data?.items ?? []).map((o) => ({ value: o.offerId, label: `${o.leadName} · v${o.version} · ${o.total.toFixed(2)} ${o.currency}` }))} data-testid="preview-offer" />
          </Group>
          {previewError && <Alert color="yellow" title="Preview not updated">{previewError}</Alert>}
          {pdfUrl ? <iframe title="Proposal preview" src={pdfUrl} style={{ width: '100%', height: 720, border: '1px solid var(--mantine-color-gray-3)', borderRadius: 4 }} data-testid="preview-frame" />
            : <Text size="sm" c="dimmed">{offers.data?.items.length ? 'Rendering…' : 'Create an offer on a lead to preview the proposal with real figures.'}</Text>}
        </Stack>
      </Grid.Col>
    </Grid>
  );
}
