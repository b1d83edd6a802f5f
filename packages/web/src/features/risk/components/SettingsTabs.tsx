import { ROLE_KEYS } from "@wangge/core";
import {
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  List,
  Modal,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { toApiError } from "../../../lib/api-client.ts";
import { problemLines } from "../../../lib/problem.ts";
import {
  createPlaybook,
  createSensitiveDate,
  deleteSensitiveDate,
  listPlaybooks,
  listSensitiveDates,
  type PlaybookView,
  type SensitiveDateView,
  savePlaybook,
} from "../api/risk.ts";
import { roleName } from "./AlertsTab.tsx";

/** Playbooks (预案): steps with the role that does each and its deadline; edited by who configures risk everywhere. */
export function PlaybooksTab({ canEdit }: { canEdit: boolean }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [items, setItems] = useState<PlaybookView[]>();
  const [editing, setEditing] = useState<PlaybookView | "new">();
  const [form] = Form.useForm();
  const load = useCallback(() => {
    listPlaybooks().then(setItems, (e) => message.error(problemLines(t, e).join(" ")));
  }, [message, t]);
  useEffect(load, [load]);
  useEffect(() => {
    if (!editing) return;
    form.setFieldsValue(
      editing === "new"
        ? { name: "", description: "", active: true, steps: [{ title: "", role: "grid_worker", dueHours: 24 }] }
        : editing,
    );
  }, [editing, form]);
  const save = async () => {
    const v = await form.validateFields();
    try {
      if (editing === "new")
        await createPlaybook({
          id: crypto.randomUUID(),
          name: v.name,
          description: v.description ?? "",
          steps: v.steps,
        });
      else if (editing)
        await savePlaybook(editing.id, {
          name: v.name,
          description: v.description ?? "",
          steps: v.steps,
          active: v.active,
        });
      setEditing(undefined);
      load();
    } catch (e) {
      message.error(problemLines(t, e, toApiError(e).errors).join(" "));
    }
  };
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      {canEdit ? (
        <Button type="primary" onClick={() => setEditing("new")}>
          {t("risk.playbooks.new")}
        </Button>
      ) : null}
      <List
        loading={!items}
        dataSource={items ?? []}
        locale={{ emptyText: t("risk.playbooks.none") }}
        renderItem={(p) => (
          <Card
            size="small"
            style={{ marginBottom: 12 }}
            title={
              <Space>
                {p.name}
                {p.active ? null : <Tag>{t("risk.playbooks.inactive")}</Tag>}
              </Space>
            }
            extra={
              canEdit ? (
                <Button size="small" onClick={() => setEditing(p)}>
                  {t("risk.playbooks.edit")}
                </Button>
              ) : null
            }
          >
            {p.description ? <Typography.Paragraph type="secondary">{p.description}</Typography.Paragraph> : null}
            <ol style={{ margin: 0 }}>
              {p.steps.map((s) => (
                <li key={`${s.title}:${s.role}`}>
                  {s.title} — {roleName(s.role, i18n.language)}，{t("risk.playbooks.within", { hours: s.dueHours })}
                </li>
              ))}
            </ol>
          </Card>
        )}
      />
      <Modal
        open={Boolean(editing)}
        width={820}
        title={editing === "new" ? t("risk.playbooks.new") : t("risk.playbooks.edit")}
        onCancel={() => setEditing(undefined)}
        onOk={save}
        okText={t("risk.rules.save")}
        cancelText={t("common.cancel")}
      >
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t("risk.playbooks.name")} rules={[{ required: true, min: 2 }]}>
            <Input maxLength={60} />
          </Form.Item>
          <Form.Item name="description" label={t("risk.playbooks.description")}>
            <Input.TextArea rows={2} maxLength={1000} />
          </Form.Item>
          {editing !== "new" ? (
            <Form.Item name="active" label={t("risk.playbooks.active")} valuePropName="checked">
              <Switch />
            </Form.Item>
          ) : null}
          <Form.List name="steps">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="start" wrap>
                    <Form.Item
                      name={[f.name, "title"]}
                      label={t("risk.playbooks.step")}
                      rules={[{ required: true, min: 2 }]}
                    >
                      <Input style={{ width: 320 }} maxLength={200} />
                    </Form.Item>
                    <Form.Item name={[f.name, "role"]} label={t("risk.playbooks.role")}>
                      <Select
                        style={{ width: 160 }}
                        options={ROLE_KEYS.filter((r) => r !== "resident" && r !== "screen").map((r) => ({
                          value: r,
                          label: roleName(r, i18n.language),
                        }))}
                      />
                    </Form.Item>
                    <Form.Item
                      name={[f.name, "dueHours"]}
                      label={t("risk.playbooks.dueHours")}
                      rules={[{ required: true }]}
                    >
                      <InputNumber min={1} max={2160} precision={0} />
                    </Form.Item>
                    <Button style={{ marginTop: 30 }} onClick={() => remove(f.name)} disabled={fields.length <= 1}>
                      {t("risk.playbooks.removeStep")}
                    </Button>
                  </Space>
                ))}
                <Button onClick={() => add({ title: "", role: "grid_worker", dueHours: 24 })}>
                  {t("risk.playbooks.addStep")}
                </Button>
              </>
            )}
          </Form.List>
        </Form>
      </Modal>
    </Space>
  );
}

