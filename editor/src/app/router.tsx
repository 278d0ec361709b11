// The app's routes (react-router v7, data mode: createBrowserRouter).
//
// For page authors: read URL params with `useParams()` from 'react-router' (e.g. `const { id } = useParams()` in
// AccountPage for `/accounts/:id`), search params with `useSearchParams()`, navigate with `useNavigate()` or
// `<Link to>` / Mantine's `component={Link}`. Pages render inside the shell's scrolling area; wrap content in
// `<div className="page">` (or `page page-wide`) for the standard width and padding.
//
// Chosen over TanStack Router: the routes here are few and flat, the pages take params as plain strings, and its
// declarative routes need no code generation or route-tree typing while the screens are being written in parallel.
import { Center, Loader } from '@mantine/core';
import { lazy } from 'react';
import { createBrowserRouter, Navigate, Outlet, useParams, type RouteObject } from 'react-router';
import { InboxPage } from '../features/inbox/components/InboxPage';
import { MyWorkPage } from '../features/inbox/components/MyWorkPage';
import { LeadFinderPage } from '../features/leads/components/LeadFinderPage';
import { LeadPage } from '../features/leads/components/LeadPage';
import { useSession } from '../lib/session';
import { setNavigator } from '../lib/router';
import { LoginPage } from '../pages/Login';
import { NotFoundPage } from '../pages/NotFound';
import { OutboxPage } from '../pages/OutboxPage';
import { PipelineList } from '../pipeline/PipelineList';
import { RuleSetList } from '../rules/RuleSetList';
import { homeOf } from './nav';
import { Shell } from './Shell';

// The canvas screens (React Flow, dagre, the rule builder) and the chart-heavy pages load on first use, so a rep's
// work, lead list and lead pages paint fast.
const PipelineDesigner = lazy(() => import('../pipeline/PipelineDesigner').then((m) => ({ default: m.PipelineDesigner })));
const RuleSetEditor = lazy(() => import('../rules/RuleSetEditor').then((m) => ({ default: m.RuleSetEditor })));
const AccountPage = lazy(() => import('../features/accounts/components/AccountPage').then((m) => ({ default: m.AccountPage })));
const AccountsPage = lazy(() => import('../features/accounts/components/AccountsPage').then((m) => ({ default: m.AccountsPage })));
const AdminPage = lazy(() => import('../features/admin/components/AdminPage').then((m) => ({ default: m.AdminPage })));
const AdminLayout = lazy(() => import('../features/admin/components/AdminLayout').then((m) => ({ default: m.AdminLayout })));
const UsersPage = lazy(() => import('../features/admin/components/UsersPage').then((m) => ({ default: m.UsersPage })));
const TeamsPage = lazy(() => import('../features/admin/components/TeamsPage').then((m) => ({ default: m.TeamsPage })));
const ApiKeysPage = lazy(() => import('../features/admin/components/ApiKeysPage').then((m) => ({ default: m.ApiKeysPage })));
const ConstantsPage = lazy(() => import('../features/admin/components/ConstantsPage').then((m) => ({ default: m.ConstantsPage })));
const MailPage = lazy(() => import('../features/admin/components/MailPage').then((m) => ({ default: m.MailPage })));
const TemplatesPage = lazy(() => import('../features/admin/components/TemplatesPage').then((m) => ({ default: m.TemplatesPage })));
const AuditPage = lazy(() => import('../features/admin/components/AuditPage').then((m) => ({ default: m.AuditPage })));
const WebhooksPage = lazy(() => import('../features/webhooks/components/WebhooksPage').then((m) => ({ default: m.WebhooksPage })));
const SettingsPage = lazy(() => import('../features/settings/components/SettingsPage').then((m) => ({ default: m.SettingsPage })));
const BoardPage = lazy(() => import('../features/board/components/BoardPage').then((m) => ({ default: m.BoardPage })));
const TeamPage = lazy(() => import('../features/team/components/TeamPage').then((m) => ({ default: m.TeamPage })));
const ReportsPage = lazy(() => import('../features/reports/components/ReportsPage').then((m) => ({ default: m.ReportsPage })));
const ReportPage = lazy(() => import('../features/reports/components/ReportPage').then((m) => ({ default: m.ReportPage })));
const DashboardPage = lazy(() => import('../features/dashboard/components/DashboardPage').then((m) => ({ default: m.DashboardPage })));
const ActivityTypesPage = lazy(() => import('../features/activity-types/components/ActivityTypesPage').then((m) => ({ default: m.ActivityTypesPage })));
const LiveView = lazy(() => import('../live/LiveView').then((m) => ({ default: m.LiveView })));
const CatalogPage = lazy(() => import('../features/catalog/components/CatalogPage').then((m) => ({ default: m.CatalogPage })));
const OrdersPage = lazy(() => import('../features/orders/components/OrdersPage').then((m) => ({ default: m.OrdersPage })));
const OrderPage = lazy(() => import('../features/orders/components/OrderPage').then((m) => ({ default: m.OrderPage })));
const ImportsPage = lazy(() => import('../features/imports/components/ImportsPage').then((m) => ({ default: m.ImportsPage })));
const ImportPage = lazy(() => import('../features/imports/components/ImportPage').then((m) => ({ default: m.ImportPage })));
const MoveLeadsPage = lazy(() => import('../features/moves/components/MoveLeadsPage').then((m) => ({ default: m.MoveLeadsPage })));
const ProposalSettingsPage = lazy(() => import('../features/proposals/components/ProposalSettingsPage').then((m) => ({ default: m.ProposalSettingsPage })));
const EntryRulesPage = lazy(() => import('../pipeline/EntryRulesPage').then((m) => ({ default: m.EntryRulesPage })));

