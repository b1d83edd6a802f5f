import { Alert, App, Button, Card, Checkbox, Form, Input, Modal, Select, Space, Table, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { AreaName } from "../../../components/AreaName.tsx";
import { AreaSelect } from "../../../components/AreaSelect.tsx";
import { useTimeFormat } from "../../../lib/format-time.ts";
import {
  createOpen311Key,
  type IntakeDevice,
  listDevices,
  listOpen311Keys,
  type Open311Key,
  registerDevice,
  retireDevice,
  revokeOpen311Key,
} from "../api/events.ts";
import { useCategories, useFail, useLang } from "./shared.tsx";

/** Who may report events from outside: Open311 clients (API keys) and devices (signed webhooks). */
export function IntegrationsTab({ canKeys, canDevices }: { canKeys: boolean; canDevices: boolean }) {
  return (
    <Space direction="vertical" style={{ width: "100%" }} size="large">
      {canKeys && <Open311Keys />}
      {canDevices && <Devices />}
    </Space>
  );
}

/** A secret shown once, to be copied now. */
function ShownOnce({ secret, onClose }: { secret: string | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal open={Boolean(secret)} onOk={onClose} onCancel={onClose} title={t("events.shownOnce")}>
      <Alert type="warning" showIcon title={t("events.shownOnceHint")} style={{ marginBottom: 12 }} />
      <Typography.Paragraph copyable code translate="no">
        {secret}
      </Typography.Paragraph>
    </Modal>
  );
}

function Open311Keys() {
  const time = useTimeFormat();
  const { t } = useTranslation();
  const fail = useFail();
  const { modal } = App.useApp();
  const [keys, setKeys] = useState<Open311Key[]>();
  const [secret, setSecret] = useState<string>();
  const [name, setName] = useState("");
  const [requestsPublic, setRequestsPublic] = useState(true);
  const load = useCallback(() => listOpen311Keys().then(setKeys, fail), [fail]);
  useEffect(() => {
    load();
  }, [load]);
  return (
    <Card title={t("events.open311Keys")}>
      <Typography.Paragraph type="secondary">{t("events.open311Hint")}</Typography.Paragraph>
      <Space style={{ marginBottom: 12 }}>
        <Input
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder={t("events.keyName")}
          aria-label={t("events.keyName")}
          maxLength={60}
        />
        <Checkbox checked={requestsPublic} onChange={(e) => setRequestsPublic(e.target.checked)}>
          {t("events.keyRequestsPublic")}
        </Checkbox>
        <Button
          type="primary"
          disabled={!name.trim()}
          onClick={() =>
            createOpen311Key(name.trim(), requestsPublic).then(
              (k) => {
                setSecret(k.key);
                setName("");
                setRequestsPublic(true);
                load();
              },
              (e) => fail(e),
            )
          }
        >
          {t("events.createKey")}
        </Button>
      </Space>
      <Table
        rowKey="id"
        size="small"
        loading={!keys}
        dataSource={keys}
        pagination={false}
        columns={[
          { title: t("events.keyName"), dataIndex: "name", render: (v: string) => <span translate="no">{v}</span> },
          {
            title: t("events.keyPrefix"),
            dataIndex: "prefix",
            render: (v: string) => <code translate="no">{v}…</code>,
          },
          {
            title: t("events.keyPublicColumn"),
            dataIndex: "requestsPublic",
            render: (v: boolean) => (v ? t("events.publicYes") : t("events.publicNo")),
          },
          {
            title: t("events.lastUsed"),
            dataIndex: "lastUsedAt",
            render: (v: string | null) => (v ? time.dateTime(v) : "—"),
          },
          {
            title: "",
            render: (_: unknown, k: Open311Key) =>
              k.revokedAt ? (
                t("events.revoked")
              ) : (
                <Button
                  size="small"
                  danger
                  onClick={() =>
                    modal.confirm({
                      title: t("events.revokeConfirm"),
                      onOk: () => revokeOpen311Key(k.id).then(load, fail),
                    })
                  }
                >
                  {t("events.revoke")}
                </Button>
              ),
          },
        ]}
      />
      <ShownOnce secret={secret} onClose={() => setSecret(undefined)} />
    </Card>
  );
}

function Devices() {
  const time = useTimeFormat();
  const { t } = useTranslation();
  const lang = useLang();
  const fail = useFail();
  const { categories } = useCategories();
  const [devices, setDevices] = useState<IntakeDevice[]>();
  const [secret, setSecret] = useState<string>();
  const [form] = Form.useForm();
  const load = useCallback(() => listDevices().then(setDevices, fail), [fail]);
  useEffect(() => {
    load();
  }, [load]);
  return (
    <Card title={t("events.devices")}>
      <Typography.Paragraph type="secondary">{t("events.devicesHint")}</Typography.Paragraph>
      <Form
        form={form}
        layout="inline"
        style={{ marginBottom: 12 }}
        onFinish={(v) =>
          registerDevice(v).then(
            (d) => {
              setSecret(d.secret);
              form.resetFields();
              load();
            },
            (e) => fail(e, form),
          )
        }
      >
        <Form.Item name="deviceKey" rules={[{ required: true, message: t("events.required") }]}>
          <Input placeholder={t("events.deviceKey")} aria-label={t("events.deviceKey")} />
        </Form.Item>
        <Form.Item name="name" rules={[{ required: true, message: t("events.required") }]}>
          <Input placeholder={t("events.deviceName")} aria-label={t("events.deviceName")} />
        </Form.Item>
        <Form.Item name="categoryKey" rules={[{ required: true, message: t("events.required") }]}>
          <Select
            style={{ width: 180 }}
            placeholder={t("events.category")}
            aria-label={t("events.category")}
            options={categories.filter((c) => c.parentKey).map((c) => ({ value: c.key, label: c.name[lang] }))}
          />
        </Form.Item>
        <Form.Item name="areaCode" rules={[{ required: true, message: t("events.required") }]}>
          <AreaSelect label={t("events.area")} placeholder={t("events.area")} style={{ width: 220 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t("events.registerDevice")}
        </Button>
      </Form>
      <Table
        rowKey="id"
        size="small"
        loading={!devices}
        dataSource={devices}
        pagination={false}
        columns={[
          {
            title: t("events.deviceKey"),
            dataIndex: "deviceKey",
            render: (v: string) => <code translate="no">{v}</code>,
          },
          { title: t("events.deviceName"), dataIndex: "name", render: (v: string) => <span translate="no">{v}</span> },
          {
            title: t("events.area"),
            dataIndex: "areaCode",
            render: (v: string | null) => <AreaName code={v} />,
          },
          {
            title: t("events.keyPublicColumn"),
            dataIndex: "requestsPublic",
            render: (v: boolean) => (v ? t("events.publicYes") : t("events.publicNo")),
          },
          {
            title: t("events.lastUsed"),
            dataIndex: "lastSeenAt",
            render: (v: string | null) => (v ? time.dateTime(v) : "—"),
          },
          {
            title: "",
            render: (_: unknown, d: IntakeDevice) =>
              d.revokedAt ? (
                t("events.revoked")
              ) : (
                <Button size="small" danger onClick={() => retireDevice(d.id).then(load, fail)}>
                  {t("events.retire")}
                </Button>
              ),
          },
        ]}
      />
      <ShownOnce secret={secret} onClose={() => setSecret(undefined)} />
    </Card>
  );
}
