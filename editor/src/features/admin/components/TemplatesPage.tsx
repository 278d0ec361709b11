import { Alert, Badge, Button, Card, Grid, Group, NavLink, ScrollArea, Select, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconEye, IconSend } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ApiError } from '../../../lib/api';
import { previewTemplate, testSendTemplate, useLeadOptions, useSaveTemplate, useTemplates, type MailTemplate, type RenderedMail } from '../api/templates';

const mono = { input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12, lineHeight: 1.5 } };

/** A searchable select of leads the admin may see; the preview and the test mail are rendered on the chosen one. */
function LeadPicker({ value, onChange }: { value: string | null; onChange(id: string | null): void }) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 250);
  const leads = useLeadOptions(q);
  const [chosen, setChosen] = useState<{ value: string; label: string }>();
  const data = useMemo(() => {
    const rows = (leads.data ?? []).map((l) => ({ value: l.id, label: l.company ? `${l.name} (${l.company})` : l.name }));
    return chosen && !rows.some((r) => r.value === chosen.value) ? [chosen, ...rows] : rows;
  }, [leads.data, chosen]);
  return (
    <Select label="Lead" placeholder="Choose a lead to render on" searchable clearable w={320} data={data} value={value} onSearchChange={setSearch}
      nothingFoundMessage={leads.isFetching ? 'Searching…' : 'No lead found'} filter={({ options }) => options}
      onChange={(v, option) => { onChange(v); setChosen(v && option ? { value: v, label: option.label } : undefined); }} />
  );
}

