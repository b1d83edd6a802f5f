import {
  App,
  Button,
  Checkbox,
  Descriptions,
  Drawer,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
  Upload,
} from "antd";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { AreaSelect } from "../../../components/AreaSelect.tsx";
import { useFormFail } from "../../../components/useFormFail.tsx";
import { apiFetch } from "../../../lib/api-client.ts";
import { useTimeFormat } from "../../../lib/format-time.ts";
import {
  getNoticeDelivery,
  type Loudspeaker,
  listLoudspeakers,
  listNotices,
  type Notice,
  type NoticeChannel,
  type NoticeDeliveryDetail,
  registerLoudspeaker,
  retireLoudspeaker,
  sendNotice,
  uploadAudio,
} from "../api/notices.ts";

interface TagOption {
  key: string;
  category: "care" | "service" | "sensitive";
  name: { "zh-CN": string; en: string };
}

/**
 * 通知公告 in the console: the notices sent to one's areas with how far each got (read receipts,
 * loudspeakers, households told only by a loudspeaker), sending one, and — for whoever configures the
 * deployment's devices — the village loudspeakers of 云广播.
 */
export function NoticesPage({ canSend, canConfigure }: { canSend: boolean; canConfigure: boolean }) {
  const { t } = useTranslation();
  const items = [
    ...(canSend ? [{ key: "notices", label: t("notices.sent"), children: <SentNotices /> }] : []),
    ...(canConfigure ? [{ key: "loudspeakers", label: t("notices.loudspeakers"), children: <Loudspeakers /> }] : []),
  ];
  return (
    <>
      <Typography.Title level={3}>{t("notices.title")}</Typography.Title>
      <Tabs items={items} />
    </>
  );
}

function SentNotices() {
  const time = useTimeFormat();
  const { t } = useTranslation();
  const fail = useFormFail();
  const [notices, setNotices] = useState<Notice[]>();
  const [composing, setComposing] = useState(false);
  const [open, setOpen] = useState<string>();
  const load = useCallback(() => listNotices().then(setNotices, (e) => fail(e)), [fail]);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <>
      <Space style={{ marginBottom: 16 }}>
        <Button type="primary" onClick={() => setComposing(true)}>
          {t("notices.send")}
        </Button>
        <Button onClick={() => load()}>{t("notices.refresh")}</Button>
      </Space>
      <Table<Notice>
        rowKey="id"
        loading={!notices}
        dataSource={notices ?? []}
        pagination={{ pageSize: 20 }}
        onRow={(n) => ({ onClick: () => setOpen(n.id), style: { cursor: "pointer" } })}
        columns={[
          {
            title: t("notices.noticeTitle"),
            dataIndex: "title",
            render: (title: string, n) => (
              <Space>
                {n.urgent && <Tag color="red">{t("notices.urgent")}</Tag>}
                <span translate="no">{title}</span>
              </Space>
            ),
          },
          { title: t("notices.area"), dataIndex: "areaName", render: (v: string) => <span translate="no">{v}</span> },
          {
            title: t("notices.sentAt"),
            dataIndex: "sentAt",
            render: (v: string) => time.dateTime(v),
          },
          {
            title: t("notices.readBy"),
            render: (_: unknown, n) =>
              t("notices.readCount", {
                read: n.delivery.residentsRead + n.delivery.workersRead,
                total: n.delivery.residents + n.delivery.workers,
              }),
          },
          {
            title: t("notices.loudspeakers"),
            render: (_: unknown, n) =>
              t("notices.playedCount", { played: n.delivery.loudspeakersPlayed, total: n.delivery.loudspeakers }),
          },
          {
            title: t("notices.loudspeakerOnly"),
            render: (_: unknown, n) => n.delivery.householdsLoudspeakerOnly,
          },
        ]}
      />
      <SendNoticeDrawer
        open={composing}
        onClose={() => setComposing(false)}
        onSent={(id) => {
          setComposing(false);
          void load();
          setOpen(id);
        }}
      />
      <DeliveryDrawer id={open} onClose={() => setOpen(undefined)} />
    </>
  );
}

