import { clockRuns, type EventAction, type EventState, TRANSITIONS } from "@wangge/core";
import { Button, List, Space, Steps, Toast } from "antd-mobile";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import { MobileTextDialog } from "../../../components/MobileTextDialog.tsx";
import { toApiError } from "../../../lib/api-client.ts";
import { BackBar, Loaded, useLoad } from "../../../lib/mobile-load.tsx";
import { problemLines } from "../../../lib/problem.ts";
import { type EventDetail, getEvent, transition } from "../api/events.ts";
import { here } from "../position.ts";
import { StateTag, useDueText } from "./FieldTasks.tsx";

/** What a worker does in the field; the rest (assign, verify, close…) is the office's, in the console. */
const FIELD_ACTIONS: EventAction[] = ["accept", "start", "resolve", "return", "escalate"];

/**
 * An event on the phone, with its timeline, and the steps a worker takes on the spot — accept, start,
 * settle (with what was done), return or escalate (with why) — each recorded with the phone's position
 * when it gives one.
 */
export function FieldTask() {
  const { t } = useTranslation();
  const due = useDueText();
  const { id = "" } = useParams();
  const [refreshed, setRefreshed] = useState(0);
  const loaded = useLoad("task", () => getEvent(id), [id, refreshed]);
  const [changed, setChanged] = useState<EventDetail>();
  const [asking, setAsking] = useState<EventAction>();
  const [note, setNote] = useState("");
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const event = changed?.id === id ? changed : loaded.data;

  const act = async (action: EventAction, withNote?: string) => {
    if (TRANSITIONS[action].needsNote && !withNote?.trim()) {
      setNote("");
      setProblem(undefined);
      setAsking(action);
      return;
    }
    setBusy(true);
    try {
      const position = await here();
      const next = await transition(id, { action, ...(withNote ? { note: withNote.trim() } : {}), ...position });
      setChanged(next);
      setAsking(undefined);
      Toast.show({ icon: "success", content: t(`events.action.${action}`) });
    } catch (error) {
      // The server's reason, not only its code; the note typed stays in the dialog.
      const message = problemLines(t, error).join(" ");
      if (asking) setProblem(message);
      else Toast.show({ icon: "fail", content: message });
      // Refused (someone acted meanwhile): the event and what may be done to it, as they are now.
      const status = toApiError(error).status;
      if (status === 403 || status === 409) {
        setChanged(undefined);
        setRefreshed((n) => n + 1);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Loaded state={{ ...loaded, data: event }}>
      {(e: EventDetail) => {
        // What the server says this worker may do to it now, of what is done in the field.
        const actions = e.allowedActions.filter((a) => FIELD_ACTIONS.includes(a));
        return (
          <div data-testid="field-task">
            <BackBar title={<span translate="no">{e.number}</span>} />
            <List header={<span translate="no">{e.title}</span>}>
              <List.Item extra={<StateTag state={e.state} />}>{t("events.stateLabel")}</List.Item>
              <List.Item extra={t(`events.level.${e.level}`)}>{t("events.levelLabel")}</List.Item>
              {e.dueAt && clockRuns(e.state as EventState) && (
                <List.Item extra={due(e.dueAt)}>{t("events.due")}</List.Item>
              )}
              {e.address && (
                <List.Item extra={<span translate="no">{e.address}</span>}>{t("events.address")}</List.Item>
              )}
              <List.Item description={<span translate="no">{e.description}</span>}>{t("events.description")}</List.Item>
            </List>
            {actions.length > 0 && (
              <Space wrap style={{ padding: 12, "--gap": "8px" }}>
                {actions.map((a) => (
                  <Button
                    key={a}
                    color={a === "resolve" || a === "accept" || a === "start" ? "primary" : "default"}
                    loading={busy && !asking}
                    disabled={busy}
                    onClick={() => void act(a)}
                  >
                    {t(`events.action.${a}`)}
                  </Button>
                ))}
              </Space>
            )}
            <List header={t("events.timeline")}>
              <List.Item>
                <Steps direction="vertical">
                  {[...e.timeline].reverse().map((s) => (
                    <Steps.Step
                      key={`${s.at}-${s.action}`}
                      status="finish"
                      title={t(`events.step.${s.action}`, { defaultValue: s.action })}
                      description={
                        <span translate="no">
                          {[new Date(s.at).toLocaleString(), s.actorName, s.note].filter(Boolean).join(" · ")}
                        </span>
                      }
                    />
                  ))}
                </Steps>
              </List.Item>
            </List>
            <MobileTextDialog
              visible={asking !== undefined}
              title={asking ? t(`events.action.${asking}`) : ""}
              placeholder={t("events.note")}
              value={note}
              onChange={setNote}
              problem={problem}
              confirmText={t("field.confirm")}
              busy={busy}
              onConfirm={() => {
                if (!asking) return;
                if (!note.trim()) setProblem(t("field.noteRequired"));
                else void act(asking, note);
              }}
              onClose={() => setAsking(undefined)}
              testId="task-note"
            />
          </div>
        );
      }}
    </Loaded>
  );
}
