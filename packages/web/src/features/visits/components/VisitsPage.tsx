import {
  App,
  Breadcrumb,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  InputNumber,
  Modal,
  Progress,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { toApiError } from "../../../lib/api-client.ts";
import { errorMessageKey } from "../../../lib/error-message.ts";
import { useTimeFormat } from "../../../lib/format-time.ts";
import {
  type CloseOutStatus,
  type Coverage,
  type CoverageRow,
  getCloseOutStatus,
  getCoverage,
  listSignals,
  listVisitPlans,
  updateVisitPlan,
  type VisitPlan,
  type VisitSignal,
} from "../api/visits.ts";
import { VisitDueTab } from "./VisitDueTab.tsx";
import { VisitRecordsTab } from "./VisitRecordsTab.tsx";

/**
 * Visits in the console: coverage per area with drill-down (no figure per worker anywhere), which grids
 * closed out each day and what they carried over, signals a supervisor may check, and — for who holds
 * `visit.configure` for the deployment — the visit plans' rhythms and checklists.
 */
export function VisitsPage({
  canReadReports,
  canReadVisits,
  canListDue = false,
  canConfigure,
  areaCode,
}: {
  canReadReports: boolean;
  /** Keeps the area's visits (visit.manage): 应走访名单, the list behind the visits due figure. */
  canListDue?: boolean;
  /** May list visits with the people visited (person.read): 走访记录. */
  canReadVisits: boolean;
  canConfigure: boolean;
  areaCode: string | null;
}) {
  const { t } = useTranslation();
  // The tab is in the address (?tab=records&areaCode=… is where a visit figure links to).
  const [params, setParams] = useSearchParams();
  return (
    <Tabs
      activeKey={params.get("tab") ?? undefined}
      onChange={(tab) => setParams({ tab }, { replace: true })}
      items={[
        ...(canReadReports
          ? [
              { key: "coverage", label: t("visits.coverage"), children: <CoverageTab areaCode={areaCode} /> },
              { key: "close-outs", label: t("visits.closeOuts"), children: <CloseOutsTab areaCode={areaCode} /> },
              { key: "signals", label: t("visits.signals"), children: <SignalsTab areaCode={areaCode} /> },
            ]
          : []),
        ...(canListDue
          ? [{ key: "due", label: t("visitsDue.tab"), children: <VisitDueTab areaCode={areaCode} /> }]
          : []),
        ...(canReadVisits
          ? [{ key: "records", label: t("visits.records.title"), children: <VisitRecordsTab areaCode={areaCode} /> }]
          : []),
        { key: "plans", label: t("visits.plans"), children: <PlansTab canEdit={canConfigure} /> },
      ]}
    />
  );
}

function useFail() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  return useCallback((e: unknown) => message.error(t(errorMessageKey(toApiError(e).code))), [message, t]);
}

