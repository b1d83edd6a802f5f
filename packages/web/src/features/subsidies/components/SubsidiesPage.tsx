import { formatYuan, PUBLIC_AMOUNTS } from "@wangge/core";
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { AreaSelect } from "../../../components/AreaSelect.tsx";
import { useFormFail } from "../../../components/useFormFail.tsx";
import {
  confirmRow,
  correctRow,
  createProgram,
  deleteBatch,
  getBatch,
  importBatch,
  listBatches,
  listPrograms,
  listRows,
  publishBatch,
  type SubsidyBatch,
  type SubsidyProgram,
  type SubsidyRow,
  templateUrl,
  updateProgram,
} from "../api/subsidies.ts";

/**
 * 惠民惠农补贴 in the console: payment batches imported from XLSX (template in the reader's language),
 * their flagged rows — an ID number the registry does not hold, one person paid twice by a programme, an
 * amount outside the programme's range — corrected or confirmed with a reason, then publication; and
 * the programmes with their rules and what the public list shows of amounts.
 */
const yuan = (fen: number) => `¥${formatYuan(fen)}`;

export function SubsidiesPage({ areaCode }: { areaCode: string | null }) {
  const { t } = useTranslation();
  const [programs, setPrograms] = useState<SubsidyProgram[]>([]);
  const fail = useFormFail();
  const reloadPrograms = useCallback(() => listPrograms().then(setPrograms, (e) => fail(e)), [fail]);
  useEffect(() => {
    void reloadPrograms();
  }, [reloadPrograms]);
  return (
    <Tabs
      items={[
        {
          key: "batches",
          label: t("subsidies.batches"),
          children: <BatchesTab areaCode={areaCode} programs={programs} />,
        },
        {
          key: "programs",
          label: t("subsidies.programs"),
          children: <ProgramsTab programs={programs} areaCode={areaCode} onChanged={reloadPrograms} />,
        },
      ]}
    />
  );
}

function BatchesTab({ areaCode, programs }: { areaCode: string | null; programs: SubsidyProgram[] }) {
  const { t } = useTranslation();
  const fail = useFormFail();
  const [batches, setBatches] = useState<SubsidyBatch[]>();
  const [open, setOpen] = useState<string>();
  const [importing, setImporting] = useState(false);
  const reload = useCallback(() => listBatches().then(setBatches, (e) => fail(e)), [fail]);
  useEffect(() => {
    void reload();
  }, [reload]);
  if (open)
    return (
      <BatchDetail
        id={open}
        programs={programs}
        onBack={() => {
          setOpen(undefined);
          void reload();
        }}
      />
    );
  return (
    <Card
      title={t("subsidies.batches")}
      extra={
        <Button type="primary" onClick={() => setImporting(true)}>
          {t("subsidies.import")}
        </Button>
      }
    >
      <Table<SubsidyBatch>
        rowKey="id"
        loading={!batches}
        dataSource={batches ?? []}
        pagination={false}
        onRow={(b) => ({ onClick: () => setOpen(b.id), style: { cursor: "pointer" } })}
        columns={[
          {
            title: t("subsidies.title"),
            dataIndex: "title",
            render: (v: string) => <Typography.Link translate="no">{v}</Typography.Link>,
          },
          { title: t("subsidies.area"), dataIndex: "areaName", render: (v: string) => <span translate="no">{v}</span> },
          {
            title: t("subsidies.status"),
            dataIndex: "status",
            render: (v: string) => (
              <Tag color={v === "published" ? "green" : "blue"}>{t(`subsidies.statuses.${v}`)}</Tag>
            ),
          },
          { title: t("subsidies.rows"), dataIndex: "rowCount" },
          { title: t("subsidies.total"), dataIndex: "totalFen", render: yuan },
          {
            title: t("subsidies.openFlags"),
            dataIndex: "openFlags",
            render: (v: number) => (v > 0 ? <Tag color="orange">{v}</Tag> : 0),
          },
        ]}
      />
      <ImportModal
        open={importing}
        areaCode={areaCode}
        onClose={() => setImporting(false)}
        onImported={(b) => {
          setImporting(false);
          setOpen(b.id);
        }}
      />
    </Card>
  );
}

