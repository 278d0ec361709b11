// Thin bridge to react-router for the older screens (designer, rules, live): `Link`, `navigate` and `usePath`
// keep their signatures; new code imports from 'react-router' directly.
import type { AnchorHTMLAttributes } from 'react';
import { Link as RouterLink, useLocation } from 'react-router';

type Navigator = (to: string, opts?: { replace?: boolean }) => unknown;
let navigator: Navigator | null = null;

/** The app's router registers itself here so code outside components can navigate. */
export function setNavigator(fn: Navigator) {
  navigator = fn;
}

/** Client-side navigation. */
export function navigate(to: string, replace = false) {
  if (navigator) void navigator(to, { replace });
  else if (replace) location.replace(to);
  else location.assign(to);
}

/** The current path; re-renders on navigation. */
export function usePath(): string {
  return useLocation().pathname;
}

export function Link({ to, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  return <RouterLink to={to} {...rest} />;
}