function CoverageTab({ areaCode }: { areaCode: string | null }) {
  const { t } = useTranslation();
  const fail = useFail();
  // The area in the address first (the 工作台's visits due opens here for who may not list names).
  const [params] = useSearchParams();
  const [trail, setTrail] = useState<{ code: string | undefined; name: string }[]>([
    { code: params.get("areaCode") ?? areaCode ?? undefined, name: "" },
  ]);
  const [coverage, setCoverage] = useState<Coverage>();
  const [period, setPeriod] = useState<{ from?: string; to?: string }>({});
  const current = trail[trail.length - 1];
  useEffect(() => {
    let live = true; // a late answer for another area or period is dropped
    setCoverage(undefined);
    getCoverage(current?.code, period).then(
      (c) => live && setCoverage(c),
      (e) => live && fail(e),
    );
    return () => {
      live = false;
    };
  }, [current?.code, period, fail]);
  // Of the times subjects fell due in the period, the share met in time (and the counts behind it).
  const share = (v: number | null, r: CoverageRow) =>
    v === null ? (
      "—"
    ) : (
      <Space size={4}>
        <Progress percent={Math.round(v * 100)} size="small" style={{ width: 120 }} />
        <Typography.Text type="secondary">
          {t("coverageHistory.onTimeOf", { done: r.doneOnTime, due: r.fellDue })}
        </Typography.Text>
      </Space>
    );
  const rows = coverage ? [coverage.area, ...coverage.children] : [];
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Typography.Paragraph type="secondary">{t("visits.coverageHint")}</Typography.Paragraph>
      <Space wrap>
        <Input
          type="date"
          aria-label={t("coverageHistory.from")}
          addonBefore={t("coverageHistory.from")}
          value={period.from ?? coverage?.from ?? ""}
          onChange={(e) => setPeriod((p) => ({ ...p, from: e.target.value || undefined }))}
          style={{ width: 230 }}
        />
        <Input
          type="date"
          aria-label={t("coverageHistory.to")}
          addonBefore={t("coverageHistory.to")}
          value={period.to ?? coverage?.to ?? ""}
          onChange={(e) => setPeriod((p) => ({ ...p, to: e.target.value || undefined }))}
          style={{ width: 230 }}
        />
        <Typography.Text type="secondary">{t("coverageHistory.hint")}</Typography.Text>
      </Space>
      <Breadcrumb
        items={trail.map((step, i) => ({
          title:
            i === trail.length - 1 ? (
              <span translate="no">{coverage?.area.name ?? step.name}</span>
            ) : (
              <Button type="link" size="small" onClick={() => setTrail(trail.slice(0, i + 1))}>
                <span translate="no">{step.name}</span>
              </Button>
            ),
        }))}
      />
      <Table
        rowKey="areaCode"
        size="small"
        loading={!coverage}
        pagination={false}
        aria-label={t("visits.coverage")}
        dataSource={rows}
        rowClassName={(r) => (r.areaCode === coverage?.area.areaCode ? "wg-total-row" : "")}
        columns={[
          {
            title: t("visits.area"),
            dataIndex: "name",
            render: (v: string, r: CoverageRow) =>
              r.areaCode === coverage?.area.areaCode ? (
                <strong translate="no">
                  {v} ({t("visits.total")})
                </strong>
              ) : r.level === "grid" || r.level === "microgrid" ? (
                <span translate="no">{v}</span>
              ) : (
                <Button
                  type="link"
                  size="small"
                  onClick={() =>
                    setTrail([
                      ...trail.slice(0, -1),
                      { code: current?.code, name: coverage?.area.name ?? "" },
                      { code: r.areaCode, name: v },
                    ])
                  }
                >
                  <span translate="no">{v}</span>
                </Button>
              ),
          },
          { title: t("visits.upToDate"), dataIndex: "onTimeShare", render: share },
          { title: t("visits.statuses.overdue"), dataIndex: "overdue" },
          { title: t("visits.statuses.due"), dataIndex: "due" },
          { title: t("visits.statuses.done"), dataIndex: "done" },
          { title: t("visits.careNeverVisited"), dataIndex: "careNeverVisited" },
          { title: t("visits.householdsNotSeen"), dataIndex: "householdsNotSeenThisYear" },
          { title: t("visits.households"), dataIndex: "households" },
        ]}
      />
    </Space>
  );
}

const yesterday = () => {
  const d = new Date(Date.now() + 8 * 3_600_000 - 86_400_000);
  return d.toISOString().slice(0, 10);
};

