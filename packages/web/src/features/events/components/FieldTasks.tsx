import { clockRuns, type EventState } from "@wangge/core";
import { Button, CapsuleTabs, List, Tag } from "antd-mobile";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { QueueList } from "../../../components/QueueList.tsx";
import { LoadedList, useLoad } from "../../../lib/mobile-load.tsx";
import { loadKept, useVault } from "../../../lib/offline/field-vault.tsx";
import { useSession } from "../../../lib/session.tsx";
import { type EventItem, type InboxQuery, listEvents } from "../api/events.ts";
import { dueSpan } from "../due.ts";
import { usePendingReports } from "../outbox.ts";

/**
 * The grid worker's tasks on the phone: the events of their grid waiting to be handled, their own,
 * and the overdue ones (one event's page is FieldTask.tsx).
 */
const BOXES: InboxQuery["box"][] = ["area", "mine", "overdue", "due_soon"];
const STATE_COLORS: Record<string, string> = {
  reported: "primary",
  returned: "warning",
  in_progress: "primary",
  resolved: "success",
  verified: "success",
  closed: "default",
  suspended: "warning",
};

export function StateTag({ state }: { state: string }) {
  const { t } = useTranslation();
  return <Tag color={STATE_COLORS[state] ?? "default"}>{t(`events.state.${state}`)}</Tag>;
}

/** How long until (or since) the deadline. */
export function useDueText() {
  const { t } = useTranslation();
  return (dueAt: string | null) => (dueAt ? dueSpan(t, dueAt).text : null);
}

export function FieldTasks() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const due = useDueText();
  const { can } = useSession();
  const [box, setBox] = useState<InboxQuery["box"]>("area");
  const vault = useVault();
  const waiting = usePendingReports().filter((r) => !r.refused).length;
  // Kept on the phone for offline use; asked again whenever a waiting report has gone out, keeping the
  // list on screen meanwhile (a report saved offline never replaces it with an error).
  const events = useLoad(
    "tasks",
    () => loadKept(vault, `tasks/${box}`, () => listEvents({ box, limit: 100 })),
    [box, vault?.userId],
    waiting,
  );
  return (
    <div data-testid="field-tasks">
      {can("event.report") && (
        <div style={{ padding: "8px 12px 0" }}>
          <Button block color="primary" onClick={() => navigate("/tasks/new")}>
            {t("events.report")}
          </Button>
        </div>
      )}
      <QueueList />
      <CapsuleTabs activeKey={box} onChange={(key) => setBox(key as InboxQuery["box"])}>
        {BOXES.map((b) => (
          <CapsuleTabs.Tab key={b} title={t(`events.box.${b}`)} />
        ))}
      </CapsuleTabs>
      <LoadedList
        state={events}
        empty={t("field.noTasks")}
        emptyStyle={{ padding: 48 }}
        item={(e: EventItem) => (
          <List.Item
            key={e.id}
            onClick={() => navigate(`/tasks/${e.id}`)}
            extra={<StateTag state={e.state} />}
            description={
              <span>
                <span translate="no">{e.number}</span>
                {e.dueAt && clockRuns(e.state as EventState) ? ` · ${due(e.dueAt)}` : ""}
              </span>
            }
          >
            <span translate="no">{e.title}</span>
          </List.Item>
        )}
      />
    </div>
  );
}
