import { ActionIcon, Alert, Anchor, Badge, Button, FileButton, Group, Paper, Stack, Text, Title, Tooltip } from '@mantine/core';
import { IconDownload, IconFileText, IconTrash, IconUpload } from '@tabler/icons-react';
import { formatDateTime } from '../../../lib/format';
import { downloadUrl, useDeleteDocument, useDocuments, useUploadDocument, type DocumentItem, type DocumentOwner } from '../api/documents';

const ACCEPT = '.pdf,.png,.jpg,.jpeg,.docx,.xlsx,.txt,.csv';
const sizeText = (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(0)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

/**
 * Documents of an object (and of related ones, e.g. a lead's offers): upload to the first owner, list, download,
 * delete. The server decides what may be seen and deleted; its refusals are shown as they come.
 */
export function DocumentsCard({ owners, testId = 'documents' }: { owners: DocumentOwner[]; testId?: string }) {
  const target = owners[0]!;
  const lists = useDocuments(owners);
  const upload = useUploadDocument(target);
  const remove = useDeleteDocument();
  const rows: { owner: DocumentOwner; doc: DocumentItem }[] = owners.flatMap((o, i) => (lists[i]?.data?.items ?? []).map((doc) => ({ owner: o, doc })));
  const failed = lists.find((q) => q.error)?.error;
  return (
    <Paper withBorder p="md" radius="md" data-testid={testId}>
      <Group justify="space-between" mb="sm">
        <Group gap={6}><Title order={3} fz="md">Documents</Title><Badge variant="light" color="gray" size="sm">{rows.length}</Badge></Group>
        <FileButton onChange={(f) => f && upload.mutate(f)} accept={ACCEPT}>
          {(props) => <Button {...props} size="compact-sm" variant="default" leftSection={<IconUpload size={14} />} loading={upload.isPending} data-testid="document-upload">Upload</Button>}
        </FileButton>
      </Group>
      {upload.error && <Alert color="red" mb="sm" title="Not uploaded" data-testid="document-error" withCloseButton onClose={() => upload.reset()}>{upload.error.message}</Alert>}
      {remove.error && <Alert color="red" mb="sm" title="Not deleted" withCloseButton onClose={() => remove.reset()}>{remove.error.message}</Alert>}
      {failed && <Alert color="red" mb="sm">{failed.message}</Alert>}
      {rows.length === 0 ? (
        <Group gap="xs"><IconFileText size={18} color="gray" /><Text size="sm" c="dimmed">No documents yet. PDF, images, Word, Excel, text and CSV files can be uploaded.</Text></Group>
      ) : (
        <Stack gap={6}>
          {rows.map(({ owner, doc }) => (
            <Group key={doc.id} justify="space-between" wrap="nowrap" gap="xs" data-testid="document-row">
              <div style={{ minWidth: 0 }}>
                <Group gap={6} wrap="nowrap">
                  <Anchor href={downloadUrl(doc.id)} size="sm" fw={500} truncate="end" data-testid="document-name">{doc.name}</Anchor>
                  {doc.kind === 'proposal' && <Badge size="xs" variant="light">proposal{doc.version ? ` v${doc.version}` : ''}</Badge>}
                </Group>
                <Text size="xs" c="dimmed">{owners.length > 1 ? `${owner.label} · ` : ''}{sizeText(doc.sizeBytes)} · {doc.createdByName ?? 'Leadflow'} · {formatDateTime(doc.createdAt)}</Text>
              </div>
              <Group gap={4} wrap="nowrap">
                <Tooltip label="Download"><ActionIcon component="a" href={downloadUrl(doc.id)} variant="subtle" aria-label={`Download ${doc.name}`}><IconDownload size={16} /></ActionIcon></Tooltip>
                <Tooltip label="Delete"><ActionIcon variant="subtle" color="red" aria-label={`Delete ${doc.name}`} loading={remove.isPending && remove.variables?.id === doc.id}
                  onClick={() => { if (window.confirm(`Delete ${doc.name}?`)) remove.mutate(doc); }}><IconTrash size={16} /></ActionIcon></Tooltip>
              </Group>
            </Group>
          ))}
        </Stack>
      )}
    </Paper>
  );
}