function CloseOutsTab({ areaCode }: { areaCode: string | null }) {
  const time = useTimeFormat();
  const { t } = useTranslation();
  const fail = useFail();
  const [params] = useSearchParams();
  const [day, setDay] = useState(() => params.get("day") ?? yesterday());
  const [onlyOpen, setOnlyOpen] = useState(false);
  const [status, setStatus] = useState<CloseOutStatus>();
  const code = params.get("areaCode") ?? areaCode;
  useEffect(() => {
    // An answer to an earlier choice (another day, the box unticked) arriving late is dropped.
    let current = true;
    setStatus(undefined);
    getCloseOutStatus({
      areaCode: code || undefined,
      day,
      ...(onlyOpen ? { closed: "no" as const } : {}),
    }).then(
      (s) => current && setStatus(s),
      (e) => current && fail(e),
    );
    return () => {
      current = false;
    };
  }, [code, day, onlyOpen, fail]);
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Space wrap>
        <Input
          type="date"
          aria-label={t("visits.day")}
          addonBefore={t("visits.day")}
          value={day}
          onChange={(e) => e.target.value && setDay(e.target.value)}
          style={{ width: 230 }}
        />
        <Checkbox checked={onlyOpen} onChange={(e) => setOnlyOpen(e.target.checked)}>
          {t("visits.onlyNotClosed")}
        </Checkbox>
      </Space>
      <Table
        rowKey="areaCode"
        size="small"
        loading={!status}
        aria-label={t("visits.closeOuts")}
        dataSource={status?.grids ?? []}
        pagination={{ pageSize: 50 }}
        columns={[
          { title: t("visits.grid"), dataIndex: "name", render: (v: string) => <span translate="no">{v}</span> },
          {
            title: t("visits.closeOutState"),
            dataIndex: "closedOut",
            render: (v: boolean) =>
              v ? (
                <Tag color="green">{t("visits.closedOut")}</Tag>
              ) : (
                <Tag color="orange">{t("visits.notClosedOut")}</Tag>
              ),
          },
          {
            title: t("visits.confirmedBy"),
            key: "by",
            render: (_: unknown, g: CloseOutStatus["grids"][number]) => (
              <span translate="no">
                {g.closeOuts.map((c) => `${c.confirmedBy ?? "—"} ${time.time(c.confirmedAt)}`).join("；") || "—"}
              </span>
            ),
          },
          {
            title: t("visits.carriedOver"),
            key: "carried",
            render: (_: unknown, g: CloseOutStatus["grids"][number]) =>
              g.closeOuts.flatMap((c) => c.carryOvers).length === 0
                ? "—"
                : g.closeOuts
                    .flatMap((c) => c.carryOvers)
                    .map((c) => (
                      <div key={c.number}>
                        <span translate="no">{c.number}</span> · {t(`visits.carryOverReasons.${c.reason}`)}
                      </div>
                    )),
          },
        ]}
      />
    </Space>
  );
}

function SignalsTab({ areaCode }: { areaCode: string | null }) {
  const time = useTimeFormat();
  const { t } = useTranslation();
  const fail = useFail();
  const [signals, setSignals] = useState<VisitSignal[]>();
  useEffect(() => {
    listSignals(areaCode ?? undefined).then(setSignals, fail);
  }, [areaCode, fail]);
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Typography.Paragraph type="secondary">{t("visits.signalsHint")}</Typography.Paragraph>
      <Table
        rowKey={(s) => `${s.visitId}-${s.kind}`}
        size="small"
        loading={!signals}
        aria-label={t("visits.signals")}
        dataSource={signals ?? []}
        columns={[
          { title: t("visits.visitedAt"), dataIndex: "visitedAt", render: (v: string) => time.dateTime(v) },
          { title: t("visits.signal"), dataIndex: "kind", render: (v: string) => t(`visits.signalKinds.${v}`) },
          {
            title: t("visits.address"),
            dataIndex: "address",
            render: (v: string | null) => <span translate="no">{v ?? "—"}</span>,
          },
          {
            title: t("visits.recordedBy"),
            dataIndex: "recordedBy",
            render: (v: string | null) => <span translate="no">{v ?? "—"}</span>,
          },
        ]}
      />
    </Space>
  );
}