function ImportModal({
  open,
  areaCode,
  onClose,
  onImported,
}: {
  open: boolean;
  areaCode: string | null;
  onClose: () => void;
  onImported: (b: SubsidyBatch) => void;
}) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm();
  const fail = useFormFail();
  const [file, setFile] = useState<File>();
  const [sending, setSending] = useState(false);
  const [id, setId] = useState(() => crypto.randomUUID());
  const [problems, setProblems] = useState<string[]>([]);
  return (
    <Modal
      open={open}
      title={t("subsidies.import")}
      okText={t("subsidies.upload")}
      cancelText={t("common.cancel")}
      confirmLoading={sending}
      onCancel={onClose}
      onOk={async () => {
        const values = (await form.validateFields()) as { areaCode: string; title: string };
        if (!file) {
          form.setFields([{ name: "file", errors: [t("subsidies.fileRequired")] }]);
          return;
        }
        setSending(true);
        setProblems([]);
        try {
          const batch = await importBatch({ id, areaCode: values.areaCode, title: values.title, file });
          setId(crypto.randomUUID());
          setFile(undefined);
          form.resetFields();
          onImported(batch);
        } catch (e) {
          const error = fail(e, form);
          // A refused file names its rows: a new upload is a new batch.
          setId(crypto.randomUUID());
          setProblems(
            error.errors.filter((x) => x.path.startsWith("rows.") || x.path === "file").map((x) => x.message),
          );
        } finally {
          setSending(false);
        }
      }}
    >
      <Form form={form} layout="vertical" initialValues={{ areaCode: areaCode ?? undefined }}>
        <Form.Item
          name="areaCode"
          label={t("subsidies.area")}
          rules={[{ required: true, message: t("subsidies.areaRequired") }]}
        >
          <AreaSelect label={t("subsidies.area")} />
        </Form.Item>
        <Form.Item
          name="title"
          label={t("subsidies.title")}
          rules={[{ required: true, message: t("subsidies.titleRequired") }]}
        >
          <Input maxLength={100} placeholder={t("subsidies.titleExample")} />
        </Form.Item>
        <Form.Item
          name="file"
          label={t("subsidies.file")}
          extra={<a href={templateUrl(i18n.language)}>{t("subsidies.template")}</a>}
        >
          <input
            type="file"
            aria-label={t("subsidies.file")}
            accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            onChange={(e) => {
              setFile(e.target.files?.[0]);
              form.setFields([{ name: "file", errors: [] }]);
            }}
          />
        </Form.Item>
      </Form>
      {problems.length > 0 && (
        <Alert
          type="error"
          message={t("subsidies.fileRefused")}
          description={
            <ul style={{ maxHeight: 200, overflow: "auto", margin: 0 }}>
              {problems.map((p) => (
                <li key={p} translate="no">
                  {p}
                </li>
              ))}
            </ul>
          }
        />
      )}
    </Modal>
  );
}

