import { Anchor, Card, SimpleGrid, Text } from '@mantine/core';
import { Link } from 'react-router';
import { PageHeader } from '../../../components/PageHeader';
import { reportCatalog, reportNames } from '../api/reports';

/** `/reports`: the reports sales management asks for, one card each. */
export function ReportsPage() {
  return (
    <div className="page" data-testid="reports">
      <PageHeader title="Reports" description="Where sales stand, for your teams: every number opens the leads or accounts behind it." />
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
        {reportNames.map((name) => (
          <Card key={name} withBorder radius="md" padding="lg" data-testid="report-card">
            <Anchor component={Link} to={`/reports/${name}`} fw={600} size="lg">{reportCatalog[name].title}</Anchor>
            <Text size="sm" c="dimmed" mt={6}>{reportCatalog[name].question}</Text>
          </Card>
        ))}
      </SimpleGrid>
    </div>
  );
}
