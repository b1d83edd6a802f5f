import { Button, DotLoading, Empty, ErrorBlock, List, NavBar, NoticeBar } from "antd-mobile";
import { type CSSProperties, type ReactNode, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { toApiError } from "./api-client.ts";
import { errorMessageKey } from "./error-message.ts";
import { useSession } from "./session.tsx";

/**
 * What this page loaded last, per request and signed-in user, kept in memory only (never on the
 * phone's storage): shown at once when the worker comes back to a list, and instead of an error when
 * the network is gone, marked as possibly out of date.
 */
const recent = new Map<string, unknown>();

export interface LoadState<T> {
  data?: T;
  error?: string;
  /** The data is what was loaded before; asking again failed. */
  stale?: boolean;
  loading: boolean;
  retry: () => void;
}

/**
 * A request's answer, its failure, and a way to ask again. `deps` name what is loaded (the kept answer
 * is per deps); `refreshOn` only asks again when it changes, keeping what is shown meanwhile.
 */
export function useLoad<T>(name: string, load: () => Promise<T>, deps: unknown[], refreshOn?: unknown): LoadState<T> {
  const { me } = useSession();
  const key = JSON.stringify([me?.user.id, name, ...deps]);
  const [state, setState] = useState<Omit<LoadState<T>, "retry">>({ loading: true });
  const [attempt, setAttempt] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key names what the request depends on
  useEffect(() => {
    let current = true;
    const kept = recent.get(key) as T | undefined;
    setState({ data: kept, loading: true });
    load().then(
      (data) => {
        recent.set(key, data);
        if (current) setState({ data, loading: false });
      },
      (error: unknown) => {
        if (!current) return;
        const message = errorMessageKey(toApiError(error).code);
        setState(kept === undefined ? { error: message, loading: false } : { data: kept, stale: true, loading: false });
      },
    );
    return () => {
      current = false;
    };
  }, [key, attempt, refreshOn]);
  return { ...state, retry: () => setAttempt((n) => n + 1) };
}

export function Loaded<T>({ state, children }: { state: LoadState<T>; children: (data: T) => ReactNode }) {
  const { t } = useTranslation();
  if (state.data === undefined && state.error)
    return (
      <ErrorBlock status="disconnected" title={t(state.error)} description="">
        <Button onClick={state.retry}>{t("common.retry")}</Button>
      </ErrorBlock>
    );
  if (state.data === undefined) return <DotLoading />;
  return (
    <>
      {state.stale && (
        <NoticeBar
          content={t("field.staleData")}
          color="info"
          extra={
            <Button size="mini" fill="none" onClick={state.retry}>
              {t("common.retry")}
            </Button>
          }
        />
      )}
      {children(state.data)}
    </>
  );
}

/** A loaded list: `empty` when it has no rows, else one list item per row (`item` gives it, with its key). */
export function LoadedList<T>({
  state,
  empty,
  emptyStyle,
  item,
}: {
  state: LoadState<T[]>;
  empty: string;
  emptyStyle?: CSSProperties;
  item: (row: T) => ReactNode;
}) {
  return (
    <Loaded state={state}>
      {(rows) => (rows.length === 0 ? <Empty description={empty} style={emptyStyle} /> : <List>{rows.map(item)}</List>)}
    </Loaded>
  );
}

/** The way back to the list a detail was opened from. */
export function BackBar({ title }: { title: ReactNode }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <NavBar back={t("common.back")} onBack={() => navigate(-1)}>
      {title}
    </NavBar>
  );
}