function PlansTab({ canEdit }: { canEdit: boolean }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === "en" ? "en" : "zh-CN";
  const fail = useFail();
  const { message } = App.useApp();
  const [plans, setPlans] = useState<VisitPlan[]>();
  const [editing, setEditing] = useState<VisitPlan>();
  const [form] = Form.useForm<{ everyDays: number | null; checklist: VisitPlan["checklist"] }>();
  const load = useCallback(() => listVisitPlans().then(setPlans, fail), [fail]);
  useEffect(() => {
    load();
  }, [load]);
  const save = async () => {
    if (!editing) return;
    const values = await form.validateFields();
    try {
      await updateVisitPlan(editing.key, { everyDays: values.everyDays ?? null, checklist: values.checklist ?? [] });
      message.success(t("visits.planSaved"));
      setEditing(undefined);
      load();
    } catch (e) {
      fail(e);
    }
  };
  return (
    <>
      <Typography.Paragraph type="secondary">{t("visits.plansHint")}</Typography.Paragraph>
      <Table
        rowKey="key"
        size="small"
        loading={!plans}
        pagination={false}
        aria-label={t("visits.plans")}
        dataSource={plans ?? []}
        columns={[
          { title: t("visits.plan"), key: "name", render: (_: unknown, p: VisitPlan) => p.name[lang] },
          {
            title: t("visits.rhythm"),
            dataIndex: "everyDays",
            render: (v: number | null) => (v === null ? t("visits.noRhythm") : t("visits.everyDays", { n: v })),
          },
          {
            title: t("visits.checklist"),
            dataIndex: "checklist",
            render: (v: VisitPlan["checklist"]) => v.map((c) => c.label[lang]).join("、"),
          },
          ...(canEdit
            ? [
                {
                  title: "",
                  key: "edit",
                  render: (_: unknown, p: VisitPlan) => (
                    <Button
                      size="small"
                      aria-label={t("visits.editPlan", { name: p.name[lang] })}
                      onClick={() => {
                        setEditing(p);
                        form.setFieldsValue({ everyDays: p.everyDays, checklist: p.checklist });
                      }}
                    >
                      {t("visits.edit")}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        open={Boolean(editing)}
        title={editing ? t("visits.editPlan", { name: editing.name[lang] }) : ""}
        onCancel={() => setEditing(undefined)}
        onOk={save}
        okText={t("visits.save")}
        cancelText={t("common.cancel")}
        width={640}
        destroyOnHidden
      >
        <Form form={form} layout="vertical">
          <Form.Item name="everyDays" label={t("visits.rhythmDays")} extra={t("visits.rhythmHint")}>
            <InputNumber min={1} max={730} />
          </Form.Item>
          <Form.List name="checklist">
            {(fields, { add, remove }) => (
              <Card size="small" title={t("visits.checklist")}>
                {fields.map((field, i) => (
                  <Space key={field.key} align="baseline" wrap>
                    <Form.Item
                      name={[field.name, "key"]}
                      rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{0,31}$/, message: t("visits.itemKeyHint") }]}
                    >
                      <Input placeholder={t("visits.itemKey")} aria-label={`${t("visits.itemKey")} ${i + 1}`} />
                    </Form.Item>
                    <Form.Item name={[field.name, "label", "zh-CN"]} rules={[{ required: true, max: 40 }]}>
                      <Input placeholder={t("visits.itemZh")} aria-label={`${t("visits.itemZh")} ${i + 1}`} />
                    </Form.Item>
                    <Form.Item name={[field.name, "label", "en"]} rules={[{ required: true, max: 80 }]}>
                      <Input placeholder={t("visits.itemEn")} aria-label={`${t("visits.itemEn")} ${i + 1}`} />
                    </Form.Item>
                    <Button onClick={() => remove(field.name)}>{t("visits.remove")}</Button>
                  </Space>
                ))}
                <Button onClick={() => add({ key: "", label: { "zh-CN": "", en: "" } })} disabled={fields.length >= 12}>
                  {t("visits.addItem")}
                </Button>
              </Card>
            )}
          </Form.List>
        </Form>
      </Modal>
    </>
  );
}
