import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken } from './api';

export type Role = 'rep' | 'manager' | 'ops' | 'admin';
export interface SessionUser { id: string; email: string; name: string; role: Role | string; teamId?: string | null }
interface Session {
  user: SessionUser | null;
  loading: boolean;
  /** True when a signed-in session ran out (a 401 from any call); the sign-in page says so. */
  expired: boolean;
  /** The e-mail of the user whose session ran out, to fill in on the sign-in form. */
  lastEmail: string;
  login(email: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

/**
 * Holds who is signed in. `onChange` runs when the user changes (sign-in, sign-out, expiry) so cached server state
 * of the previous user is dropped.
 */
export function SessionProvider({ children, onChange }: { children: ReactNode; onChange?: () => void }) {
  const [user, setUser] = useState<SessionUser | null>(null);
  const [loading, setLoading] = useState(true);
  const [expired, setExpired] = useState(false);
  const [lastEmail, setLastEmail] = useState('');
  const userRef = useRef<SessionUser | null>(null);
  userRef.current = user;
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const refresh = useCallback(async () => {
    try {
      const me = await api<{ user: SessionUser; csrfToken: string | null }>('/api/auth/me');
      setCsrfToken(me.csrfToken);
      setUser(me.user);
    } catch {
      setUser(null);
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void refresh();
    const onUnauthorized = () => {
      if (!userRef.current) return;
      setLastEmail(userRef.current.email);
      setExpired(true);
      setCsrfToken(null);
      setUser(null);
    };
    window.addEventListener('leadflow:unauthorized', onUnauthorized);
    return () => window.removeEventListener('leadflow:unauthorized', onUnauthorized);
  }, [refresh]);

  const login = useCallback(async (email: string, password: string) => {
    const r = await api<{ user: SessionUser; csrfToken: string | null }>('/api/auth/login', { method: 'POST', body: { email, password } });
    setCsrfToken(r.csrfToken);
    onChangeRef.current?.();
    setExpired(false);
    setUser(r.user);
  }, []);
  const logout = useCallback(async () => {
    await api('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
    setCsrfToken(null);
    setExpired(false);
    setUser(null);
    onChangeRef.current?.();
  }, []);
  return <SessionContext.Provider value={{ user, loading, expired, lastEmail, login, logout }}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The signed-in user (inside the shell, where a user always exists). */
export function useUser(): SessionUser {
  const { user } = useSession();
  if (!user) throw new Error('useUser outside a signed-in page');
  return user;
}

/**
 * Loads `path` (re-loads when it changes); `reload()` fetches again.
 * Kept for the older screens; new code uses TanStack Query hooks in its feature's `api/` folder.
 */
export function useApi<T>(path: string | null): { data: T | undefined; error: ApiError | undefined; loading: boolean; reload(): void } {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: !!path });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!path) return;
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    api<T>(path, { signal: ctl.signal })
      .then((data) => setState({ data, loading: false }))
      .catch((error: unknown) => {
        if ((error as Error).name !== 'AbortError') setState({ error: error instanceof ApiError ? error : new ApiError(0, String(error)), loading: false });
      });
    return () => ctl.abort();
  }, [path, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) } as never;
}
