import { AppShell, Avatar, Center, Loader, Badge, Burger, Group, Kbd, Menu, NavLink, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { spotlight } from '@mantine/spotlight';
import { IconChevronDown, IconLogout, IconSearch, IconSettings } from '@tabler/icons-react';
import { Suspense } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { useUser, useSession } from '../lib/session';
import { CommandPalette } from './CommandPalette';
import { navFor } from './nav';

const initials = (name: string) => name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0]!.toUpperCase()).join('');

/** Header with the user menu, a role-dependent navbar and the page. */
export function Shell() {
  const user = useUser();
  const { logout } = useSession();
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const [opened, { toggle, close }] = useDisclosure();
  const nav = navFor(user.role);
  return (
    <AppShell header={{ height: 52 }} navbar={{ width: 212, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding={0}>
      <AppShell.Header className="shell-header">
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" color="white" aria-label="Toggle navigation" />
            <Link to="/" className="brand" aria-label="Leadflow home"><span className="brand-mark">L</span> Leadflow</Link>
          </Group>
          <UnstyledButton className="shell-search" onClick={() => spotlight.open()} aria-label="Search (Ctrl+K)">
            <Group gap={8} wrap="nowrap"><IconSearch size={15} /><Text size="sm" c="inherit">Jump to a page or lead…</Text><Kbd size="xs">Ctrl K</Kbd></Group>
          </UnstyledButton>
          <Menu position="bottom-end" width={220} withinPortal>
            <Menu.Target>
              <UnstyledButton className="shell-user" aria-label="User menu">
                <Group gap={8} wrap="nowrap">
                  <Avatar size={28} radius="xl" color="indigo" variant="filled">{initials(user.name)}</Avatar>
                  <div className="shell-user-name"><Text size="sm" fw={600} c="white" lh={1.1}>{user.name}</Text><Text size="xs" c="gray.4" tt="uppercase" lh={1.2}>{user.role}</Text></div>
                  <IconChevronDown size={14} />
                </Group>
              </UnstyledButton>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>{user.email}</Menu.Label>
              <Menu.Item leftSection={<IconSettings size={15} />} component={Link} to="/settings">Your settings</Menu.Item>
              <Menu.Item leftSection={<IconLogout size={15} />} onClick={() => void logout().then(() => navigate('/', { replace: true }))}>Sign out</Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main navigation">
        {nav.map((n) => (
          <NavLink key={n.to} component={Link} to={n.to} label={n.label} leftSection={<n.icon size={18} stroke={1.6} />}
            active={pathname === n.to || pathname.startsWith(`${n.to}/`)} onClick={close} />
        ))}
        <div className="grow" />
        <Badge variant="light" color="gray" m="xs" radius="sm">{user.role}</Badge>
      </AppShell.Navbar>
      <AppShell.Main className="shell-main">
        <div className="content"><Suspense fallback={<Center h="50vh"><Loader /></Center>}><Outlet /></Suspense></div>
      </AppShell.Main>
      <CommandPalette nav={nav} />
    </AppShell>
  );
}
