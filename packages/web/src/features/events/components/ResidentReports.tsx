import { isPublicCategory, SATISFACTION, SETTLED_STATES } from "@wangge/core";
import {
  Button,
  Card,
  Dialog,
  Empty,
  Form,
  List,
  NavBar,
  Picker,
  Result,
  Steps,
  Switch,
  Tag,
  TextArea,
  Toast,
} from "antd-mobile";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { PhotoPicker } from "../../../components/PhotoPicker.tsx";
import { toApiError } from "../../../lib/api-client.ts";
import { errorMessageKey } from "../../../lib/error-message.ts";
import { useTimeFormat } from "../../../lib/format-time.ts";
import type { Photo } from "../../../lib/photo.ts";
import {
  type EventCategory,
  type EventDetail,
  type EventItem,
  getEvent,
  giveFeedback,
  listCategories,
  listEvents,
  reportEvent,
  transition,
  uploadAttachment,
} from "../api/events.ts";
import { useLang } from "../use-lang.ts";
import { CategoryGroupField } from "./CategoryGroupField.tsx";

const isSettled = (state: string) => (SETTLED_STATES as readonly string[]).includes(state);

function useToastFail() {
  const { t } = useTranslation();
  return useCallback((e: unknown) => Toast.show({ content: t(errorMessageKey(toApiError(e).code)) }), [t]);
}

/** 我的反映: what the resident reported, newest first, with its state. */
export function ResidentReportList({ onOpen, onNew }: { onOpen: (id: string) => void; onNew: () => void }) {
  const { t } = useTranslation();
  const fail = useToastFail();
  const [events, setEvents] = useState<EventItem[]>();
  useEffect(() => {
    listEvents({ box: "reported", limit: 50 }).then(setEvents, (e) => {
      setEvents([]);
      fail(e);
    });
  }, [fail]);
  return (
    <div style={{ padding: 12 }}>
      <Button block color="primary" size="large" onClick={onNew}>
        {t("residentEvents.report")}
      </Button>
      <List header={t("residentEvents.mine")} style={{ marginTop: 12 }}>
        {events?.length === 0 && <Empty description={t("residentEvents.none")} />}
        {events?.map((e) => (
          <List.Item
            key={e.id}
            onClick={() => onOpen(e.id)}
            description={<span translate="no">{e.number}</span>}
            extra={<Tag color={isSettled(e.state) ? "success" : "primary"}>{t(`events.state.${e.state}`)}</Tag>}
          >
            <span translate="no">{e.description.slice(0, 40)}</span>
          </List.Item>
        ))}
      </List>
    </div>
  );
}

/** 我要反映: a category, what happened, where the phone is; reported once even if sent twice. */
export function ResidentReportForm({ onReported }: { onReported: (id: string) => void }) {
  const { t } = useTranslation();
  const lang = useLang();
  const fail = useToastFail();
  const [categories, setCategories] = useState<EventCategory[]>([]);
  const [group, setGroup] = useState<string>();
  const [categoryKey, setCategoryKey] = useState<string>();
  const [description, setDescription] = useState("");
  const [point, setPoint] = useState<[number, number]>();
  // Shown publicly only if the resident says so (off by default); never for disputes.
  const [isPublic, setIsPublic] = useState(false);
  const [locating, setLocating] = useState(false);
  const [busy, setBusy] = useState(false);
  const [pickerOpen, setPickerOpen] = useState(false);
  const [photo, setPhoto] = useState<Photo>();
  const id = useRef(crypto.randomUUID());
  const photoId = useRef(crypto.randomUUID());
  useEffect(() => {
    listCategories().then(setCategories, fail);
  }, [fail]);
  // Residents report without extra fields: categories that require one are left to staff.
  const leaves = useMemo(
    () => categories.filter((c) => c.parentKey === group && c.active && !c.attributes.some((a) => a.required)),
    [categories, group],
  );
  const locate = () => {
    if (!navigator.geolocation) {
      Toast.show({ content: t("residentEvents.noLocation") });
      return;
    }
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setPoint([Math.round(p.coords.longitude * 1e6) / 1e6, Math.round(p.coords.latitude * 1e6) / 1e6]);
        setLocating(false);
      },
      () => {
        Toast.show({ content: t("residentEvents.noLocation") });
        setLocating(false);
      },
      { timeout: 15_000, maximumAge: 60_000 },
    );
  };
  const submit = async () => {
    if (!categoryKey || description.trim().length < 2 || !point) {
      Toast.show({ content: t("residentEvents.incomplete") });
      return;
    }
    setBusy(true);
    try {
      const event = await reportEvent({
        id: id.current,
        categoryKey,
        description: description.trim(),
        lng: point[0],
        lat: point[1],
        source: "resident",
        public: isPublic && isPublicCategory(categoryKey),
      });
      // The photo goes with the report's id (a retry sends the same one): the report stands even if it fails.
      if (photo)
        await uploadAttachment(
          event.id,
          new File([photo.bytes], photo.fileName, { type: "image/jpeg" }),
          photoId.current,
        ).catch(fail);
      onReported(event.id);
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };
  // A group with one category asks nothing more: that category is the one.
  useEffect(() => {
    if (leaves.length === 1 && categoryKey !== leaves[0]?.key) setCategoryKey(leaves[0]?.key);
  }, [leaves, categoryKey]);
  const leafName = leaves.find((c) => c.key === categoryKey)?.name[lang];
  return (
    <Form
      layout="vertical"
      footer={
        <Button block color="primary" size="large" loading={busy} onClick={submit}>
          {t("residentEvents.submit")}
        </Button>
      }
    >
      <CategoryGroupField
        categories={categories}
        value={group}
        onChange={(g) => {
          setGroup(g);
          setCategoryKey(undefined);
        }}
      />
      {group && leaves.length > 1 && (
        <Form.Item label={t("residentEvents.category")} onClick={() => setPickerOpen(true)} clickable arrowIcon>
          {leafName ?? t("residentEvents.choose")}
        </Form.Item>
      )}
      <Picker
        columns={[leaves.map((c) => ({ label: c.name[lang], value: c.key }))]}
        visible={pickerOpen}
        onClose={() => setPickerOpen(false)}
        onConfirm={(v) => setCategoryKey(v[0] as string | undefined)}
        confirmText={t("residentEvents.confirm")}
        cancelText={t("common.cancel")}
      />
      <Form.Item label={t("residentEvents.what")}>
        <TextArea
          value={description}
          onChange={setDescription}
          placeholder={t("residentEvents.whatHint")}
          rows={4}
          maxLength={2000}
          showCount
          aria-label={t("residentEvents.what")}
        />
      </Form.Item>
      <Form.Item label={t("residentEvents.photo")} description={t("residentEvents.photoHint")}>
        <PhotoPicker value={photo} onChange={setPhoto} />
      </Form.Item>
      {(!categoryKey || isPublicCategory(categoryKey)) && (
        <Form.Item
          label={t("residentEvents.public")}
          description={t("residentEvents.publicHint")}
          childElementPosition="right"
        >
          <Switch checked={isPublic} onChange={setIsPublic} aria-label={t("residentEvents.public")} />
        </Form.Item>
      )}
      <Form.Item label={t("residentEvents.where")}>
        <Button onClick={locate} loading={locating}>
          {point
            ? t("residentEvents.located", { longitude: point[0], latitude: point[1] })
            : t("residentEvents.useLocation")}
        </Button>
      </Form.Item>
    </Form>
  );
}

