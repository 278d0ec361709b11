import { Alert, Anchor, Badge, Button, Card, FileInput, Group, Loader, Progress, Stack, Table, Text } from '@mantine/core';
import { IconFileUpload } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { PageHeader } from '../../../components/PageHeader';
import { useImports, useUpload, type ImportView } from '../api/imports';

export const statusColor: Record<ImportView['status'], string> = {
  draft: 'gray', running: 'blue', paused: 'yellow', completed: 'green', cancelled: 'orange', failed: 'red',
};

/** Ops and admins upload lead lists (CSV) and follow their imports. */
export function ImportsPage() {
  const imports = useImports();
  const upload = useUpload();
  const navigate = useNavigate();
  const [file, setFile] = useState<File | null>(null);

  const send = async () => {
    if (!file) return;
    const draft = await upload.mutateAsync(file);
    void navigate(`/imports/${draft.id}`);
  };

  return (
    <div className="page page-wide">
      <PageHeader
        title="Imports"
        description="Import lead lists from CSV files (comma, semicolon or tab separated; UTF-8, UTF-16 or Windows-1252). You map the columns and see the first rows checked before anything is imported."
      />
      <Card withBorder mb="lg">
        <Group align="flex-end">
          <FileInput
            label="CSV file" placeholder="Choose a .csv file" accept=".csv,.txt,text/csv" value={file} onChange={setFile}
            leftSection={<IconFileUpload size={16} />} w={360} clearable
          />
          <Button onClick={() => void send()} disabled={!file} loading={upload.isPending}>Upload and preview</Button>
        </Group>
        {upload.isPending && <Text size="sm" c="dimmed" mt="xs">Uploading and reading the file…</Text>}
        {upload.error && <Alert color="red" mt="sm" title="The file cannot be imported">{upload.error.message}</Alert>}
      </Card>
      {imports.isLoading && <Loader />}
      {imports.error && <Alert color="red">{imports.error.message}</Alert>}
      {imports.data && imports.data.items.length === 0 && <Text c="dimmed">No imports yet. Upload a CSV file to start one.</Text>}
      {imports.data && imports.data.items.length > 0 && (
        <Table striped aria-label="Imports">
          <Table.Thead>
            <Table.Tr><Table.Th>File</Table.Th><Table.Th>List</Table.Th><Table.Th>Status</Table.Th><Table.Th>Progress</Table.Th><Table.Th>Rows</Table.Th><Table.Th>By</Table.Th><Table.Th>Uploaded</Table.Th></Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {imports.data.items.map((i) => (
              <Table.Tr key={i.id}>
                <Table.Td><Anchor component={Link} to={`/imports/${i.id}`}>{i.fileName}</Anchor></Table.Td>
                <Table.Td>{i.listName ?? '—'}</Table.Td>
                <Table.Td><Badge color={statusColor[i.status]}>{i.status}</Badge></Table.Td>
                <Table.Td w={160}><Stack gap={2}><Progress value={i.progress.fraction * 100} size="sm" /></Stack></Table.Td>
                <Table.Td>{i.progress.rowsDone.toLocaleString()} ({i.progress.failed.toLocaleString()} failed)</Table.Td>
                <Table.Td>{i.createdBy ?? '—'}</Table.Td>
                <Table.Td>{new Date(i.createdAt).toLocaleString()}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </div>
  );
}