function SendNoticeDrawer({
  open,
  onClose,
  onSent,
}: {
  open: boolean;
  onClose: () => void;
  onSent: (id: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const fail = useFormFail();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [tags, setTags] = useState<TagOption[]>([]);
  // One id per notice being written (and per recording): sending twice (a double click, a retry) sends it once.
  const id = useRef(crypto.randomUUID());
  const audioId = useRef(crypto.randomUUID());
  const [audio, setAudio] = useState<File>();
  useEffect(() => {
    if (!open) return;
    apiFetch<TagOption[]>("/api/v1/tags").then(
      (all) => setTags(all.filter((tag) => tag.category !== "sensitive")),
      () => setTags([]),
    );
  }, [open]);
  const lang = i18n.language === "en" ? "en" : "zh-CN";
  const tagOptions = useMemo(() => tags.map((tag) => ({ value: tag.key, label: tag.name[lang] })), [tags, lang]);
  const submit = async (values: {
    title: string;
    body: string;
    areaCode: string;
    tagKey?: string;
    urgent?: boolean;
    channels: NoticeChannel[];
  }) => {
    setBusy(true);
    try {
      // The recording first: the notice names it, and the loudspeakers may fetch it at once.
      if (audio) await uploadAudio(audioId.current, audio);
      const notice = await sendNotice({
        id: id.current,
        title: values.title,
        body: values.body,
        areaCode: values.areaCode,
        ...(values.tagKey ? { tagKey: values.tagKey } : {}),
        urgent: Boolean(values.urgent),
        channels: values.channels,
        ...(audio ? { audioId: audioId.current } : {}),
      });
      message.success(t("notices.sentOk"));
      id.current = crypto.randomUUID();
      audioId.current = crypto.randomUUID();
      setAudio(undefined);
      form.resetFields();
      onSent(notice.id);
    } catch (e) {
      fail(e, form);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Drawer open={open} onClose={onClose} title={t("notices.send")} width={520} destroyOnHidden={false}>
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ channels: ["app", "field", "loudspeaker"], urgent: false }}
      >
        <Form.Item name="title" label={t("notices.noticeTitle")} rules={[{ required: true, max: 60 }]}>
          <Input maxLength={60} showCount />
        </Form.Item>
        <Form.Item
          name="body"
          label={t("notices.body")}
          extra={t("notices.bodyHint")}
          rules={[{ required: true, max: 1000 }]}
        >
          <Input.TextArea rows={5} maxLength={1000} showCount />
        </Form.Item>
        <Form.Item name="areaCode" label={t("notices.area")} rules={[{ required: true }]}>
          <AreaSelect label={t("notices.area")} />
        </Form.Item>
        <Form.Item name="tagKey" label={t("notices.tag")} extra={t("notices.tagHint")}>
          <Select allowClear options={tagOptions} aria-label={t("notices.tag")} placeholder={t("notices.everyone")} />
        </Form.Item>
        <Form.Item name="urgent" label={t("notices.urgent")} valuePropName="checked" extra={t("notices.urgentHint")}>
          <Switch aria-label={t("notices.urgent")} />
        </Form.Item>
        <Form.Item label={t("notices.audio")} extra={t("notices.audioHint")}>
          <Upload
            accept="audio/*"
            maxCount={1}
            fileList={audio ? [{ uid: audioId.current, name: audio.name, status: "done" }] : []}
            beforeUpload={(file) => {
              audioId.current = crypto.randomUUID();
              setAudio(file);
              return false;
            }}
            onRemove={() => setAudio(undefined)}
          >
            <Button>{t("notices.chooseAudio")}</Button>
          </Upload>
        </Form.Item>
        <Form.Item name="channels" label={t("notices.channels")} rules={[{ required: true }]}>
          <Checkbox.Group
            options={(["app", "field", "loudspeaker"] as const).map((c) => ({
              value: c,
              label: t(`notices.channel.${c}`),
            }))}
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} block data-testid="send-notice">
          {t("notices.sendNow")}
        </Button>
      </Form>
    </Drawer>
  );
}

