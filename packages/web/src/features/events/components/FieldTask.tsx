import { clockRuns, type EventAction, type EventState, maskName, TRANSITIONS } from "@wangge/core";
import { Button, List, NoticeBar, Space, Steps, Toast } from "antd-mobile";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import { MobileTextDialog } from "../../../components/MobileTextDialog.tsx";
import { PhotoPicker } from "../../../components/PhotoPicker.tsx";
import { toApiError } from "../../../lib/api-client.ts";
import { useTimeFormat } from "../../../lib/format-time.ts";
import { LazyWgMap } from "../../../lib/map/LazyWgMap.tsx";
import { BackBar, Loaded, useLoad } from "../../../lib/mobile-load.tsx";
import { useVault } from "../../../lib/offline/field-vault.tsx";
import type { Photo } from "../../../lib/photo.ts";
import { problemLines } from "../../../lib/problem.ts";
import { useClientConfig } from "../../../lib/use-client-config.ts";
import {
  type EventDetail,
  type EventReveal,
  getEvent,
  placeName,
  revealEvent,
  transition,
  uploadAttachment,
} from "../api/events.ts";
import { isUnreachable, keepPhotoForLater } from "../outbox.ts";
import { here } from "../position.ts";
import { StateTag, useDueText } from "./FieldTasks.tsx";

/** The event's place on a small map, and links that open the phone's navigation app there. */
function EventPlace({ lng, lat, label }: { lng: number; lat: number; label: string }) {
  const { t } = useTranslation();
  const { config } = useClientConfig();
  const markers = useMemo(() => [{ id: "event", lng, lat, label, color: "#d32f2f" }], [lng, lat, label]);
  const amap = `https://uri.amap.com/marker?${new URLSearchParams({
    position: `${lng},${lat}`,
    name: label,
    coordinate: "wgs84",
    callnative: "1",
  })}`;
  return (
    <List header={t("field.eventPlace")}>
      {config && (
        <LazyWgMap
          config={{ ...config.map, center: [lng, lat], zoom: 16 }}
          markers={markers}
          height={180}
          label={t("field.eventPlace")}
        />
      )}
      <List.Item>
        <Space wrap>
          <a href={`geo:${lat},${lng}?q=${lat},${lng}`} data-testid="navigate-link">
            {t("field.navigate")}
          </a>
          <a href={amap} target="_blank" rel="noreferrer">
            {t("field.openInAmap")}
          </a>
        </Space>
      </List.Item>
    </List>
  );
}

/** What a worker does in the field; the rest (assign, verify, close…) is the office's, in the console. */
const FIELD_ACTIONS: EventAction[] = ["accept", "start", "resolve", "return", "escalate"];

/**
 * An event on the phone, with its timeline, and the steps a worker takes on the spot — accept, start,
 * settle (with what was done), return or escalate (with why) — each recorded with the phone's position
 * when it gives one.
 */