/** One of the resident's reports: where it is, what was done, and their verdict once it is settled. */
export function ResidentReportDetail({ id, onBack }: { id: string; onBack: () => void }) {
  const time = useTimeFormat();
  const { t } = useTranslation();
  const fail = useToastFail();
  const [event, setEvent] = useState<EventDetail>();
  const [missing, setMissing] = useState(false);
  const load = useCallback(
    () =>
      getEvent(id).then(setEvent, (e) => {
        if (toApiError(e).status === 404) setMissing(true);
        else fail(e);
      }),
    [id, fail],
  );
  useEffect(() => {
    load();
  }, [load]);
  const back = (
    <NavBar onBack={onBack} backIcon backArrow>
      {t("residentEvents.mine")}
    </NavBar>
  );
  if (missing)
    return (
      <>
        {back}
        <Result status="warning" title={t("common.notFound")} />
      </>
    );
  if (!event) return back;
  const canJudge = isSettled(event.state) && !event.satisfaction;
  const judge = async (verdict: (typeof SATISFACTION)[number]) => {
    try {
      setEvent(await giveFeedback(event.id, verdict));
      Toast.show({ content: t("residentEvents.thanks") });
    } catch (e) {
      fail(e);
    }
  };
  // The server says whether the reporter may still reopen it (within 15 days of being settled).
  const canReopen = event.allowedActions.includes("reopen");
  const reopen = async () => {
    let reason = "";
    const go = await Dialog.confirm({
      title: t("residentEvents.reopen"),
      content: (
        <TextArea
          rows={3}
          maxLength={500}
          placeholder={t("residentEvents.reopenHint")}
          aria-label={t("residentEvents.reopenHint")}
          onChange={(v) => {
            reason = v;
          }}
        />
      ),
      confirmText: t("residentEvents.reopen"),
      cancelText: t("common.cancel"),
    });
    if (!go) return;
    if (!reason.trim()) {
      Toast.show({ content: t("residentEvents.reopenHint") });
      return;
    }
    try {
      setEvent(await transition(event.id, { action: "reopen", note: reason.trim() }));
      Toast.show({ content: t("residentEvents.reopened") });
    } catch (e) {
      fail(e);
    }
  };
  return (
    <div style={{ padding: 12 }}>
      {back}
      <Card
        title={<span translate="no">{event.number}</span>}
        extra={<Tag color="primary">{t(`events.state.${event.state}`)}</Tag>}
      >
        <p translate="no" style={{ whiteSpace: "pre-wrap" }}>
          {event.description}
        </p>
        <Tag fill="outline">{event.public ? t("residentEvents.shownPublicly") : t("residentEvents.notPublic")}</Tag>
      </Card>
      <Card title={t("residentEvents.progress")} style={{ marginTop: 12 }}>
        <Steps direction="vertical">
          {event.timeline
            .filter((s) => !s.action.startsWith("mediation_"))
            .map((s) => (
              <Steps.Step
                key={`${s.at}-${s.action}`}
                status="finish"
                title={t(`events.step.${s.action}`)}
                description={`${time.dateTime(s.at)}${s.note ? ` · ${s.note}` : ""}`}
              />
            ))}
        </Steps>
      </Card>
      {canJudge && (
        <Card title={t("residentEvents.judge")} style={{ marginTop: 12 }}>
          {SATISFACTION.map((v) => (
            <Button key={v} style={{ margin: 4 }} onClick={() => judge(v)}>
              {t(`events.satisfaction.${v}`)}
            </Button>
          ))}
        </Card>
      )}
      {event.satisfaction && (
        <Card style={{ marginTop: 12 }}>
          {t("residentEvents.judged", { verdict: t(`events.satisfaction.${event.satisfaction}`) })}
        </Card>
      )}
      {canReopen && (
        <Card style={{ marginTop: 12 }}>
          <p>{t("residentEvents.reopenWhy")}</p>
          <Button block onClick={reopen}>
            {t("residentEvents.reopen")}
          </Button>
        </Card>
      )}
    </div>
  );
}
