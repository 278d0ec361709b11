import {
  IconBolt, IconPlugConnected, IconBuildingSkyscraper, IconChartDots, IconChartBar, IconChecklist, IconHome, IconInbox, IconLayoutKanban, IconListSearch,
  IconFileImport, IconFileInvoice, IconMail, IconPackage, IconReceipt, IconRoute, IconSettings, IconUsersGroup,
} from '@tabler/icons-react';
import type { ComponentType } from 'react';

export interface NavItem { to: string; label: string; icon: ComponentType<{ size?: number; stroke?: number }>; description: string }

const item = {
  work: { to: '/work', label: 'My work', icon: IconHome, description: 'Your tasks and leads for today' },
  inbox: { to: '/inbox', label: 'Inbox', icon: IconInbox, description: 'Tasks: overdue, today, upcoming' },
  leads: { to: '/leads', label: 'Leads', icon: IconListSearch, description: 'Find and filter leads' },
  board: { to: '/board', label: 'Board', icon: IconLayoutKanban, description: 'Open leads by stage' },
  accounts: { to: '/accounts', label: 'Accounts', icon: IconBuildingSkyscraper, description: 'Companies and their contacts' },
  dashboard: { to: '/dashboard', label: 'Dashboard', icon: IconChartDots, description: 'Funnel, losses, cycle, velocity, forecast, stalled deals' },
  catalog: { to: '/catalog', label: 'Catalog', icon: IconPackage, description: 'Products, options and price lists' },
  orders: { to: '/orders', label: 'Orders', icon: IconReceipt, description: 'Orders of won leads and their status' },
  reports: { to: '/reports', label: 'Reports', icon: IconChartBar, description: 'Where sales stand: contacts, visits, offers, orders' },
  team: { to: '/team', label: 'Team', icon: IconUsersGroup, description: 'Your teams and their pipeline' },
  pipelines: { to: '/pipelines', label: 'Pipelines', icon: IconRoute, description: 'Design the lead pipelines' },
  rules: { to: '/rules', label: 'Rules', icon: IconChecklist, description: 'Scoring, routing and reminder rules' },
  live: { to: '/live', label: 'Live', icon: IconBolt, description: 'Leads moving through a pipeline now' },
  proposals: { to: '/proposals', label: 'Proposals', icon: IconFileInvoice, description: 'Proposal template and discount approval thresholds' },
  activities: { to: '/activities', label: 'Activities', icon: IconPlugConnected, description: 'Activity types developers\' workers serve, and whether they are online' },
  imports: { to: '/imports', label: 'Imports', icon: IconFileImport, description: 'Import lead lists from CSV files' },
  outbox: { to: '/outbox', label: 'Outbox', icon: IconMail, description: 'E-mail the pipelines sent' },
  admin: { to: '/admin', label: 'Admin', icon: IconSettings, description: 'Users, teams and settings' },
} satisfies Record<string, NavItem>;

/** The navbar of each role, in order; the first entry is where the role lands after sign-in. */
export const navByRole: Record<string, NavItem[]> = {
  rep: [item.work, item.inbox, item.leads, item.board, item.accounts],
  manager: [item.dashboard, item.team, item.work, item.inbox, item.leads, item.board, item.accounts, item.orders, item.reports],
  ops: [item.dashboard, item.pipelines, item.rules, item.live, item.activities, item.leads, item.accounts, item.orders, item.catalog, item.proposals, item.reports, item.imports, item.inbox, item.outbox],
  admin: [item.dashboard, item.admin, item.pipelines, item.rules, item.live, item.activities, item.leads, item.accounts, item.orders, item.catalog, item.proposals, item.team, item.reports, item.imports, item.outbox],
};

export const navFor = (role: string): NavItem[] => navByRole[role] ?? [item.work, item.inbox, item.leads];

/** Where `/` sends each role. */
export const homeOf = (role: string): string => navFor(role)[0]!.to;

