import type { LoginResponse, Me, Permission } from "@wangge/core";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import { ApiError, apiFetch, setCsrfToken } from "./api-client.ts";
import { forgetAreaNames } from "./area-names.ts";

/**
 * The signed-in user of this page, shared by every screen of an app: loaded from /auth/me at start,
 * replaced after sign-in, cleared at sign-out. The CSRF token rides along for every write.
 */
interface SessionValue {
  me: Me | null;
  loading: boolean;
  can: (permission: Permission) => boolean;
  /**
   * Whether the permission is held for the whole deployment, as the server tells (/auth/me): the
   * deployment's own settings (event categories, calendar, devices, Open311 keys, roles) need it so.
   */
  canEverywhere: (permission: Permission) => boolean;
  accept: (me: Me) => void;
  refresh: () => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);

  const userId = useRef<string | null>(null);

  const accept = useCallback((next: Me) => {
    setCsrfToken(next.csrfToken);
    // Area names depend on who asks (their scope): another user starts afresh.
    if (userId.current && userId.current !== next.user.id) forgetAreaNames();
    userId.current = next.user.id;
    setMe(next);
  }, []);

  const refresh = useCallback(async () => {
    try {
      accept(await apiFetch<Me>("/api/v1/auth/me"));
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      setCsrfToken(null);
      setMe(null);
    } finally {
      setLoading(false);
    }
  }, [accept]);

  const signOut = useCallback(async () => {
    await apiFetch("/api/v1/auth/logout", { method: "POST" }).catch(() => undefined);
    forgetAreaNames();
    userId.current = null;
    setCsrfToken(null);
    setMe(null);
  }, []);

  useEffect(() => {
    void refresh().catch(() => setLoading(false));
  }, [refresh]);

  const value = useMemo<SessionValue>(
    () => ({
      me,
      loading,
      can: (p) => Boolean(me?.permissions.includes(p)),
      canEverywhere: (p) => Boolean(me?.deploymentWidePermissions.includes(p)),
      accept,
      refresh,
      signOut,
    }),
    [me, loading, accept, refresh, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}

export type { LoginResponse };
