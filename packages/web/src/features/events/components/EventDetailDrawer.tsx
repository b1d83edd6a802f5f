import { UploadOutlined } from "@ant-design/icons";
import {
  type ClientConfig,
  type EventAction,
  type FeatureCollection,
  isDisputeCategory,
  isPublicCategory,
  TRANSITIONS,
} from "@wangge/core";
import {
  Alert,
  Button,
  Descriptions,
  Drawer,
  Form,
  Input,
  Modal,
  Space,
  Switch,
  Tabs,
  Tag,
  Timeline,
  Typography,
  Upload,
} from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { AreaName } from "../../../components/AreaName.tsx";
import { ReasonModal } from "../../../components/ReasonModal.tsx";
import { useTimeFormat } from "../../../lib/format-time.ts";
import { WgMap } from "../../../lib/map/WgMap.tsx";
import {
  type Attachment,
  areaShape,
  type EventDetail,
  type EventReveal,
  getEvent,
  listAttachments,
  revealEvent,
  setEventPublic,
  transition,
  uploadAttachment,
} from "../api/events.ts";
import { DisputePanel } from "./DisputePanel.tsx";
import { CandidateSelect, DispatchTargetField, MergeTargetSelect } from "./EventPickers.tsx";
import {
  DueText,
  type EventsPermissions,
  StateTag,
  SupervisedTag,
  useCategories,
  useFail,
  useLang,
} from "./shared.tsx";

/** What each action asks for besides the note (the workflow table in core says which need a note). */
const EXTRA: Partial<Record<EventAction, "assignee" | "area" | "unit" | "merge">> = {
  assign: "assignee",
  dispatch: "area",
  co_handle: "unit",
  merge: "merge",
};

/** Where the server's field errors of a transition go in the action's form. */
const ACTION_FIELDS = {
  "body.assigneeUserId": "assigneeUserId",
  "body.areaCode": "areaCode",
  "body.intoId": "intoId",
  "body.unit": "unit",
  "body.note": "note",
};

