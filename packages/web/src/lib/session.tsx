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
  /**
   * The server could not be reached at start and `me` is the one this phone kept (the field app
   * offline): reads come from the phone, writes are queued, and the session is asked again once the
   * network returns (the CSRF token of writes comes with it).
   */
  offline: boolean;
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

/** What an app keeps of its signed-in user on the phone (the field app: lib/offline/field-vault.tsx). */
export interface KeptSession {
  /** The user this phone last signed in, when the server cannot be reached. */
  load: () => Promise<Me | null>;
  /** Called with every user the server confirms (sign-in, start online). */
  keep: (me: Me) => Promise<void>;
  /** Called at sign-out, before the session ends: deletes what the phone kept of them. */
  forget: (me: Me) => Promise<void>;
}

export function SessionProvider({ children, kept }: { children: ReactNode; kept?: KeptSession }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const [offline, setOffline] = useState(false);

  const userId = useRef<string | null>(null);

  const accept = useCallback(
    (next: Me) => {
      setCsrfToken(next.csrfToken);
      // Area names depend on who asks (their scope): another user starts afresh.
      if (userId.current && userId.current !== next.user.id) forgetAreaNames();
      userId.current = next.user.id;
      setMe(next);
      setOffline(false);
      if (kept && !next.restriction) void kept.keep(next).catch(() => undefined);
    },
    [kept],
  );

  const refresh = useCallback(async () => {
    try {
      accept(await apiFetch<Me>("/api/v1/auth/me"));
    } catch (error) {
      const unreachable = !(error instanceof ApiError) || error.status === 0 || error.status >= 500;
      if (kept && unreachable) {
        const keptMe = await kept.load().catch(() => null);
        if (keptMe) {
          setMe(keptMe);
          setOffline(true);
          return;
        }
      }
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      setCsrfToken(null);
      setMe(null);
      setOffline(false);
    } finally {
      setLoading(false);
    }
  }, [accept, kept]);

  const signOut = useCallback(async () => {
    if (kept && me) await kept.forget(me).catch(() => undefined);
    await apiFetch("/api/v1/auth/logout", { method: "POST" }).catch(() => undefined);
    forgetAreaNames();
    userId.current = null;
    setCsrfToken(null);
    setMe(null);
    setOffline(false);
  }, [kept, me]);

  useEffect(() => {
    void refresh().catch(() => setLoading(false));
  }, [refresh]);

  const value = useMemo<SessionValue>(
    () => ({
      me,
      loading,
      offline,
      can: (p) => Boolean(me?.permissions.includes(p)),
      canEverywhere: (p) => Boolean(me?.deploymentWidePermissions.includes(p)),
      accept,
      refresh,
      signOut,
    }),
    [me, loading, offline, accept, refresh, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}

export type { LoginResponse };