/** The calendar of sensitive dates: a day (yearly or once) with a window before and after it. */
export function SensitiveDatesTab({ canEdit, areaCode }: { canEdit: boolean; areaCode: string | null }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [items, setItems] = useState<SensitiveDateView[]>();
  const [form] = Form.useForm();
  const load = useCallback(() => {
    listSensitiveDates().then(setItems, (e) => message.error(problemLines(t, e).join(" ")));
  }, [message, t]);
  useEffect(load, [load]);
  const add = async () => {
    const v = await form.validateFields();
    try {
      await createSensitiveDate({
        id: crypto.randomUUID(),
        name: v.name,
        onDate: v.onDate,
        recursYearly: Boolean(v.recursYearly),
        daysBefore: v.daysBefore,
        daysAfter: v.daysAfter,
        areaCode: v.areaCode ? v.areaCode : null,
      });
      form.resetFields();
      load();
    } catch (e) {
      message.error(problemLines(t, e, toApiError(e).errors).join(" "));
    }
  };
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      {canEdit ? (
        <Form
          form={form}
          layout="inline"
          initialValues={{ daysBefore: 3, daysAfter: 3, recursYearly: true, areaCode: areaCode ?? "" }}
        >
          <Form.Item name="name" label={t("risk.dates.name")} rules={[{ required: true, min: 2 }]}>
            <Input maxLength={60} />
          </Form.Item>
          <Form.Item name="onDate" label={t("risk.dates.day")} rules={[{ required: true }]}>
            <Input type="date" />
          </Form.Item>
          <Form.Item name="recursYearly" label={t("risk.dates.yearly")} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item name="daysBefore" label={t("risk.dates.before")}>
            <InputNumber min={0} max={60} precision={0} />
          </Form.Item>
          <Form.Item name="daysAfter" label={t("risk.dates.after")}>
            <InputNumber min={0} max={60} precision={0} />
          </Form.Item>
          <Form.Item name="areaCode" label={t("risk.dates.area")} tooltip={t("risk.dates.areaHint")}>
            <Input style={{ width: 140 }} />
          </Form.Item>
          <Button type="primary" onClick={add}>
            {t("risk.dates.add")}
          </Button>
        </Form>
      ) : null}
      <Table
        rowKey="id"
        size="small"
        loading={!items}
        dataSource={items ?? []}
        pagination={false}
        columns={[
          { title: t("risk.dates.name"), dataIndex: "name" },
          {
            title: t("risk.dates.day"),
            dataIndex: "onDate",
            render: (v: string, d) => (d.recursYearly ? `${v.slice(5)} (${t("risk.dates.yearly")})` : v),
          },
          {
            title: t("risk.dates.window"),
            key: "w",
            render: (_: unknown, d) => t("risk.dates.windowText", { before: d.daysBefore, after: d.daysAfter }),
          },
          {
            title: t("risk.dates.area"),
            dataIndex: "areaName",
            render: (v: string | null) => v ?? t("risk.dates.everywhere"),
          },
          ...(canEdit
            ? [
                {
                  title: "",
                  key: "x",
                  render: (_: unknown, d: SensitiveDateView) => (
                    <Popconfirm
                      title={t("risk.dates.confirmRemove")}
                      onConfirm={() =>
                        deleteSensitiveDate(d.id).then(load, (e) => message.error(problemLines(t, e).join(" ")))
                      }
                    >
                      <Button size="small">{t("risk.dates.remove")}</Button>
                    </Popconfirm>
                  ),
                },
              ]
            : []),
        ]}
      />
    </Space>
  );
}