export function FieldTask() {
  const time = useTimeFormat();
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
  /** A photo of the work done, sent with 办结 (queued when there is no network). */
  const [photo, setPhoto] = useState<Photo>();
  const vault = useVault();
  const event = changed?.id === id ? changed : loaded.data;
  // The resident's phone and the text in clear, asked for with a reason (audited); online only.
  const [clear, setClear] = useState<EventReveal & { id: string }>();
  const [why, setWhy] = useState<string>();
  const [whyProblem, setWhyProblem] = useState<string>();
  const reveal = async () => {
    if (!why?.trim() || why.trim().length < 2) return setWhyProblem(t("registry.reasonRequired"));
    setBusy(true);
    try {
      setClear({ ...(await revealEvent(id, why.trim())), id });
      setWhy(undefined);
    } catch (error) {
      setWhyProblem(problemLines(t, error).join(" "));
    } finally {
      setBusy(false);
    }
  };
  const [place, setPlace] = useState<string | null>(null);
  const lng = event?.lng ?? null;
  const lat = event?.lat ?? null;
  useEffect(() => {
    setPlace(null);
    if (lng !== null && lat !== null) placeName(lng, lat).then(setPlace, () => setPlace(null));
  }, [lng, lat]);

  const sendPhoto = async (eventId: string) => {
    if (!photo) return;
    const photoId = crypto.randomUUID();
    try {
      await uploadAttachment(eventId, new File([photo.bytes], photo.fileName, { type: "image/jpeg" }), photoId);
    } catch (error) {
      if (!isUnreachable(error) || !vault) throw error;
      await keepPhotoForLater(vault, { id: photoId, eventId, fileName: photo.fileName, bytes: photo.bytes });
      Toast.show({ content: t("field.photoQueued") });
    }
    setPhoto(undefined);
  };

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
      if (action === "resolve") await sendPhoto(id);
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
        const open = clear?.id === e.id ? clear : undefined;
        const noteOf = (s: EventDetail["timeline"][number], i: number) =>
          open?.timeline[i]?.at === s.at ? open.timeline[i]?.note : s.note;
        return (
          <div data-testid="field-task">
            <BackBar title={<span translate="no">{e.number}</span>} />
            <List header={<span translate="no">{open?.title ?? e.title}</span>}>
              <List.Item extra={<StateTag state={e.state} />}>{t("events.stateLabel")}</List.Item>
              <List.Item extra={t(`events.level.${e.level}`)}>{t("events.levelLabel")}</List.Item>
              {e.dueAt && clockRuns(e.state as EventState) && (
                <List.Item extra={due(e.dueAt)}>{t("events.due")}</List.Item>
              )}
              <List.Item extra={<span data-testid="task-occurred-at">{time.dateTime(e.occurredAt)}</span>}>
                {t("eventTime.occurredAt")}
              </List.Item>
              {(e.address || place) && (
                <List.Item extra={<span translate="no">{open?.address ?? e.address ?? place}</span>}>
                  {t("events.address")}
                </List.Item>
              )}
              {(e.contactName || e.reporterName) && (
                <List.Item
                  extra={
                    <span translate="no" data-testid="task-reporter">
                      {maskName((e.contactName ?? e.reporterName) as string)}{" "}
                      {open?.contactPhone ? (
                        <a href={`tel:${open.contactPhone}`} data-testid="task-clear-phone">
                          {open.contactPhone}
                        </a>
                      ) : (
                        e.contactPhone
                      )}
                    </span>
                  }
                >
                  {t("field.reporter")}
                </List.Item>
              )}
              <List.Item description={<span translate="no">{open?.description ?? e.description}</span>}>
                {t("events.description")}
              </List.Item>
            </List>
            {open && <NoticeBar content={t("events.revealedNote")} color="alert" wrap />}
            {!open && e.hidden.mayReveal && (
              <div style={{ padding: "8px 12px" }}>
                <Button block size="small" fill="outline" onClick={() => setWhy("")} data-testid="task-reveal">
                  {t("events.reveal")}
                </Button>
              </div>
            )}
            {e.lng !== null && e.lat !== null && (
              <EventPlace lng={e.lng} lat={e.lat} label={e.address ?? place ?? e.number} />
            )}
            {actions.includes("resolve") && (
              <List header={t("field.resolvePhoto")}>
                <List.Item>
                  <PhotoPicker value={photo} onChange={setPhoto} />
                </List.Item>
              </List>
            )}
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
                  {e.timeline
                    .map((s, i) => ({ ...s, note: noteOf(s, i) }))
                    .reverse()
                    .map((s) => (
                      <Steps.Step
                        key={`${s.at}-${s.action}`}
                        status="finish"
                        title={t(`events.step.${s.action}`, { defaultValue: s.action })}
                        description={
                          <span translate="no">
                            {[time.dateTime(s.at), s.actorName, s.note].filter(Boolean).join(" · ")}
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
            <MobileTextDialog
              visible={why !== undefined}
              title={t("events.revealTitle")}
              hint={t("events.revealHint")}
              placeholder={t("registry.reason")}
              value={why ?? ""}
              onChange={setWhy}
              problem={whyProblem}
              confirmText={t("events.revealConfirm")}
              busy={busy}
              onConfirm={() => void reveal()}
              onClose={() => {
                setWhy(undefined);
                setWhyProblem(undefined);
              }}
              testId="task-reveal-reason"
            />
          </div>
        );
      }}
    </Loaded>
  );
}
