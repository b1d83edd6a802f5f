import { App, Button, Drawer, Form, Input, Space, Switch, Table, Tag } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { AreaSelect } from "../../../components/AreaSelect.tsx";
import { useFormFail } from "../../../components/useFormFail.tsx";
import {
  createProcedure,
  listManagedProcedures,
  type Procedure,
  type ProcedureInput,
  updateProcedure,
} from "../api/disclosures.ts";

/** 办事指南 in the console: the guides of the caller's areas, written, edited, published or withdrawn. */
interface Values extends Omit<ProcedureInput, "materials"> {
  areaCode?: string;
  materials: string;
}

export function ProceduresPanel({ areaCode }: { areaCode?: string | undefined }) {
  const { t } = useTranslation();
  const fail = useFormFail();
  const [rows, setRows] = useState<Procedure[]>();
  const [editing, setEditing] = useState<Procedure | "new">();
  const load = useCallback(
    () =>
      listManagedProcedures().then(setRows, (e) => {
        setRows([]);
        fail(e);
      }),
    [fail],
  );
  useEffect(() => {
    load();
  }, [load]);
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Button type="primary" onClick={() => setEditing("new")}>
        {t("disclosures.newProcedure")}
      </Button>
      <Table
        rowKey="id"
        loading={!rows}
        dataSource={rows}
        size="middle"
        onRow={(r) => ({ onClick: () => setEditing(r), style: { cursor: "pointer" } })}
        columns={[
          { title: t("disclosures.title"), dataIndex: "title", render: (v: string) => <span translate="no">{v}</span> },
          {
            title: t("disclosures.area"),
            dataIndex: "areaName",
            render: (v: string) => <span translate="no">{v}</span>,
          },
          {
            title: t("disclosures.where"),
            dataIndex: "location",
            render: (v: string) => <span translate="no">{v}</span>,
          },
          {
            title: t("disclosures.state"),
            dataIndex: "published",
            render: (p: boolean) => (
              <Tag color={p ? "success" : "default"}>
                {t(p ? "disclosures.states.published" : "disclosures.states.draft")}
              </Tag>
            ),
          },
        ]}
      />
      <Drawer
        open={Boolean(editing)}
        width={720}
        title={editing === "new" ? t("disclosures.newProcedure") : t("disclosures.editProcedure")}
        onClose={() => setEditing(undefined)}
        destroyOnClose
      >
        {editing && (
          <ProcedureForm
            item={editing === "new" ? undefined : editing}
            areaCode={areaCode}
            onSaved={() => {
              setEditing(undefined);
              load();
            }}
          />
        )}
      </Drawer>
    </Space>
  );
}

function ProcedureForm({
  item,
  areaCode,
  onSaved,
}: {
  item?: Procedure;
  areaCode?: string | undefined;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const fail = useFormFail();
  const [form] = Form.useForm<Values>();
  const [id] = useState(() => crypto.randomUUID());
  const [busy, setBusy] = useState(false);
  const save = async (v: Values) => {
    setBusy(true);
    const body: ProcedureInput = {
      title: v.title,
      materials: (v.materials ?? "")
        .split("\n")
        .map((m) => m.trim())
        .filter(Boolean),
      location: v.location,
      fees: v.fees ?? "",
      timeLimit: v.timeLimit ?? "",
      contact: v.contact ?? "",
      body: v.body ?? "",
      published: Boolean(v.published),
    };
    try {
      if (item) await updateProcedure(item.id, body);
      else await createProcedure({ ...body, id, areaCode: v.areaCode ?? "" });
      message.success(t("disclosures.saved"));
      onSaved();
    } catch (e) {
      fail(e, form);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form
      form={form}
      layout="vertical"
      onFinish={save}
      disabled={busy}
      initialValues={
        item
          ? { ...item, materials: item.materials.join("\n") }
          : { published: false, materials: "", ...(areaCode ? { areaCode } : {}) }
      }
    >
      {!item && (
        <Form.Item
          name="areaCode"
          label={t("disclosures.area")}
          rules={[{ required: true, message: t("disclosures.required") }]}
        >
          <AreaSelect levels={["county", "township", "village"]} label={t("disclosures.area")} />
        </Form.Item>
      )}
      <Form.Item
        name="title"
        label={t("disclosures.title")}
        rules={[{ required: true, message: t("disclosures.required") }]}
      >
        <Input maxLength={120} />
      </Form.Item>
      <Form.Item name="materials" label={t("disclosures.materials")} help={t("disclosures.materialsHelp")}>
        <Input.TextArea rows={4} />
      </Form.Item>
      <Form.Item
        name="location"
        label={t("disclosures.where")}
        rules={[{ required: true, message: t("disclosures.required") }]}
      >
        <Input maxLength={200} />
      </Form.Item>
      <Space wrap>
        <Form.Item name="fees" label={t("disclosures.fees")}>
          <Input maxLength={200} placeholder={t("disclosures.free")} />
        </Form.Item>
        <Form.Item name="timeLimit" label={t("disclosures.timeLimit")}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="contact" label={t("disclosures.contact")} help={t("disclosures.contactHelp")}>
          <Input maxLength={200} />
        </Form.Item>
      </Space>
      <Form.Item name="body" label={t("disclosures.steps")}>
        <Input.TextArea rows={4} />
      </Form.Item>
      <Form.Item name="published" label={t("disclosures.publishedSwitch")} valuePropName="checked">
        <Switch />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy}>
        {t("disclosures.save")}
      </Button>
    </Form>
  );
}
