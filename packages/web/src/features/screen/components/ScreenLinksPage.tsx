import { SCREEN_LINK_MAX_DAYS, SCREEN_LINK_NAME_MAX } from "@wangge/core";
import { Alert, App, Button, Form, Input, InputNumber, Modal, Popconfirm, Space, Table, Tag, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { AreaSelect } from "../../../components/AreaSelect.tsx";
import { useFormFail } from "../../../components/useFormFail.tsx";
import { createScreenLink, listScreenLinks, revokeScreenLink, type ScreenLink } from "../api/screen.ts";

/**
 * 大屏链接: the console page where an official with screen.manage issues a read-only link for a wall
 * of one of their areas (its address shown once, to copy into the wall's kiosk browser), sees when
 * each wall last read its screen, and revokes a link — its walls go dark at once.
 */
export function ScreenLinksPage({ timezone }: { timezone: string }) {
  const { t, i18n } = useTranslation();
  const fail = useFormFail();
  const { message } = App.useApp();
  const [links, setLinks] = useState<ScreenLink[]>();
  const [creating, setCreating] = useState(false);
  const [issued, setIssued] = useState<{ name: string; url: string }>();
  const load = useCallback(
    () =>
      listScreenLinks().then(
        (r) => setLinks(r.items),
        (e) => fail(e),
      ),
    [fail],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const time = (iso: string | null) =>
    iso
      ? new Intl.DateTimeFormat(i18n.language, {
          timeZone: timezone,
          dateStyle: "medium",
          timeStyle: "short",
          hourCycle: "h23",
        }).format(new Date(iso))
      : "—";
  const stateOf = (l: ScreenLink) =>
    l.revokedAt ? "revoked" : l.expiresAt && new Date(l.expiresAt) <= new Date() ? "expired" : "active";

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      <Space style={{ width: "100%", justifyContent: "space-between" }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t("screenLinks.title")}
        </Typography.Title>
        <Button type="primary" onClick={() => setCreating(true)}>
          {t("screenLinks.create")}
        </Button>
      </Space>
      <Typography.Text type="secondary">{t("screenLinks.intro")}</Typography.Text>
      {issued ? (
        <Alert
          type="success"
          showIcon
          closable
          onClose={() => setIssued(undefined)}
          message={t("screenLinks.issued", { name: issued.name })}
          description={
            <Space direction="vertical" style={{ width: "100%" }}>
              <Typography.Text>{t("screenLinks.copyOnce")}</Typography.Text>
              <Typography.Text code copyable data-testid="screen-link-url" translate="no">
                {issued.url}
              </Typography.Text>
            </Space>
          }
        />
      ) : null}
      <Table<ScreenLink>
        rowKey="id"
        loading={!links}
        dataSource={links ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t("screenLinks.none") }}
        columns={[
          { title: t("screenLinks.name"), dataIndex: "name", render: (v: string) => <span translate="no">{v}</span> },
          {
            title: t("screenLinks.area"),
            render: (_, l) => <span translate="no">{l.area.name}</span>,
          },
          { title: t("screenLinks.prefix"), dataIndex: "prefix", render: (v: string) => <code>{v}…</code> },
          {
            title: t("screenLinks.createdBy"),
            render: (_, l) => (
              <span translate="no">
                {l.createdBy ?? "—"} · {time(l.createdAt)}
              </span>
            ),
          },
          {
            title: t("screenLinks.expiresAt"),
            render: (_, l) => (l.expiresAt ? time(l.expiresAt) : t("screenLinks.never")),
          },
          { title: t("screenLinks.lastUsedAt"), render: (_, l) => time(l.lastUsedAt) },
          {
            title: t("screenLinks.state"),
            render: (_, l) => {
              const s = stateOf(l);
              return <Tag color={s === "active" ? "green" : "default"}>{t(`screenLinks.states.${s}`)}</Tag>;
            },
          },
          {
            title: t("screenLinks.actions"),
            render: (_, l) =>
              l.revokedAt ? null : (
                <Popconfirm
                  title={t("screenLinks.revokeConfirm", { name: l.name })}
                  okText={t("screenLinks.revoke")}
                  cancelText={t("common.cancel")}
                  onConfirm={() =>
                    revokeScreenLink(l.id).then(
                      () => {
                        message.success(t("screenLinks.revoked"));
                        return load();
                      },
                      (e) => fail(e),
                    )
                  }
                >
                  <Button danger size="small">
                    {t("screenLinks.revoke")}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      <CreateLinkModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(name, token) => {
          setCreating(false);
          if (token) setIssued({ name, url: `${window.location.origin}/screen#token=${token}` });
          void load();
        }}
      />
    </Space>
  );
}

function CreateLinkModal({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (name: string, token: string | null) => void;
}) {
  const { t } = useTranslation();
  const fail = useFormFail();
  const [form] = Form.useForm<{ name: string; areaCode: string; expiresInDays: number | null }>();
  // One id per link being made: a retried submit (a lost answer, a double click) makes no second link.
  const [id, setId] = useState(() => crypto.randomUUID());
  const [busy, setBusy] = useState(false);
  const submit = (values: { name: string; areaCode: string; expiresInDays: number | null }) => {
    setBusy(true);
    createScreenLink({ id, name: values.name, areaCode: values.areaCode, expiresInDays: values.expiresInDays ?? null })
      .then(
        (r) => {
          form.resetFields();
          setId(crypto.randomUUID());
          onCreated(r.link.name, r.token);
        },
        (e) => fail(e, form),
      )
      .finally(() => setBusy(false));
  };
  return (
    <Modal
      open={open}
      title={t("screenLinks.create")}
      okText={t("screenLinks.issue")}
      cancelText={t("common.cancel")}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={submit} preserve={false}>
        <Form.Item
          name="name"
          label={t("screenLinks.name")}
          rules={[{ required: true, whitespace: true, message: t("screenLinks.nameRequired") }]}
        >
          <Input maxLength={SCREEN_LINK_NAME_MAX} placeholder={t("screenLinks.namePlaceholder")} />
        </Form.Item>
        <Form.Item
          name="areaCode"
          label={t("screenLinks.area")}
          rules={[{ required: true, message: t("screenLinks.areaRequired") }]}
        >
          <AreaSelect levels={["province", "city", "county", "township", "village"]} label={t("screenLinks.area")} />
        </Form.Item>
        <Form.Item name="expiresInDays" label={t("screenLinks.expiresInDays")} extra={t("screenLinks.expiresHint")}>
          <InputNumber min={1} max={SCREEN_LINK_MAX_DAYS} precision={0} style={{ width: 160 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