function DeliveryDrawer({ id, onClose }: { id: string | undefined; onClose: () => void }) {
  const time = useTimeFormat();
  const { t } = useTranslation();
  const fail = useFormFail();
  const [detail, setDetail] = useState<NoticeDeliveryDetail>();
  useEffect(() => {
    setDetail(undefined);
    if (id) getNoticeDelivery(id).then(setDetail, (e) => fail(e));
  }, [id, fail]);
  const d = detail?.notice.delivery;
  return (
    <Drawer open={Boolean(id)} onClose={onClose} width={640} title={detail?.notice.title ?? ""}>
      {detail && d && (
        <>
          <Typography.Paragraph translate="no" style={{ whiteSpace: "pre-wrap" }}>
            {detail.notice.body}
          </Typography.Paragraph>
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t("notices.area")}>
              <span translate="no">{detail.notice.areaName}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t("notices.channels")}>
              {detail.notice.channels.map((c) => t(`notices.channel.${c}`)).join("、")}
              {detail.notice.audioId ? ` · ${t("notices.hasAudio")}` : ""}
            </Descriptions.Item>
            <Descriptions.Item label={t("notices.residentsRead")}>
              {t("notices.readCount", { read: d.residentsRead, total: d.residents })}
            </Descriptions.Item>
            <Descriptions.Item label={t("notices.workersRead")}>
              {t("notices.readCount", { read: d.workersRead, total: d.workers })}
            </Descriptions.Item>
            <Descriptions.Item label={t("notices.households")}>
              {t("notices.householdsSummary", {
                total: d.households,
                app: d.householdsWithApp,
                only: d.householdsLoudspeakerOnly,
              })}
            </Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t("notices.loudspeakers")}
          </Typography.Title>
          <Table
            rowKey="deviceId"
            size="small"
            pagination={false}
            dataSource={detail.loudspeakers}
            columns={[
              { title: t("notices.deviceName"), dataIndex: "name" },
              {
                title: t("notices.state"),
                dataIndex: "state",
                render: (s: string) => (
                  <Tag color={s === "played" ? "green" : s === "failed" ? "red" : "blue"}>
                    {t(`notices.itemState.${s}`)}
                  </Tag>
                ),
              },
              {
                title: t("notices.doneAt"),
                dataIndex: "doneAt",
                render: (v: string | null) => (v ? time.dateTime(v) : "—"),
              },
              { title: t("notices.detail"), dataIndex: "detail", render: (v: string | null) => v ?? "" },
            ]}
          />
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t("notices.recipients")}
          </Typography.Title>
          <Table
            rowKey={(r) => `${r.kind}-${r.name}-${r.readAt}`}
            size="small"
            pagination={{ pageSize: 20 }}
            dataSource={detail.recipients}
            columns={[
              {
                title: t("notices.recipient"),
                dataIndex: "name",
                render: (v: string) => <span translate="no">{v}</span>,
              },
              { title: t("notices.kind"), dataIndex: "kind", render: (k: string) => t(`notices.recipientKind.${k}`) },
              {
                title: t("notices.readAt"),
                dataIndex: "readAt",
                render: (v: string | null) => (v ? time.dateTime(v) : t("notices.unread")),
              },
            ]}
          />
        </>
      )}
    </Drawer>
  );
}

function Loudspeakers() {
  const time = useTimeFormat();
  const { t } = useTranslation();
  const fail = useFormFail();
  const { modal } = App.useApp();
  const [form] = Form.useForm();
  const [speakers, setSpeakers] = useState<Loudspeaker[]>();
  const [secret, setSecret] = useState<string>();
  const load = useCallback(() => listLoudspeakers().then(setSpeakers, (e) => fail(e)), [fail]);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <>
      <Typography.Paragraph type="secondary">{t("notices.loudspeakersHint")}</Typography.Paragraph>
      <Form
        form={form}
        layout="inline"
        style={{ marginBottom: 16 }}
        onFinish={(values: { deviceKey: string; name: string; areaCode: string }) =>
          registerLoudspeaker(values).then(
            (d) => {
              setSecret(d.secret);
              form.resetFields();
              void load();
            },
            (e) => fail(e, form),
          )
        }
      >
        <Form.Item name="deviceKey" label={t("notices.deviceKey")} rules={[{ required: true }]}>
          <Input placeholder="spk-village-01" />
        </Form.Item>
        <Form.Item name="name" label={t("notices.deviceName")} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="areaCode" label={t("notices.deviceArea")} rules={[{ required: true }]}>
          <AreaSelect
            label={t("notices.deviceArea")}
            levels={["village", "grid", "microgrid"]}
            style={{ width: 220 }}
          />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t("notices.register")}
        </Button>
      </Form>
      <Table<Loudspeaker>
        rowKey="id"
        loading={!speakers}
        dataSource={speakers ?? []}
        pagination={false}
        columns={[
          { title: t("notices.deviceKey"), dataIndex: "deviceKey" },
          { title: t("notices.deviceName"), dataIndex: "name" },
          { title: t("notices.deviceArea"), dataIndex: "areaCode" },
          {
            title: t("notices.lastSeen"),
            dataIndex: "lastSeenAt",
            render: (v: string | null) => (v ? time.dateTime(v) : "—"),
          },
          {
            title: "",
            render: (_: unknown, d) =>
              d.revokedAt ? (
                <Tag>{t("notices.retired")}</Tag>
              ) : (
                <Button
                  danger
                  size="small"
                  onClick={() =>
                    modal.confirm({
                      title: t("notices.retireConfirm", { name: d.name }),
                      onOk: () => retireLoudspeaker(d.id).then(load, (e) => fail(e)),
                    })
                  }
                >
                  {t("notices.retire")}
                </Button>
              ),
          },
        ]}
      />
      <Modal
        open={Boolean(secret)}
        onOk={() => setSecret(undefined)}
        onCancel={() => setSecret(undefined)}
        title={t("notices.shownOnce")}
      >
        <Typography.Paragraph copyable code data-testid="loudspeaker-secret">
          {secret}
        </Typography.Paragraph>
      </Modal>
    </>
  );
}
