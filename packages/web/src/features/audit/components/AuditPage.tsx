import type { AuditRecord, AuditVerifyResult } from "@wangge/core";
import { Alert, App, Button, Card, DatePicker, Form, Input, Select, Space, Table, Tag, Typography } from "antd";
import type { TFunction } from "i18next";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { AreaName } from "../../../components/AreaName.tsx";
import { toApiError } from "../../../lib/api-client.ts";
import { errorMessageKey } from "../../../lib/error-message.ts";
import { type AuditFilter, exportUrl, listAudit, verifyAudit } from "../api/audit.ts";
import { ActorSelect } from "./ActorSelect.tsx";

/** The audit trail for auditors: filter, page back in time, verify the hash chain, export for archiving. */
export function AuditPage({ canExport, timezone }: { canExport: boolean; timezone: string }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [filter, setFilter] = useState<AuditFilter>({});
  const [rows, setRows] = useState<AuditRecord[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const [verdict, setVerdict] = useState<AuditVerifyResult>();
  const fail = useCallback((e: unknown) => message.error(t(errorMessageKey(toApiError(e).code))), [message, t]);
  const format = new Intl.DateTimeFormat(i18n.language, {
    timeZone: timezone,
    dateStyle: "short",
    timeStyle: "medium",
    hourCycle: "h23",
  });

  const load = useCallback(
    (before?: number) => {
      setLoading(true);
      listAudit(filter, before)
        .then((page) => {
          setRows((r) => (before ? [...r, ...page.items] : page.items));
          setNext(page.nextBeforeSeq);
        }, fail)
        .finally(() => setLoading(false));
    },
    [filter, fail],
  );
  useEffect(() => load(), [load]);

  return (
    <Card
      title={t("audit.title")}
      extra={
        <Space>
          <Button onClick={() => verifyAudit().then(setVerdict, fail)}>{t("audit.verify")}</Button>
          {canExport && (
            <Button
              href={exportUrl({
                ...(filter.from ? { from: filter.from } : {}),
                ...(filter.to ? { to: filter.to } : {}),
              })}
            >
              {t("audit.export")}
            </Button>
          )}
        </Space>
      }
    >
      {verdict && (
        <Alert
          role="status"
          style={{ marginBottom: 16 }}
          type={verdict.ok ? "success" : "error"}
          showIcon
          title={verdictText(verdict, t, format)}
          {...(verdict.ok && verdict.checkpoints.latest
            ? {
                description: t("audit.checkpoints", {
                  count: verdict.checkpoints.checked,
                  at: format.format(new Date(verdict.checkpoints.latest.at)),
                  seq: verdict.checkpoints.latest.seq,
                }),
              }
            : {})}
          {...(verdict.breaks.length > 0 ? { description: <ChainBreaks verdict={verdict} t={t} /> } : {})}
        />
      )}
      <Form
        layout="inline"
        style={{ marginBottom: 16, rowGap: 8 }}
        onFinish={(v: {
          actor?: string;
          action?: string;
          outcome?: string;
          range?: [{ toISOString(): string }, { toISOString(): string }];
        }) =>
          setFilter({
            ...(v.actor ? { actor: v.actor } : {}),
            ...(v.action ? { action: v.action } : {}),
            ...(v.outcome ? { outcome: v.outcome } : {}),
            ...(v.range ? { from: v.range[0].toISOString(), to: v.range[1].toISOString() } : {}),
          })
        }
      >
        <Form.Item name="actor" label={t("audit.actor")}>
          <ActorSelect style={{ width: 220 }} />
        </Form.Item>
        <Form.Item name="action" label={t("audit.action")}>
          <Input allowClear style={{ width: 150 }} placeholder="auth." />
        </Form.Item>
        <Form.Item name="outcome" label={t("audit.outcome")}>
          <Select
            allowClear
            style={{ width: 120 }}
            options={(["success", "failure", "denied"] as const).map((o) => ({
              value: o,
              label: t(`audit.outcomes.${o}`),
            }))}
          />
        </Form.Item>
        <Form.Item name="range" label={t("audit.range")}>
          <DatePicker.RangePicker showTime />
        </Form.Item>
        <Button htmlType="submit" type="primary">
          {t("audit.search")}
        </Button>
      </Form>
      <Table<AuditRecord>
        rowKey="seq"
        size="small"
        loading={loading}
        dataSource={rows}
        pagination={false}
        columns={[
          { title: "#", dataIndex: "seq", width: 70 },
          { title: t("audit.time"), dataIndex: "occurredAt", render: (v: string) => format.format(new Date(v)) },
          {
            title: t("audit.actor"),
            dataIndex: "actorUsername",
            render: (v: string | null) => <span translate="no">{v ?? "—"}</span>,
          },
          {
            title: t("audit.action"),
            dataIndex: "action",
            render: (v: string) => (
              <Typography.Text code translate="no">
                {v}
              </Typography.Text>
            ),
          },
          {
            title: t("audit.target"),
            render: (_: unknown, r: AuditRecord) =>
              r.targetType === "area" ? (
                <AreaName code={r.targetId} withCode />
              ) : (
                <span translate="no">{r.targetType ? `${r.targetType} ${r.targetId ?? ""}` : "—"}</span>
              ),
          },
          {
            title: t("audit.outcome"),
            dataIndex: "outcome",
            render: (o: AuditRecord["outcome"]) => (
              <Tag color={o === "success" ? "green" : o === "failure" ? "orange" : "red"}>
                {t(`audit.outcomes.${o}`)}
              </Tag>
            ),
          },
          {
            title: t("audit.reason"),
            dataIndex: "reason",
            render: (v: string | null) => <span translate="no">{v ?? ""}</span>,
          },
          { title: "IP", dataIndex: "ip", render: (v: string | null) => <span translate="no">{v ?? ""}</span> },
        ]}
      />
      {next && (
        <Button block style={{ marginTop: 16 }} onClick={() => load(next)} loading={loading}>
          {t("audit.more")}
        </Button>
      )}
    </Card>
  );
}

/** The verdict in words: the chain's own problem, else what the checkpoints outside the database found. */
function verdictText(v: AuditVerifyResult, t: TFunction, format: Intl.DateTimeFormat) {
  if (v.ok) return t("audit.intact", { rows: v.rows });
  const problems = v.checkpoints.problems;
  const latestOf = (kind: string) =>
    problems.filter((p) => p.problem === kind).sort((a, b) => (b.seq ?? 0) - (a.seq ?? 0))[0];
  const at = (p: { at: string | null }) => (p.at ? format.format(new Date(p.at)) : "");
  const missing = latestOf("rows_missing");
  const replaced = latestOf("row_replaced");
  const forged = problems.find((p) => p.problem === "not_genuine" || p.problem === "unreadable");
  if (v.problem === "rows_missing" && missing)
    return t("audit.rowsMissing", { seq: v.firstBadSeq, at: at(missing), rows: missing.rows });
  if (v.problem === "row_replaced" && replaced) return t("audit.rowReplaced", { seq: v.firstBadSeq, at: at(replaced) });
  if (forged && v.firstBadSeq === null) return t("audit.checkpointForged", { line: forged.line });
  return t("audit.broken", { seq: v.firstBadSeq });
}

/** Every run of damaged records the chain shows, so that a second edit is seen beside the first. */
function ChainBreaks({ verdict, t }: { verdict: AuditVerifyResult; t: TFunction }) {
  return (
    <div>
      <Typography.Text>{t("audit.breaks", { count: verdict.badRows })}</Typography.Text>
      <ul style={{ margin: "4px 0 0", paddingInlineStart: 20 }}>
        {verdict.breaks.map((b) => (
          <li key={b.fromSeq}>
            {t(b.fromSeq === b.toSeq ? "audit.breakRow" : "audit.breakRows", {
              from: b.fromSeq,
              to: b.toSeq,
              problem: t(`audit.breakProblems.${b.problem}`),
            })}
          </li>
        ))}
      </ul>
      {verdict.moreBreaks > 0 && (
        <Typography.Text>{t("audit.breaksMore", { count: verdict.moreBreaks })}</Typography.Text>
      )}
    </div>
  );
}
