import { Alert, Tabs } from '@mantine/core';
import { IconHome, IconKey, IconListDetails, IconMail, IconMailCode, IconUsers, IconUsersGroup, IconHistory, IconWebhook } from '@tabler/icons-react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { PageHeader } from '../../../components/PageHeader';
import { useUser } from '../../../lib/session';

export const adminTabs = [
  { to: '/admin', label: 'Overview', icon: IconHome },
  { to: '/admin/users', label: 'Users', icon: IconUsers },
  { to: '/admin/teams', label: 'Teams', icon: IconUsersGroup },
  { to: '/admin/api-keys', label: 'API keys', icon: IconKey },
  { to: '/admin/webhooks', label: 'Webhooks', icon: IconWebhook },
  { to: '/admin/constants', label: 'Constants', icon: IconListDetails },
  { to: '/admin/mail', label: 'Mail', icon: IconMail },
  { to: '/admin/templates', label: 'Templates', icon: IconMailCode },
  { to: '/admin/audit', label: 'Audit log', icon: IconHistory },
] as const;

/** The admin area: one header, a tab per screen, the screen below. */
export function AdminLayout() {
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const user = useUser();
  if (user.role !== 'admin') {
    return (
      <div className="page" data-testid="admin">
        <PageHeader title="Administration" />
        <Alert color="yellow" title="For admins only">Users, keys, constants and the audit log are managed by an admin. Your own password and notifications are under Your settings in the user menu.</Alert>
      </div>
    );
  }
  const current = adminTabs.find((t) => t.to !== '/admin' && pathname.startsWith(t.to))?.to ?? '/admin';
  return (
    <div className="page page-wide" data-testid="admin">
      <PageHeader title="Administration" description="Users, teams, partner keys, webhooks, constants, the mail switch, e-mail templates and the audit log." />
      <Tabs value={current} onChange={(v) => v && navigate(v)} mb="md" keepMounted={false}>
        <Tabs.List>
          {adminTabs.map((t) => <Tabs.Tab key={t.to} value={t.to} leftSection={<t.icon size={16} />}>{t.label}</Tabs.Tab>)}
        </Tabs.List>
      </Tabs>
      <Outlet />
    </div>
  );
}
