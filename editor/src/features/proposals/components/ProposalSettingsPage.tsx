import { Alert, Tabs } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../../components/PageHeader';
import { useUser } from '../../../lib/session';
import { ApprovalSettingsForm } from './ApprovalSettingsForm';
import { ProposalTemplateEditor } from './ProposalTemplateEditor';

/** Ops' proposal settings: the proposal template (with a live PDF preview) and the discount approval thresholds. */
export function ProposalSettingsPage() {
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'approval' ? 'approval' : 'template';
  if (user.role !== 'ops' && user.role !== 'admin') {
    return <div className="page"><PageHeader title="Proposals" /><Alert color="yellow">The proposal template and discount thresholds are set by ops.</Alert></div>;
  }
  return (
    <div className="page page-wide" data-testid="proposal-settings">
      <PageHeader title="Proposals" description="The PDF a customer receives when an offer is sent, and which discounts need a manager's approval." />
      <Tabs value={tab} onChange={(v) => setParams(v === 'approval' ? { tab: 'approval' } : {}, { replace: true })} mb="md" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="template">Proposal template</Tabs.Tab>
          <Tabs.Tab value="approval">Discount approval</Tabs.Tab>
        </Tabs.List>
      </Tabs>
      {tab === 'template' ? <ProposalTemplateEditor /> : <ApprovalSettingsForm />}
    </div>
  );
}
