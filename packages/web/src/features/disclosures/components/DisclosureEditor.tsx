import {
  type DisclosureKind,
  type FinanceLine,
  financeTotals,
  formatFen,
  type PeriodKind,
  parseYuanToFen,
} from "@wangge/core";
import { Alert, App, Button, Form, Input, InputNumber, Select, Space, Table, Typography, Upload } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { AreaSelect } from "../../../components/AreaSelect.tsx";
import { useFormFail } from "../../../components/useFormFail.tsx";
import {
  createDisclosure,
  editDraft,
  type FinanceTable,
  financeTemplateUrl,
  type ManagedDisclosure,
  readFinanceTable,
  startCorrection,
} from "../api/disclosures.ts";

/**
 * Writing a disclosure: a new item (village, kind, period), its draft, or a correction of a published
 * one (with the reason residents will see). A finance item's lines come from the XLSX template
 * (downloaded in the reader's language), checked by the server: rejected cells are listed by row and
 * column, and the declared totals must equal the lines'.
 */
export const KINDS: DisclosureKind[] = ["party", "village", "finance", "service"];
const PERIODS: PeriodKind[] = ["month", "quarter", "year", "once"];

interface Values {
  areaCode?: string;
  kind: DisclosureKind;
  periodKind: PeriodKind;
  periodStart: string;
  title: string;
  body: string;
  publicityDays?: number | null;
  reason?: string;
  declaredIncome?: string;
  declaredExpense?: string;
}

/** The first day of the period a date falls in. */
function periodStartOf(kind: PeriodKind, date: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || kind === "once") return date;
  const [y, m] = date.split("-").map(Number) as [number, number];
  const month = kind === "year" ? 1 : kind === "quarter" ? Math.floor((m - 1) / 3) * 3 + 1 : m;
  return `${y}-${String(month).padStart(2, "0")}-01`;
}

const fen = (text: string | undefined) =>
  text ? (parseYuanToFen(text) ?? (/^0+(\.0+)?$/.test(text) ? 0 : undefined)) : undefined;

