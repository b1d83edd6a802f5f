import { clockRuns, type EventState } from "@wangge/core";
import { Button, CapsuleTabs, List, Tag } from "antd-mobile";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { errorMessageKey } from "../../../lib/error-message.ts";
import { LoadedList, useLoad } from "../../../lib/mobile-load.tsx";
import { useSession } from "../../../lib/session.tsx";
import { type EventItem, type InboxQuery, listEvents } from "../api/events.ts";
import { dueSpan } from "../due.ts";
import { discardReport, usePendingReports } from "../outbox.ts";

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
  const { me, can } = useSession();
  const [box, setBox] = useState<InboxQuery["box"]>("area");
  const pending = usePendingReports(me?.user.id);
  const waiting = pending.filter((r) => !r.refused).length;
  // Asked again whenever a waiting report has gone out.
  const events = useLoad("tasks", () => listEvents({ box, limit: 100 }), [box, waiting]);
  return (
    <div data-testid="field-tasks">
      {can("event.report") && (
        <div style={{ padding: "8px 12px 0" }}>
          <Button block color="primary" onClick={() => navigate("/tasks/new")}>
            {t("events.report")}
          </Button>
        </div>
      )}
      {pending.length > 0 && (
        <List header={t("field.pending", { n: pending.length })} data-testid="pending-reports">
          {pending.map((r) => (
            <List.Item
              key={r.id}
              description={r.refused ? t(errorMessageKey(r.refused)) : t("field.waitingForNetwork")}
              extra={
                r.refused ? (
                  <Button
                    size="mini"
                    color="danger"
                    fill="outline"
                    onClick={() => {
                      if (me) discardReport(me.user.id, r.id);
                    }}
                  >
                    {t("field.discard")}
                  </Button>
                ) : null
              }
            >
              <span translate="no">{r.body.description}</span>
            </List.Item>
          ))}
        </List>
      )}
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