/** Signed in: the shell around the page. Not signed in: the sign-in form at the same URL, which then shows the page. */
function Root() {
  const { user, loading } = useSession();
  if (loading) return <Center h="100vh"><Loader /></Center>;
  if (!user) return <LoginPage />;
  return <Shell />;
}

function Home() {
  const { user } = useSession();
  return <Navigate to={homeOf(user?.role ?? 'rep')} replace />;
}

// The older screens take their ids as props; `key` remounts them when the id changes.
function PipelineRoute() {
  const { id = '', version } = useParams();
  return <PipelineDesigner key={`${id}/${version ?? ''}`} pipelineId={id} version={version === undefined ? undefined : Number(version)} />;
}
function RuleSetRoute() {
  const { id = '' } = useParams();
  return <RuleSetEditor key={id} ruleSetId={id} />;
}
function LiveRoute() {
  const { id = 'default' } = useParams();
  return <LiveView key={id} pipelineId={id} />;
}

/** The designer, rules and live screens keep their own stylesheet rules under `.legacy`. */
function Legacy() {
  return <div className="legacy legacy-fill"><Outlet /></div>;
}

export const routes: RouteObject[] = [
  {
    path: '/',
    element: <Root />,
    children: [
      { index: true, element: <Home /> },
      { path: 'work', element: <MyWorkPage /> },
      { path: 'inbox', element: <InboxPage /> },
      { path: 'leads', element: <LeadFinderPage /> },
      { path: 'leads/:id', element: <LeadPage /> },
      { path: 'board', element: <BoardPage /> },
      { path: 'accounts', element: <AccountsPage /> },
      { path: 'accounts/:id', element: <AccountPage /> },
      { path: 'team', element: <TeamPage /> },
      { path: 'dashboard', element: <DashboardPage /> },
      { path: 'reports', element: <ReportsPage /> },
      { path: 'reports/:report', element: <ReportPage /> },
      { path: 'catalog', element: <CatalogPage /> },
      { path: 'orders', element: <OrdersPage /> },
      { path: 'orders/:id', element: <OrderPage /> },
      {
        path: 'admin',
        element: <AdminLayout />,
        children: [
          { index: true, element: <AdminPage /> },
          { path: 'users', element: <UsersPage /> },
          { path: 'teams', element: <TeamsPage /> },
          { path: 'api-keys', element: <ApiKeysPage /> },
          { path: 'constants', element: <ConstantsPage /> },
          { path: 'mail', element: <MailPage /> },
          { path: 'templates', element: <TemplatesPage /> },
          { path: 'audit', element: <AuditPage /> },
          { path: 'webhooks', element: <WebhooksPage /> },
        ],
      },
      { path: 'settings', element: <SettingsPage /> },
      { path: 'outbox', element: <OutboxPage /> },
      { path: 'activities', element: <ActivityTypesPage /> },
      { path: 'proposals', element: <ProposalSettingsPage /> },
      { path: 'pipelines/:id/moves', element: <MoveLeadsPage /> },
      { path: 'imports', element: <ImportsPage /> },
      { path: 'imports/:id', element: <ImportPage /> },
      {
        element: <Legacy />,
        children: [
          { path: 'pipelines', element: <PipelineList /> },
          { path: 'pipelines/:id', element: <PipelineRoute /> },
          { path: 'pipelines/:id/versions/:version', element: <PipelineRoute /> },
          { path: 'entry-rules', element: <EntryRulesPage /> },
          { path: 'rules', element: <RuleSetList /> },
          { path: 'rules/:id', element: <RuleSetRoute /> },
          { path: 'live', element: <LiveRoute /> },
          { path: 'live/:id', element: <LiveRoute /> },
        ],
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];

export function createAppRouter() {
  const router = createBrowserRouter(routes);
  setNavigator((to, opts) => router.navigate(to, opts));
  return router;
}