export function DisclosureEditor({
  mode,
  item,
  areaCode,
  onSaved,
}: {
  mode: "create" | "draft" | "correction";
  item?: ManagedDisclosure;
  /** The caller's own village, chosen beforehand when creating. */
  areaCode?: string | undefined;
  onSaved: (d: ManagedDisclosure) => void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const fail = useFormFail();
  const [form] = Form.useForm<Values>();
  const latest = item?.versions[0];
  const [ids] = useState(() => ({ id: crypto.randomUUID(), versionId: crypto.randomUUID() }));
  const [lines, setLines] = useState<FinanceLine[]>(latest?.financeLines ?? []);
  const [rejected, setRejected] = useState<FinanceTable["rejected"]>([]);
  const [busy, setBusy] = useState(false);
  const kind = Form.useWatch("kind", form) ?? item?.kind ?? "party";
  const initial: Partial<Values> = item
    ? {
        kind: item.kind,
        periodKind: item.periodKind,
        periodStart: item.periodStart,
        title: latest?.title ?? "",
        body: latest?.body ?? "",
        publicityDays: latest?.publicityDays ?? null,
        declaredIncome: latest?.incomeFen != null ? formatFen(latest.incomeFen).replace(/,/g, "") : undefined,
        declaredExpense: latest?.expenseFen != null ? formatFen(latest.expenseFen).replace(/,/g, "") : undefined,
      }
    : { kind: "finance", periodKind: "month", publicityDays: 7, ...(areaCode ? { areaCode } : {}) };

  const importTable = async (file: File) => {
    try {
      const table = await readFinanceTable(file);
      setRejected(table.rejected);
      if (table.rejected.length === 0) {
        setLines(table.lines);
        form.setFieldsValue({
          declaredIncome: formatFen(table.declaredIncomeFen ?? 0).replace(/,/g, ""),
          declaredExpense: formatFen(table.declaredExpenseFen ?? 0).replace(/,/g, ""),
        });
        message.success(t("disclosures.imported", { count: table.lines.length }));
      }
    } catch (e) {
      fail(e);
    }
    return false;
  };

  const save = async (values: Values) => {
    setBusy(true);
    const content = {
      title: values.title,
      body: values.body,
      publicityDays: values.publicityDays ?? null,
      ...(kind === "finance"
        ? {
            financeLines: lines,
            ...(fen(values.declaredIncome) !== undefined ? { declaredIncomeFen: fen(values.declaredIncome) } : {}),
            ...(fen(values.declaredExpense) !== undefined ? { declaredExpenseFen: fen(values.declaredExpense) } : {}),
          }
        : {}),
    };
    const periodStart = periodStartOf(values.periodKind, values.periodStart);
    try {
      const saved =
        mode === "create"
          ? await createDisclosure({
              ...ids,
              areaCode: values.areaCode ?? "",
              kind: values.kind,
              periodKind: values.periodKind,
              periodStart,
              ...content,
            })
          : mode === "draft"
            ? await editDraft(item?.id ?? "", { ...content, periodKind: values.periodKind, periodStart })
            : await startCorrection(item?.id ?? "", {
                ...content,
                versionId: ids.versionId,
                reason: values.reason ?? "",
              });
      message.success(t("disclosures.saved"));
      onSaved(saved);
    } catch (e) {
      fail(e, form, {
        "body.declaredIncomeFen": ["declaredIncome"],
        "body.declaredExpenseFen": ["declaredExpense"],
      });
    } finally {
      setBusy(false);
    }
  };

  const sums = financeTotals(lines);
  return (
    <Form form={form} layout="vertical" initialValues={initial} onFinish={save} disabled={busy}>
      {mode === "create" && (
        <Form.Item
          name="areaCode"
          label={t("disclosures.village")}
          rules={[{ required: true, message: t("disclosures.required") }]}
        >
          <AreaSelect levels={["village"]} label={t("disclosures.village")} />
        </Form.Item>
      )}
      <Space wrap>
        <Form.Item name="kind" label={t("disclosures.kindLabel")}>
          <Select
            disabled={mode !== "create"}
            style={{ width: 140 }}
            options={KINDS.map((k) => ({ value: k, label: t(`disclosures.kind.${k}`) }))}
          />
        </Form.Item>
        <Form.Item name="periodKind" label={t("disclosures.periodKind")}>
          <Select
            disabled={mode === "correction"}
            style={{ width: 140 }}
            options={PERIODS.map((p) => ({ value: p, label: t(`disclosures.periodKinds.${p}`) }))}
          />
        </Form.Item>
        <Form.Item
          name="periodStart"
          label={t("disclosures.periodStart")}
          help={t("disclosures.periodStartHelp")}
          rules={[{ required: true, message: t("disclosures.required") }]}
        >
          <Input type="date" disabled={mode === "correction"} style={{ width: 170 }} />
        </Form.Item>
        <Form.Item
          name="publicityDays"
          label={t("disclosures.publicityDays")}
          help={t("disclosures.publicityDaysHelp")}
        >
          <InputNumber min={1} max={60} style={{ width: 120 }} />
        </Form.Item>
      </Space>
      {mode === "correction" && (
        <Form.Item
          name="reason"
          label={t("disclosures.correctionReason")}
          rules={[{ required: true, message: t("disclosures.required") }]}
        >
          <Input maxLength={500} />
        </Form.Item>
      )}
      <Form.Item
        name="title"
        label={t("disclosures.title")}
        rules={[{ required: true, message: t("disclosures.required") }]}
      >
        <Input maxLength={120} />
      </Form.Item>
      <Form.Item
        name="body"
        label={t("disclosures.body")}
        rules={[{ required: true, message: t("disclosures.required") }]}
      >
        <Input.TextArea rows={5} maxLength={20000} />
      </Form.Item>
      {kind === "finance" && (
        <>
          <Space style={{ marginBottom: 12 }}>
            <a href={financeTemplateUrl(i18n.language === "en" ? "en" : "zh-CN")} download>
              {t("disclosures.downloadTemplate")}
            </a>
            <Upload accept=".xlsx" showUploadList={false} beforeUpload={importTable}>
              <Button>{t("disclosures.importTable")}</Button>
            </Upload>
          </Space>
          {rejected.length > 0 && (
            <Alert
              type="error"
              style={{ marginBottom: 12 }}
              message={t("disclosures.tableRejected")}
              description={
                <ul style={{ margin: 0 }} data-testid="table-rejected">
                  {rejected.map((r) => (
                    <li key={`${r.row}-${r.column}-${r.message}`}>
                      {t("disclosures.rowColumn", { row: r.row, column: r.column })} {r.message}
                    </li>
                  ))}
                </ul>
              }
            />
          )}
          <Table
            size="small"
            rowKey={(_, i) => String(i)}
            pagination={false}
            dataSource={lines}
            aria-label={t("disclosures.financeTable")}
            columns={[
              {
                title: t("disclosures.direction"),
                dataIndex: "direction",
                render: (d: string) => t(`disclosures.${d}`),
              },
              { title: t("disclosures.subject"), dataIndex: "subject" },
              { title: t("disclosures.summary"), dataIndex: "summary" },
              {
                title: t("disclosures.amount"),
                dataIndex: "amountFen",
                align: "right",
                render: (f: number) => formatFen(f),
              },
              { title: t("disclosures.date"), dataIndex: "occurredOn" },
            ]}
            summary={() => (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0} colSpan={5}>
                  <Typography.Text strong>
                    {t("disclosures.linesTotal", {
                      income: formatFen(sums.incomeFen),
                      expense: formatFen(sums.expenseFen),
                    })}
                  </Typography.Text>
                </Table.Summary.Cell>
              </Table.Summary.Row>
            )}
          />
          <Space style={{ marginTop: 12 }}>
            <Form.Item name="declaredIncome" label={t("disclosures.declaredIncome")}>
              <Input style={{ width: 160 }} />
            </Form.Item>
            <Form.Item name="declaredExpense" label={t("disclosures.declaredExpense")}>
              <Input style={{ width: 160 }} />
            </Form.Item>
          </Space>
        </>
      )}
      <Button type="primary" htmlType="submit" loading={busy}>
        {mode === "correction" ? t("disclosures.saveCorrection") : t("disclosures.saveDraft")}
      </Button>
    </Form>
  );
}
