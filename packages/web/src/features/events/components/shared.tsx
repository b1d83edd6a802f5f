import { Tag, Tooltip } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useFormFail } from "../../../components/useFormFail.tsx";
import { type EventCategory, type EventItem, listCategories } from "../api/events.ts";
import { dueSpan } from "../due.ts";

export { type Lang, useLang } from "../use-lang.ts";

/** Shows an API failure (its field errors on the form's fields, its detail in the message): components/useFormFail. */
export const useFail = useFormFail;

let categoriesCache: Promise<EventCategory[]> | undefined;

/** The event categories (read once per page load; the settings screen refreshes them). */
export function useCategories(): { categories: EventCategory[]; reload: () => void } {
  const [categories, setCategories] = useState<EventCategory[]>([]);
  const load = useCallback((fresh: boolean) => {
    if (fresh || !categoriesCache) categoriesCache = listCategories();
    categoriesCache.then(setCategories, () => {
      categoriesCache = undefined;
      setCategories([]);
    });
  }, []);
  useEffect(() => load(false), [load]);
  return { categories, reload: () => load(true) };
}

const STATE_COLORS: Record<string, string> = {
  reported: "blue",
  accepted: "cyan",
  assigned: "geekblue",
  in_progress: "processing",
  resolved: "green",
  verified: "green",
  closed: "default",
  returned: "orange",
  suspended: "gold",
  cancelled: "default",
  merged: "default",
};

export function StateTag({ state }: { state: string }) {
  const { t } = useTranslation();
  return <Tag color={STATE_COLORS[state] ?? "default"}>{t(`events.state.${state}`)}</Tag>;
}

/** How long until (or since) a deadline, in the user's language. */
export function DueText({ dueAt, now = Date.now() }: { dueAt: string | null; now?: number }) {
  const { t } = useTranslation();
  if (!dueAt) return <span>—</span>;
  const due = dueSpan(t, dueAt, now);
  return due.overdue ? <Tag color="red">{due.text}</Tag> : <span>{due.text}</span>;
}

/** What the signed-in user may do with events (from their roles). */
export interface EventsPermissions {
  canRead: boolean;
  canReport: boolean;
  canHandle: boolean;
  canMediate: boolean;
  canConfigure: boolean;
  canManageSystem: boolean;
  userId: string;
}

/**
 * Under supervision (督办): by someone's order, or because its deadline passed with no level above to
 * escalate to — then it says so (it stays in the overdue box, its deadline shown as overdue).
 */
export function SupervisedTag({ event }: { event: Pick<EventItem, "supervised" | "overdueAt"> }) {
  const { t } = useTranslation();
  if (event.overdueAt)
    return (
      <Tooltip title={t("events.overdueAtTopHint")}>
        <Tag color="red">{t("events.overdueAtTop")}</Tag>
      </Tooltip>
    );
  return event.supervised ? <Tag color="volcano">{t("events.supervised")}</Tag> : null;
}