function Editor({ template, leadId, setLeadId }: { template: MailTemplate; leadId: string | null; setLeadId(id: string | null): void }) {
  const [subject, setSubject] = useState(template.subject);
  const [text, setText] = useState(template.text);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [refusal, setRefusal] = useState<string>();
  const [preview, setPreview] = useState<RenderedMail>();
  const [previewError, setPreviewError] = useState<string>();
  const [busy, setBusy] = useState<'preview' | 'send'>();
  const save = useSaveTemplate();
  const dirty = subject !== template.subject || text !== template.text;
  const fail = (err: unknown) => {
    const e = err instanceof ApiError ? err : new ApiError(0, String(err));
    const byField: Record<string, string> = {};
    for (const p of e.problems) {
      const key = p.path.replace(/^body\./, '');
      byField[key] = byField[key] ? `${byField[key]}; ${p.message}` : p.message;
    }
    setProblems(byField);
    return e;
  };
  const onSave = () => {
    setRefusal(undefined);
    save.mutate({ name: template.name, body: { subject, text, html: template.html } }, {
      onSuccess: () => { setProblems({}); notifications.show({ color: 'green', message: `Template "${template.name}" saved` }); },
      onError: (err) => setRefusal(fail(err).message),
    });
  };
  const onPreview = async () => {
    if (!leadId) return;
    setBusy('preview');
    setPreviewError(undefined);
    try {
      setPreview(await previewTemplate(template.name, { leadId, subject, text, html: template.html }));
      setProblems({});
    } catch (err) {
      setPreview(undefined);
      setPreviewError(fail(err).message);
    } finally {
      setBusy(undefined);
    }
  };
  const onTestSend = async () => {
    if (!leadId) return;
    setBusy('send');
    try {
      const r = await testSendTemplate(template.name, { leadId, requestId: crypto.randomUUID() });
      notifications.show({ color: 'green', title: 'Test mail written to the outbox', message: `${r.subject} → ${r.to} (${r.status})` });
    } catch (err) {
      notifications.show({ color: 'red', title: 'Not sent', message: (err as Error).message });
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <Stack gap="sm" data-testid="template-editor">
      <Group justify="space-between">
        <Group gap="xs">
          <Title order={3} fz="md" ff="monospace">{template.name}</Title>
          {template.edited ? <Badge color="blue" variant="light">edited</Badge> : <Badge color="gray" variant="light">built-in text</Badge>}
          {dirty && <Badge color="orange" variant="light">unsaved</Badge>}
        </Group>
        <Group gap="xs">
          {template.builtin && (template.builtin.subject !== subject || template.builtin.text !== text) && (
            <Button variant="subtle" size="xs" onClick={() => { setSubject(template.builtin!.subject); setText(template.builtin!.text); }}>Restore the built-in text</Button>
          )}
          <Button size="xs" disabled={!dirty} loading={save.isPending} onClick={onSave}>Save</Button>
        </Group>
      </Group>
      <TextInput label="Subject" value={subject} onChange={(e) => setSubject(e.currentTarget.value)} error={problems.subject} styles={mono} />
      <Textarea label="Body (plain text)" description="Liquid: {{ lead.name }}, {{ lead.company }}, {{ recipient.name }}, {{ owner.name }}, {{ app_url }}, {% if … %}…{% endif %}"
        autosize minRows={8} maxRows={22} value={text} onChange={(e) => setText(e.currentTarget.value)} error={problems.text} styles={mono} spellCheck={false} />
      {template.html && <Text size="xs" c="dimmed">This template also has an HTML body; it is kept as it is.</Text>}
      {refusal && <Alert color="red" title="Not saved" data-testid="template-refusal">{refusal}</Alert>}
      <Card withBorder radius="md" padding="sm">
        <Group align="flex-end" gap="sm">
          <LeadPicker value={leadId} onChange={(v) => { setLeadId(v); setPreview(undefined); }} />
          <Button variant="light" leftSection={<IconEye size={16} />} disabled={!leadId} loading={busy === 'preview'} onClick={() => void onPreview()}>Preview</Button>
          <Button variant="default" leftSection={<IconSend size={16} />} disabled={!leadId || dirty} loading={busy === 'send'} onClick={() => void onTestSend()}
            title={dirty ? 'Save first: the test mail uses the saved template' : 'Sends the saved template, rendered on this lead, to you'}>Send me a test</Button>
        </Group>
        {previewError && <Alert color="red" mt="sm">{previewError}</Alert>}
        {preview && (
          <Stack gap={4} mt="sm" data-testid="template-preview">
            <Text size="xs" c="dimmed">To the lead's owner{preview.to ? ` (${preview.to})` : ''}</Text>
            <Text fw={650} size="sm" data-testid="preview-subject">{preview.subject}</Text>
            <Text component="pre" size="sm" ff="monospace" style={{ whiteSpace: 'pre-wrap', margin: 0 }} data-testid="preview-text">{preview.text}</Text>
          </Stack>
        )}
      </Card>
    </Stack>
  );
}

/** E-mail templates: pick one, edit its liquid subject and body, preview it on a lead, send yourself a test. */
export function TemplatesPage() {
  const templates = useTemplates();
  const [params, setParams] = useSearchParams();
  const items = templates.data ?? [];
  const name = params.get('template') ?? items[0]?.name;
  const current = items.find((t) => t.name === name);
  // The chosen lead stays when switching templates or after a save.
  const [leadId, setLeadId] = useState<string | null>(null);
  useEffect(() => {
    if (!params.get('template') && items[0]) setParams({ template: items[0].name }, { replace: true });
  }, [items, params, setParams]);
  return (
    <Grid data-testid="admin-templates-page">
      <Grid.Col span={{ base: 12, md: 3 }}>
        {templates.error && <Alert color="red">{templates.error.message}</Alert>}
        <ScrollArea.Autosize mah={640}>
          {items.map((t) => (
            <NavLink key={t.name} active={t.name === name} label={<Text size="sm" ff="monospace">{t.name}</Text>} description={<Text size="xs" lineClamp={1}>{t.subject}</Text>}
              rightSection={t.edited ? <Badge size="xs" variant="light">edited</Badge> : undefined} onClick={() => setParams({ template: t.name })} />
          ))}
        </ScrollArea.Autosize>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 9 }}>
        {current && <Editor key={`${current.name}:${current.updatedAt ?? ''}`} template={current} leadId={leadId} setLeadId={setLeadId} />}
      </Grid.Col>
    </Grid>
  );
}