/** An event: its details, map, timeline, the actions open to it, its files and (for disputes) mediation. */
export function EventDetailDrawer({
  config,
  eventId,
  permissions,
  onClose,
  onChanged,
}: {
  config: ClientConfig;
  eventId: string | undefined;
  permissions: EventsPermissions;
  onClose: () => void;
  onChanged: () => void;
}) {
  const time = useTimeFormat();
  const { t } = useTranslation();
  const lang = useLang();
  const fail = useFail();
  const { categories } = useCategories();
  const [event, setEvent] = useState<EventDetail>();
  const [files, setFiles] = useState<Attachment[]>([]);
  const [area, setArea] = useState<FeatureCollection>();
  const [acting, setActing] = useState<EventAction>();
  const [publishing, setPublishing] = useState(false);
  // The event's numbers in clear, once asked for with a reason (audited); gone when it reloads.
  const [clear, setClear] = useState<EventReveal>();
  const [asking, setAsking] = useState(false);
  const togglePublic = (id: string, value: boolean) => {
    setPublishing(true);
    setEventPublic(id, value)
      .then((e) => {
        setEvent(e);
        onChanged();
      }, fail)
      .finally(() => setPublishing(false));
  };

  const load = useCallback(
    (id: string) => {
      setClear(undefined);
      getEvent(id).then((e) => {
        setEvent(e);
        areaShape(e.areaCode).then(setArea, () => setArea(undefined));
      }, fail);
      listAttachments(id).then(setFiles, () => setFiles([]));
    },
    [fail],
  );
  useEffect(() => {
    setEvent(undefined);
    if (eventId) load(eventId);
  }, [eventId, load]);

  const category = categories.find((c) => c.key === event?.categoryKey);
  const shown = clear ?? event;
  const clearName = new Map(clear?.attachments.map((a) => [a.id, a.fileName]));
  // Exactly the actions the server says this user may take on it now.
  const actions = event?.allowedActions ?? [];
  const point: FeatureCollection | undefined =
    event?.lng != null && event.lat != null
      ? {
          type: "FeatureCollection",
          features: [
            { type: "Feature", properties: {}, geometry: { type: "Point", coordinates: [event.lng, event.lat] } },
          ],
        }
      : undefined;

  return (
    <Drawer
      open={Boolean(eventId)}
      width={820}
      onClose={onClose}
      destroyOnHidden
      title={
        event ? (
          <Space>
            <span translate="no">{event.number}</span>
            <StateTag state={event.state} />
            <SupervisedTag event={event} />
          </Space>
        ) : (
          t("common.loading")
        )
      }
    >
      {event && (
        <Tabs
          items={[
            {
              key: "detail",
              label: t("events.detail"),
              children: (
                <Space direction="vertical" style={{ width: "100%" }} size="middle">
                  <Descriptions size="small" column={2} bordered>
                    <Descriptions.Item label={t("events.title")} span={2}>
                      <span translate="no">{shown?.title}</span>
                    </Descriptions.Item>
                    <Descriptions.Item label={t("events.description")} span={2}>
                      <span translate="no" style={{ whiteSpace: "pre-wrap" }}>
                        {shown?.description}
                      </span>
                    </Descriptions.Item>
                    <Descriptions.Item label={t("events.category")}>
                      {category?.name[lang] ?? event.categoryKey}
                    </Descriptions.Item>
                    <Descriptions.Item label={t("events.levelLabel")}>
                      {t(`events.level.${event.level}`)}
                    </Descriptions.Item>
                    <Descriptions.Item label={t("events.area")}>
                      <AreaName code={event.areaCode} withCode />
                    </Descriptions.Item>
                    <Descriptions.Item label={t("events.due")}>
                      {event.state === "suspended" ? t("events.clockStopped") : <DueText dueAt={event.dueAt} />}
                    </Descriptions.Item>
                    <Descriptions.Item label={t("eventTime.occurredAt")}>
                      <span data-testid="event-occurred-at">{time.dateTime(event.occurredAt)}</span>
                    </Descriptions.Item>
                    {Date.parse(event.createdAt) - Date.parse(event.occurredAt) >= 60_000 && (
                      <Descriptions.Item label={t("eventTime.receivedAt")}>
                        {time.dateTime(event.createdAt)}
                      </Descriptions.Item>
                    )}
                    <Descriptions.Item label={t("events.reporter")}>
                      <span translate="no">{event.reporterName ?? "—"}</span>
                    </Descriptions.Item>
                    <Descriptions.Item label={t("events.sourceLabel")}>
                      {t(`events.source.${event.source}`)}
                    </Descriptions.Item>
                    {event.contactPhone && (
                      <Descriptions.Item label={t("events.residentPhone")}>
                        {clear?.contactPhone ? (
                          <a href={`tel:${clear.contactPhone}`} translate="no" data-testid="event-clear-phone">
                            {clear.contactPhone}
                          </a>
                        ) : (
                          <span translate="no">{event.contactPhone}</span>
                        )}
                      </Descriptions.Item>
                    )}
                    {clear?.contactEmail && (
                      <Descriptions.Item label={t("events.residentEmail")}>
                        <span translate="no">{clear.contactEmail}</span>
                      </Descriptions.Item>
                    )}
                    {event.consentNote && (
                      <Descriptions.Item label={t("events.consent")}>
                        <span translate="no">{shown?.consentNote}</span>
                      </Descriptions.Item>
                    )}
                    {event.address && (
                      <Descriptions.Item label={t("events.address")} span={2}>
                        <span translate="no">{shown?.address}</span>
                      </Descriptions.Item>
                    )}
                    {event.coHandlers.length > 0 && (
                      <Descriptions.Item label={t("events.coHandlers")} span={2}>
                        <span translate="no">{event.coHandlers.map((c) => c.unit).join("、")}</span>
                      </Descriptions.Item>
                    )}
                    <Descriptions.Item label={t("events.publicLabel")} span={2}>
                      {permissions.canHandle && isPublicCategory(event.categoryKey) ? (
                        <Space>
                          <Switch
                            checked={event.public}
                            loading={publishing}
                            onChange={(v) => togglePublic(event.id, v)}
                            aria-label={t("events.publicLabel")}
                          />
                          <Typography.Text type="secondary">{t("events.publicHint")}</Typography.Text>
                        </Space>
                      ) : event.public ? (
                        t("events.publicYes")
                      ) : (
                        t("events.publicNo")
                      )}
                    </Descriptions.Item>
                    {event.resolvedLevel && (
                      <Descriptions.Item label={t("events.resolvedLevel")}>
                        {t(`events.level.${event.resolvedLevel}`)}
                      </Descriptions.Item>
                    )}
                    {event.satisfaction && (
                      <Descriptions.Item label={t("events.satisfactionLabel")}>
                        {t(`events.satisfaction.${event.satisfaction}`)}
                      </Descriptions.Item>
                    )}
                  </Descriptions>
                  {clear ? (
                    <Alert type="warning" showIcon message={t("events.revealedNote")} />
                  ) : (
                    (event.hidden.text || event.hidden.contact) && (
                      <Space>
                        <Typography.Text type="secondary">{t("events.maskedHint")}</Typography.Text>
                        {event.hidden.mayReveal && (
                          <Button size="small" onClick={() => setAsking(true)} data-testid="event-reveal">
                            {t("events.reveal")}
                          </Button>
                        )}
                      </Space>
                    )
                  )}
                  <ReasonModal
                    open={asking}
                    title={t("events.revealTitle")}
                    okText={t("events.revealConfirm")}
                    hint={t("events.revealHint")}
                    onCancel={() => setAsking(false)}
                    onReason={(reason) =>
                      revealEvent(event.id, reason).then((c) => {
                        setClear(c);
                        setAsking(false);
                      }, fail)
                    }
                  />
                  {actions.length > 0 && (
                    <Space wrap>
                      {actions.map((a) => (
                        <Button key={a} onClick={() => setActing(a)} data-action={a}>
                          {t(`events.action.${a}`)}
                        </Button>
                      ))}
                    </Space>
                  )}
                  <WgMap
                    config={config.map}
                    height={260}
                    features={area}
                    overlay={point}
                    focus={point}
                    label={t("events.map")}
                  />
                  <Space direction="vertical" style={{ width: "100%" }}>
                    <Typography.Text strong>{t("events.attachments")}</Typography.Text>
                    {files.map((f) => (
                      <a
                        key={f.id}
                        href={`/api/v1/events/${event.id}/attachments/${f.id}`}
                        target="_blank"
                        rel="noreferrer"
                      >
                        <span translate="no">{clearName.get(f.id) ?? f.fileName}</span>
                        {f.hadLocation && <Tag style={{ marginLeft: 8 }}>{t("events.hadLocation")}</Tag>}
                      </a>
                    ))}
                    <Upload
                      showUploadList={false}
                      accept="image/jpeg,image/png,image/webp,application/pdf"
                      customRequest={({ file, onSuccess, onError }) => {
                        uploadAttachment(event.id, file as File).then(
                          (a) => {
                            onSuccess?.(a);
                            load(event.id);
                          },
                          (e) => {
                            onError?.(e as Error);
                            fail(e);
                          },
                        );
                      }}
                    >
                      <Button icon={<UploadOutlined />}>{t("events.attach")}</Button>
                    </Upload>
                  </Space>
                </Space>
              ),
            },
            {
              key: "timeline",
              label: t("events.timeline"),
              children: (
                <Timeline
                  items={event.timeline.map((s, i) => ({
                    color: s.action === "escalate" || s.action === "overdue" ? "red" : "blue",
                    children: (
                      <Space direction="vertical" size={0}>
                        <Typography.Text strong>
                          {t(`events.step.${s.action}`)} · {t(`events.level.${s.level}`)}
                        </Typography.Text>
                        <Typography.Text type="secondary">
                          {time.dateTime(s.at)} · <span translate="no">{s.actorName ?? ""}</span>
                        </Typography.Text>
                        {s.note && (
                          <Typography.Text translate="no" style={{ whiteSpace: "pre-wrap" }}>
                            {clear?.timeline[i]?.at === s.at ? clear.timeline[i]?.note : s.note}
                          </Typography.Text>
                        )}
                      </Space>
                    ),
                  }))}
                />
              ),
            },
            ...(isDisputeCategory(event.categoryKey)
              ? [
                  {
                    key: "dispute",
                    label: t("events.mediation"),
                    children: (
                      <DisputePanel eventId={event.id} canMediate={permissions.canMediate} timezone={config.timezone} />
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
      {event && acting && (
        <ActionModal
          event={event}
          action={acting}
          config={config}
          shape={area}
          onRefused={() => load(event.id)}
          onDone={(changed) => {
            setActing(undefined);
            if (changed) {
              setEvent(changed);
              onChanged();
            }
          }}
        />
      )}
    </Drawer>
  );
}

/**
 * One action's form: the person, area, department or event it needs (picked, never typed as an id)
 * and the note (required where the workflow table says). A refusal leaves everything typed in place,
 * shows the server's reason, and refreshes the event behind (its actions may have changed meanwhile).
 */
function ActionModal({
  event,
  action,
  config,
  shape,
  onDone,
  onRefused,
}: {
  event: EventDetail;
  action: EventAction;
  config: ClientConfig;
  shape: FeatureCollection | undefined;
  onDone: (changed?: EventDetail) => void;
  onRefused: () => void;
}) {
  const { t } = useTranslation();
  const fail = useFail();
  const [form] = Form.useForm<{
    note?: string;
    assigneeUserId?: string;
    areaCode?: string;
    unit?: string;
    intoId?: string;
  }>();
  const [busy, setBusy] = useState(false);
  const extra = EXTRA[action];
  const needsNote = TRANSITIONS[action].needsNote;
  const required = [{ required: true, message: t("events.required") }];
  const submit = async () => {
    const values = await form.validateFields();
    setBusy(true);
    try {
      const changed = await transition(event.id, {
        action,
        ...(values.note?.trim() ? { note: values.note.trim() } : {}),
        ...(extra === "assignee" ? { assigneeUserId: values.assigneeUserId } : {}),
        ...(extra === "area" ? { areaCode: values.areaCode } : {}),
        ...(extra === "unit" ? { unit: values.unit } : {}),
        ...(extra === "merge" ? { intoId: values.intoId } : {}),
      });
      onDone(changed);
    } catch (e) {
      const error = fail(e, form, ACTION_FIELDS);
      if (error.status === 403 || error.status === 409) onRefused();
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t(`events.action.${action}`)}
      onOk={submit}
      onCancel={() => onDone()}
      confirmLoading={busy}
      destroyOnHidden
      width={extra === "area" ? 640 : undefined}
    >
      <Form form={form} layout="vertical">
        {extra === "assignee" && (
          <Form.Item
            name="assigneeUserId"
            label={t("events.assignee")}
            extra={t("events.assigneeHint")}
            rules={required}
          >
            <CandidateSelect eventId={event.id} purpose="assignees" label={t("events.assignee")} />
          </Form.Item>
        )}
        {extra === "area" && (
          <Form.Item name="areaCode" label={t("events.dispatchTo")} rules={required}>
            <DispatchTargetField eventId={event.id} config={config} shape={shape} label={t("events.dispatchTo")} />
          </Form.Item>
        )}
        {extra === "unit" && (
          <Form.Item name="unit" label={t("events.unit")} rules={required}>
            <Input maxLength={100} />
          </Form.Item>
        )}
        {extra === "merge" && (
          <Form.Item name="intoId" label={t("events.mergeInto")} extra={t("events.mergeHint")} rules={required}>
            <MergeTargetSelect eventId={event.id} label={t("events.mergeInto")} />
          </Form.Item>
        )}
        <Form.Item name="note" label={t("events.note")} rules={needsNote ? required : []}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