function BatchDetail({ id, programs, onBack }: { id: string; programs: SubsidyProgram[]; onBack: () => void }) {
  const { t } = useTranslation();
  const fail = useFormFail();
  const { message } = App.useApp();
  const [batch, setBatch] = useState<SubsidyBatch>();
  const [flaggedOnly, setFlaggedOnly] = useState(true);
  const [rows, setRows] = useState<SubsidyRow[]>();
  const [correcting, setCorrecting] = useState<SubsidyRow>();
  const [confirming, setConfirming] = useState<SubsidyRow>();
  const reload = useCallback(async () => {
    try {
      setBatch(await getBatch(id));
      setRows(await listRows(id, flaggedOnly));
    } catch (e) {
      fail(e);
    }
  }, [id, flaggedOnly, fail]);
  useEffect(() => {
    void reload();
  }, [reload]);
  if (!batch) return null;
  const draft = batch.status === "draft";
  return (
    <Card
      title={
        <Space>
          <Button onClick={onBack}>{t("common.back")}</Button>
          <span translate="no">{batch.title}</span>
          <Tag color={draft ? "blue" : "green"}>{t(`subsidies.statuses.${batch.status}`)}</Tag>
        </Space>
      }
      extra={
        draft && (
          <Space>
            <Popconfirm
              title={t("subsidies.deleteConfirm")}
              okText={t("subsidies.delete")}
              cancelText={t("common.cancel")}
              onConfirm={async () => {
                try {
                  await deleteBatch(id);
                  onBack();
                } catch (e) {
                  fail(e);
                }
              }}
            >
              <Button danger>{t("subsidies.delete")}</Button>
            </Popconfirm>
            <Button
              type="primary"
              onClick={async () => {
                try {
                  setBatch(await publishBatch(id));
                  message.success(t("subsidies.published"));
                } catch (e) {
                  fail(e);
                }
              }}
            >
              {t("subsidies.publish")}
            </Button>
          </Space>
        )
      }
    >
      <Descriptions size="small" column={4}>
        <Descriptions.Item label={t("subsidies.area")}>
          <span translate="no">{batch.areaName}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t("subsidies.rows")}>{batch.rowCount}</Descriptions.Item>
        <Descriptions.Item label={t("subsidies.total")}>{yuan(batch.totalFen)}</Descriptions.Item>
        <Descriptions.Item label={t("subsidies.openFlags")}>
          <span data-testid="open-flags">{batch.openFlags}</span>
        </Descriptions.Item>
      </Descriptions>
      {draft && batch.openFlags > 0 && (
        <Alert
          style={{ margin: "12px 0" }}
          type="warning"
          message={t("subsidies.flagsBeforePublishing", { count: batch.openFlags })}
        />
      )}
      <Tabs
        activeKey={flaggedOnly ? "flagged" : "all"}
        onChange={(k) => setFlaggedOnly(k === "flagged")}
        items={[
          { key: "flagged", label: t("subsidies.flaggedRows", { count: batch.flaggedRows }) },
          { key: "all", label: t("subsidies.allRows") },
        ]}
      />
      <Table<SubsidyRow>
        rowKey="id"
        size="small"
        loading={!rows}
        dataSource={rows ?? []}
        pagination={false}
        columns={[
          { title: t("subsidies.row"), dataIndex: "row", width: 70 },
          { title: t("subsidies.name"), dataIndex: "name", render: (v: string) => <span translate="no">{v}</span> },
          {
            title: t("subsidies.idNumber"),
            dataIndex: "idNumberMasked",
            render: (v: string) => <span translate="no">{v}</span>,
          },
          {
            title: t("subsidies.program"),
            dataIndex: "programName",
            render: (v: string) => <span translate="no">{v}</span>,
          },
          { title: t("subsidies.amount"), dataIndex: "amountFen", render: yuan },
          { title: t("subsidies.paidOn"), dataIndex: "paidOn" },
          {
            title: t("subsidies.flags"),
            key: "flags",
            render: (_: unknown, r) => (
              <Space direction="vertical" size={2}>
                <span>
                  {r.flags.map((f) => (
                    <Tag key={f} color={r.confirmation ? "default" : "orange"}>
                      {t(`subsidies.flag.${f}`)}
                    </Tag>
                  ))}
                  {r.corrected && <Tag color="blue">{t("subsidies.corrected")}</Tag>}
                </span>
                {r.confirmation && (
                  <Typography.Text type="secondary">
                    {t("subsidies.confirmedBecause")}
                    <span translate="no">{r.confirmation.reason}</span>
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          ...(draft
            ? [
                {
                  title: "",
                  key: "actions",
                  render: (_: unknown, r: SubsidyRow) => (
                    <Space>
                      <Button size="small" onClick={() => setCorrecting(r)}>
                        {t("subsidies.correct")}
                      </Button>
                      {r.flags.length > 0 && !r.confirmation && (
                        <Button size="small" onClick={() => setConfirming(r)}>
                          {t("subsidies.confirm")}
                        </Button>
                      )}
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <CorrectModal
        row={correcting}
        batchId={id}
        programs={programs}
        onClose={() => setCorrecting(undefined)}
        onDone={() => {
          setCorrecting(undefined);
          void reload();
        }}
      />
      <ConfirmModal
        row={confirming}
        batchId={id}
        onClose={() => setConfirming(undefined)}
        onDone={() => {
          setConfirming(undefined);
          void reload();
        }}
      />
    </Card>
  );
}

function CorrectModal({
  row,
  batchId,
  programs,
  onClose,
  onDone,
}: {
  row: SubsidyRow | undefined;
  batchId: string;
  programs: SubsidyProgram[];
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const fail = useFormFail();
  useEffect(() => {
    if (row)
      form.setFieldsValue({
        name: row.name,
        idNumber: "",
        amountYuan: row.amountFen / 100,
        paidOn: row.paidOn,
        programId: row.programId,
      });
  }, [row, form]);
  return (
    <Modal
      open={!!row}
      title={t("subsidies.correctRow", { row: row?.row ?? "" })}
      okText={t("subsidies.save")}
      cancelText={t("common.cancel")}
      onCancel={onClose}
      onOk={async () => {
        const v = (await form.validateFields()) as {
          name: string;
          idNumber: string;
          amountYuan: number;
          paidOn: string;
          programId: string;
        };
        try {
          await correctRow(batchId, row?.id ?? "", {
            name: v.name,
            idNumber: v.idNumber,
            amountFen: Math.round(v.amountYuan * 100),
            paidOn: v.paidOn,
            programId: v.programId,
          });
          onDone();
        } catch (e) {
          fail(e, form, { "body.amountFen": ["amountYuan"] });
        }
      }}
    >
      <Form form={form} layout="vertical">
        <Form.Item name="name" label={t("subsidies.name")} rules={[{ required: true }]}>
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item
          name="idNumber"
          label={t("subsidies.idNumber")}
          extra={t("subsidies.idNumberAgain")}
          rules={[{ required: true, message: t("subsidies.idNumberRequired") }]}
        >
          <Input maxLength={18} autoComplete="off" />
        </Form.Item>
        <Form.Item name="amountYuan" label={t("subsidies.amountYuan")} rules={[{ required: true }]}>
          <InputNumber min={0.01} precision={2} style={{ width: "100%" }} />
        </Form.Item>
        <Form.Item
          name="paidOn"
          label={t("subsidies.paidOn")}
          rules={[{ required: true, pattern: /^\d{4}-\d{2}-\d{2}$/ }]}
        >
          <Input placeholder="2026-03-15" />
        </Form.Item>
        <Form.Item name="programId" label={t("subsidies.program")} rules={[{ required: true }]}>
          <Select options={programs.map((p) => ({ value: p.id, label: p.name }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function ConfirmModal({
  row,
  batchId,
  onClose,
  onDone,
}: {
  row: SubsidyRow | undefined;
  batchId: string;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const fail = useFormFail();
  return (
    <Modal
      open={!!row}
      title={t("subsidies.confirmRow", { row: row?.row ?? "" })}
      okText={t("subsidies.confirm")}
      cancelText={t("common.cancel")}
      onCancel={onClose}
      destroyOnHidden
      onOk={async () => {
        const v = (await form.validateFields()) as { reason: string };
        try {
          await confirmRow(batchId, row?.id ?? "", v.reason);
          form.resetFields();
          onDone();
        } catch (e) {
          fail(e, form, { "body.reason": ["reason"] });
        }
      }}
    >
      <Typography.Paragraph>{row?.flags.map((f) => t(`subsidies.flagHelp.${f}`)).join(" ")}</Typography.Paragraph>
      <Form form={form} layout="vertical">
        <Form.Item
          name="reason"
          label={t("subsidies.reason")}
          rules={[{ required: true, min: 2, message: t("subsidies.reasonRequired") }]}
        >
          <Input.TextArea maxLength={200} rows={3} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function ProgramsTab({
  programs,
  areaCode,
  onChanged,
}: {
  programs: SubsidyProgram[];
  areaCode: string | null;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<SubsidyProgram | "new">();
  const [form] = Form.useForm();
  const fail = useFormFail();
  const [id, setId] = useState(() => crypto.randomUUID());
  useEffect(() => {
    if (editing === "new")
      form.setFieldsValue({ areaCode: areaCode ?? undefined, publicAmount: "exact", name: "", rules: "" });
    else if (editing)
      form.setFieldsValue({
        ...editing,
        minYuan: editing.minAmountFen === null ? null : editing.minAmountFen / 100,
        maxYuan: editing.maxAmountFen === null ? null : editing.maxAmountFen / 100,
      });
  }, [editing, form, areaCode]);
  return (
    <Card
      title={t("subsidies.programs")}
      extra={
        <Button type="primary" onClick={() => setEditing("new")}>
          {t("subsidies.newProgram")}
        </Button>
      }
    >
      <Table<SubsidyProgram>
        rowKey="id"
        dataSource={programs}
        pagination={false}
        expandable={{ expandedRowRender: (p) => <Typography.Paragraph translate="no">{p.rules}</Typography.Paragraph> }}
        columns={[
          {
            title: t("subsidies.programName"),
            dataIndex: "name",
            render: (v: string) => <span translate="no">{v}</span>,
          },
          {
            title: t("subsidies.runBy"),
            dataIndex: "areaName",
            render: (v: string) => <span translate="no">{v}</span>,
          },
          {
            title: t("subsidies.publicAmount"),
            dataIndex: "publicAmount",
            render: (v: string) => t(`subsidies.publicAmounts.${v}`),
          },
          {
            title: t("subsidies.range"),
            key: "range",
            render: (_: unknown, p) =>
              p.minAmountFen === null && p.maxAmountFen === null
                ? "—"
                : `${p.minAmountFen === null ? "" : yuan(p.minAmountFen)} – ${p.maxAmountFen === null ? "" : yuan(p.maxAmountFen)}`,
          },
          {
            title: "",
            key: "edit",
            render: (_: unknown, p) => (
              <Button size="small" onClick={() => setEditing(p)}>
                {t("subsidies.edit")}
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={!!editing}
        title={editing === "new" ? t("subsidies.newProgram") : t("subsidies.edit")}
        okText={t("subsidies.save")}
        cancelText={t("common.cancel")}
        onCancel={() => setEditing(undefined)}
        onOk={async () => {
          const v = (await form.validateFields()) as {
            areaCode: string;
            name: string;
            rules: string;
            publicAmount: "exact" | "hidden";
            minYuan: number | null;
            maxYuan: number | null;
          };
          const body = {
            name: v.name,
            rules: v.rules,
            publicAmount: v.publicAmount,
            minAmountFen: v.minYuan == null ? null : Math.round(v.minYuan * 100),
            maxAmountFen: v.maxYuan == null ? null : Math.round(v.maxYuan * 100),
          };
          try {
            if (editing === "new") {
              await createProgram({ id, areaCode: v.areaCode, ...body });
              setId(crypto.randomUUID());
            } else if (editing) await updateProgram(editing.id, body);
            setEditing(undefined);
            onChanged();
          } catch (e) {
            fail(e, form, { "body.minAmountFen": ["minYuan"], "body.maxAmountFen": ["maxYuan"] });
          }
        }}
      >
        <Form form={form} layout="vertical">
          {editing === "new" && (
            <Form.Item
              name="areaCode"
              label={t("subsidies.runBy")}
              rules={[{ required: true, message: t("subsidies.areaRequired") }]}
            >
              <AreaSelect label={t("subsidies.runBy")} />
            </Form.Item>
          )}
          <Form.Item name="name" label={t("subsidies.programName")} rules={[{ required: true }]}>
            <Input maxLength={60} />
          </Form.Item>
          <Form.Item name="rules" label={t("subsidies.rules")} rules={[{ required: true }]}>
            <Input.TextArea rows={4} maxLength={5000} />
          </Form.Item>
          <Form.Item name="publicAmount" label={t("subsidies.publicAmount")}>
            <Select options={PUBLIC_AMOUNTS.map((a) => ({ value: a, label: t(`subsidies.publicAmounts.${a}`) }))} />
          </Form.Item>
          <Space>
            <Form.Item name="minYuan" label={t("subsidies.minYuan")}>
              <InputNumber min={0.01} precision={2} />
            </Form.Item>
            <Form.Item name="maxYuan" label={t("subsidies.maxYuan")}>
              <InputNumber min={0.01} precision={2} />
            </Form.Item>
          </Space>
        </Form>
      </Modal>
    </Card>
  );
}
