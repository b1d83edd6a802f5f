import { ArrowLeftOutlined, DownloadOutlined } from "@ant-design/icons";
import {
  type ClientConfig,
  EVENT_FIGURES,
  type FigureCounts,
  type FigureRates,
  GRID_NAME_SEPARATOR,
  missingCloseOutsByVillage,
  periodText,
  REPORT_OVERVIEW_FIGURES,
} from "@wangge/core";
import { Alert, App, Button, Card, Descriptions, Input, Space, Spin, Table, Tag, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { toApiError } from "../../../lib/api-client.ts";
import { errorMessageKey } from "../../../lib/error-message.ts";
import { getReport, listCategoryNames, type ReportView, reportFileUrl, writeJudgement } from "../api/reports.ts";
import { HotspotMap } from "./HotspotMap.tsx";

const RATES: (keyof FigureRates)[] = ["settledInGrid", "settledInCommunity", "onTime", "satisfaction"];
const isEventFigure = (f: string) => (EVENT_FIGURES as readonly string[]).includes(f);
const pct = (v: number | null) => (v === null ? "—" : `${v}%`);
const share = (part: number, whole: number) => (whole === 0 ? "—" : `${Math.round((part / whole) * 1000) / 10}%`);
const formatTime = (iso: string) => new Date(iso).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false });
const eventsLink = (params: Record<string, string>) => `/events?${new URLSearchParams({ box: "all", ...params })}`;

/** One report in the browser: its sections and figures (an event figure opens the list behind it), the judgement, the files. */
export function ReportDetail({
  id,
  config,
  canWrite,
  onBack,
}: {
  id: string;
  config: ClientConfig;
  canWrite: boolean;
  onBack: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [report, setReport] = useState<ReportView>();
  const categories = useCategoryNames();
  const load = useCallback(() => {
    getReport(id).then(setReport, (e) => message.error(t(errorMessageKey(toApiError(e).code))));
  }, [id, message, t]);
  useEffect(load, [load]);
  if (!report) return <Spin style={{ display: "block", marginTop: 80 }} />;
  const c = report.content;
  const f = c.figures;
  const figureCell = (figure: string, n: number, areaCode = report.area.code) =>
    isEventFigure(figure) && n > 0 ? (
      <Link to={eventsLink({ areaCode, figure, from: report.from, to: report.to })}>{n}</Link>
    ) : (
      n
    );
  const title = `${report.area.name} ${t(`reports.kind.${report.kind}`)}`;
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      <Card
        title={
          <Space>
            <Button icon={<ArrowLeftOutlined />} onClick={onBack} aria-label={t("common.back")} />
            <Typography.Title level={4} style={{ margin: 0 }}>
              {title}
            </Typography.Title>
            <Tag>{report.from === report.to ? report.from : `${report.from} ～ ${report.to}`}</Tag>
          </Space>
        }
        extra={
          <Space>
            <Button icon={<DownloadOutlined />} href={reportFileUrl(report.id, "pdf")}>
              {t("reports.downloadPdf")}
            </Button>
            <Button icon={<DownloadOutlined />} href={reportFileUrl(report.id, "xlsx")}>
              {t("reports.downloadXlsx")}
            </Button>
          </Space>
        }
      >
        <Typography.Paragraph type="secondary">
          {t("reports.generatedLine", {
            at: formatTime(report.generatedAt),
            trigger: t(`reports.triggers.${report.trigger}`),
          })}
        </Typography.Paragraph>
        <Typography.Title level={5}>{t("reports.sections.overview")}</Typography.Title>
        <Table
          rowKey="key"
          size="small"
          pagination={false}
          dataSource={[
            ...REPORT_OVERVIEW_FIGURES.map((k) => ({
              key: k,
              label: t(`figures.name.${k}`),
              now: f.counts[k],
              before: f.previous.counts[k],
            })),
          ]}
          columns={[
            { title: t("reports.figure"), dataIndex: "label" },
            {
              title: t("reports.thisPeriod"),
              key: "now",
              align: "right" as const,
              render: (_: unknown, r) => figureCell(r.key, r.now),
            },
            {
              title: t("reports.previousPeriod", { period: periodText(f.previous, t("reports.periodBetween")) }),
              dataIndex: "before",
              align: "right" as const,
            },
            {
              title: t("reports.change"),
              key: "change",
              align: "right" as const,
              render: (_: unknown, r) => (r.now - r.before > 0 ? `+${r.now - r.before}` : String(r.now - r.before)),
            },
          ]}
        />
        <Descriptions size="small" column={4} style={{ marginTop: 12 }}>
          {RATES.map((r) => (
            <Descriptions.Item key={r} label={t(`figures.rate.${r}`)}>
              {pct(f.rates[r])} <Typography.Text type="secondary">（{pct(f.previous.rates[r])}）</Typography.Text>
            </Descriptions.Item>
          ))}
        </Descriptions>
      </Card>
      {c.kind === "daily" && (
        <>
          <AreasCard areas={c.areas} link={(code, figure, n) => figureCell(figure, n, code)} />
          <Card title={t("reports.sections.matters", { n: c.mattersTotal })}>
            <Table
              rowKey="id"
              size="small"
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              dataSource={c.matters}
              locale={{ emptyText: t("reports.noMatters") }}
              columns={[
                {
                  title: t("reports.number"),
                  dataIndex: "number",
                },
                { title: t("reports.titleCol"), dataIndex: "title" },
                { title: t("reports.state"), dataIndex: "state", render: (s: string) => t(`events.state.${s}`) },
                { title: t("reports.reportedAt"), dataIndex: "reportedAt", render: (v: string) => formatTime(v) },
              ]}
            />
          </Card>
          <Card title={t("reports.sections.closeOuts")}>
            {/* Counts first, then the grids that did not close out by village or community (as the files). */}
            {c.closeOuts.map((d) => (
              <div key={d.day} data-testid="report-close-outs">
                <Typography.Paragraph>
                  {d.missing === 0
                    ? t("reports.closeOutAllDone", { day: d.day, done: d.done })
                    : t("reports.closeOutLine", { day: d.day, done: d.done, missing: d.missing })}
                </Typography.Paragraph>
                {d.missing > 0 && (
                  <Table
                    rowKey="code"
                    size="small"
                    pagination={false}
                    style={{ marginBottom: 16 }}
                    dataSource={missingCloseOutsByVillage(d, report.area)}
                    columns={[
                      { title: t("reports.closeOutVillage"), dataIndex: "name", width: 200 },
                      { title: t("reports.closeOutGrids"), dataIndex: "grids", align: "right", width: 90 },
                      {
                        title: t("reports.closeOutMissing"),
                        key: "missing",
                        align: "right",
                        width: 90,
                        render: (_: unknown, g) => g.missing.length,
                      },
                      {
                        title: t("reports.closeOutMissingGrids"),
                        key: "names",
                        render: (_: unknown, g) => (
                          <span title={g.missing.join(GRID_NAME_SEPARATOR)}>
                            {g.missing.map((name) => (
                              <Tag key={name} style={{ marginBottom: 4 }}>
                                {name}
                              </Tag>
                            ))}
                          </span>
                        ),
                      },
                    ]}
                  />
                )}
              </div>
            ))}
            <Typography.Title level={5}>{t("reports.sections.carriedOver")}</Typography.Title>
            <Table
              rowKey={(r) => `${r.day}${r.number}`}
              size="small"
              pagination={false}
              dataSource={c.carriedOver}
              locale={{ emptyText: t("reports.noneCarried") }}
              columns={[
                { title: t("reports.day"), dataIndex: "day" },
                { title: t("reports.number"), dataIndex: "number" },
                {
                  title: t("reports.reason"),
                  dataIndex: "reason",
                  render: (r: string) => t(`visits.carryOverReasons.${r}`),
                },
              ]}
            />
          </Card>
        </>
      )}
      {c.kind === "weekly" && (
        <>
          <Card title={t("reports.sections.trend")}>
            <Table
              rowKey="from"
              size="small"
              pagination={false}
              dataSource={c.weeks}
              columns={[
                { title: t("reports.week"), key: "w", render: (_: unknown, w) => `${w.from} ～ ${w.to}` },
                { title: t("figures.name.reported"), key: "r", render: (_: unknown, w) => w.counts.reported },
                { title: t("figures.name.settled"), key: "s", render: (_: unknown, w) => w.counts.settled },
                { title: t("figures.rate.onTime"), key: "o", render: (_: unknown, w) => pct(w.rates.onTime) },
                {
                  title: t("figures.rate.satisfaction"),
                  key: "sa",
                  render: (_: unknown, w) => pct(w.rates.satisfaction),
                },
              ]}
            />
          </Card>
          <Card title={t("reports.sections.categories")}>
            <Table
              rowKey="key"
              size="small"
              pagination={false}
              dataSource={c.categories}
              columns={[
                { title: t("reports.category"), dataIndex: "key", render: (k: string) => categories.get(k) ?? k },
                { title: t("reports.thisWeek"), dataIndex: "count" },
                { title: t("reports.baselineMean"), dataIndex: "baselineMean" },
                {
                  title: "",
                  dataIndex: "rising",
                  render: (r: boolean) => (r ? <Tag color="red">{t("reports.rising")}</Tag> : null),
                },
              ]}
            />
          </Card>
          <Card title={t("reports.sections.hotspots")}>
            <HotspotMap config={config.map} content={c} from={report.from} to={report.to} />
            <Table
              rowKey={(r) => `${r.kind}${r.name}`}
              size="small"
              pagination={false}
              locale={{ emptyText: t("reports.noHotspots") }}
              dataSource={[
                ...c.hotspots.grids.map((g) => ({ kind: "area", name: g.name, count: g.count, code: g.code })),
                ...c.hotspots.addresses.map((a) => ({
                  kind: "address",
                  name: a.address,
                  count: a.count,
                  code: a.areaCode,
                })),
              ]}
              columns={[
                { title: "", dataIndex: "kind", render: (k: string) => t(`reports.hotspot.${k}`) },
                { title: t("reports.where"), dataIndex: "name" },
                {
                  title: t("reports.thisWeek"),
                  key: "n",
                  render: (_: unknown, r) => figureCell("reported", r.count, r.code),
                },
              ]}
            />
          </Card>
          {c.visitsDue && (
            <Card title={t("visitsDue.report.title")} data-testid="report-visits-due">
              <Descriptions size="small" column={3}>
                <Descriptions.Item label={t("visitsDue.report.fellDue")}>{c.visitsDue.fellDue}</Descriptions.Item>
                <Descriptions.Item label={t("visitsDue.report.doneOnTime")}>{c.visitsDue.doneOnTime}</Descriptions.Item>
                <Descriptions.Item label={t("visitsDue.report.late")}>
                  {c.visitsDue.fellDue - c.visitsDue.doneOnTime}
                </Descriptions.Item>
                <Descriptions.Item label={t("visitsDue.report.onTime")}>
                  {share(c.visitsDue.doneOnTime, c.visitsDue.fellDue)}
                </Descriptions.Item>
                <Descriptions.Item label={t("figures.name.visits")}>
                  {t("visitsDue.report.visits", { n: f.counts.visits, met: f.counts.visitsMet })}
                </Descriptions.Item>
              </Descriptions>
              <Typography.Text type="secondary">{t("visitsDue.report.hint")}</Typography.Text>
            </Card>
          )}
          <Card title={t("reports.sections.slow")}>
            <Typography.Paragraph>
              {t("reports.slowLine", { overdue: c.slow.overdue, late: c.slow.settledLate, onTime: pct(c.slow.onTime) })}
            </Typography.Paragraph>
            <Table
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={c.slow.openOverdue}
              locale={{ emptyText: t("reports.noMatters") }}
              columns={[
                { title: t("reports.number"), dataIndex: "number" },
                { title: t("reports.titleCol"), dataIndex: "title" },
                { title: t("reports.state"), dataIndex: "state", render: (s: string) => t(`events.state.${s}`) },
              ]}
            />
          </Card>
        </>
      )}
      {c.kind === "monthly" && (
        <>
          <Card title={t("reports.sections.areaOutcomes")}>
            <Typography.Paragraph type="secondary">{t("reports.outcomesHint")}</Typography.Paragraph>
            <Table
              rowKey="code"
              size="small"
              pagination={false}
              dataSource={c.areas}
              columns={[
                { title: t("reports.area"), dataIndex: "name" },
                {
                  title: t("figures.name.reported"),
                  key: "r",
                  render: (_: unknown, a) => figureCell("reported", a.counts.reported, a.code),
                },
                {
                  title: t("figures.name.settled"),
                  key: "s",
                  render: (_: unknown, a) => figureCell("settled", a.counts.settled, a.code),
                },
                ...RATES.map((r) => ({
                  title: t(`figures.rate.${r}`),
                  key: r,
                  render: (_: unknown, a: (typeof c.areas)[number]) => `${pct(a.rates[r])}（${pct(a.previous[r])}）`,
                })),
              ]}
            />
          </Card>
          {c.visitsDue && (
            <Card title={t("visitsDue.report.title")} data-testid="report-visits-due">
              <Table
                rowKey="code"
                size="small"
                pagination={false}
                dataSource={[
                  ...c.visitsDue.areas,
                  {
                    code: "",
                    name: t("visitsDue.report.total"),
                    level: "",
                    fellDue: c.visitsDue.fellDue,
                    doneOnTime: c.visitsDue.doneOnTime,
                  },
                ]}
                columns={[
                  { title: t("reports.area"), dataIndex: "name" },
                  { title: t("visitsDue.report.fellDue"), dataIndex: "fellDue" },
                  { title: t("visitsDue.report.doneOnTime"), dataIndex: "doneOnTime" },
                  {
                    title: t("visitsDue.report.late"),
                    key: "late",
                    render: (_: unknown, a: { fellDue: number; doneOnTime: number }) => a.fellDue - a.doneOnTime,
                  },
                  {
                    title: t("visitsDue.report.onTime"),
                    key: "onTime",
                    render: (_: unknown, a: { fellDue: number; doneOnTime: number }) => share(a.doneOnTime, a.fellDue),
                  },
                ]}
              />
              <Typography.Text type="secondary">{t("visitsDue.report.hint")}</Typography.Text>
            </Card>
          )}
          <Card title={t("reports.sections.alerts")}>
            {c.alerts.length === 0 ? (
              <Typography.Text type="secondary">{t("reports.noAlerts")}</Typography.Text>
            ) : (
              <Table
                rowKey="id"
                size="small"
                pagination={false}
                dataSource={c.alerts.flatMap((s) => s.items.map((a) => ({ ...a, areaName: s.name })))}
                columns={[
                  { title: t("reports.area"), dataIndex: "areaName" },
                  { title: t("reports.alert"), dataIndex: "title" },
                  { title: t("reports.state"), dataIndex: "state", render: (s: string) => t(`risk.state.${s}`) },
                  { title: t("reports.raisedAt"), dataIndex: "raisedAt", render: (v: string) => formatTime(v) },
                ]}
              />
            )}
          </Card>
          <JudgementCard report={report} canWrite={canWrite} onSaved={setReport} />
        </>
      )}
    </Space>
  );
}

/** Category names in the reader's language (the categories are the deployment's own). */
function useCategoryNames(): Map<string, string> {
  const { i18n } = useTranslation();
  const [names, setNames] = useState(new Map<string, string>());
  useEffect(() => {
    listCategoryNames().then(
      (cats) =>
        setNames(new Map(cats.map((c) => [c.key, i18n.language.startsWith("zh") ? c.name["zh-CN"] : c.name.en]))),
      () => setNames(new Map()),
    );
  }, [i18n.language]);
  return names;
}

function AreasCard({
  areas,
  link,
}: {
  areas: { code: string; name: string; counts: FigureCounts }[];
  link: (code: string, figure: string, n: number) => React.ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Card title={t("reports.sections.areas")}>
      <Table
        rowKey="code"
        size="small"
        pagination={false}
        dataSource={areas}
        columns={[
          { title: t("reports.area"), dataIndex: "name" },
          ...(["reported", "accepted", "settled", "escalated", "overdue", "closeOuts"] as const).map((k) => ({
            title: t(`figures.name.${k}`),
            key: k,
            render: (_: unknown, a: (typeof areas)[number]) => link(a.code, k, a.counts[k]),
          })),
        ]}
      />
    </Card>
  );
}

function JudgementCard({
  report,
  canWrite,
  onSaved,
}: {
  report: ReportView;
  canWrite: boolean;
  onSaved: (r: ReportView) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [text, setText] = useState(report.judgement?.text ?? "");
  const [busy, setBusy] = useState(false);
  const [versionId, setVersionId] = useState(() => crypto.randomUUID());
  const [stale, setStale] = useState(false);
  const save = async () => {
    setBusy(true);
    try {
      const r = await writeJudgement(report.id, { id: versionId, text, baseVersion: report.judgement?.version ?? 0 });
      onSaved(r);
      // What was stored: numbers masked.
      setText(r.judgement?.text ?? text);
      setVersionId(crypto.randomUUID());
      setStale(false);
      message.success(t("reports.judgementSaved", { version: r.judgement?.version ?? 0 }));
    } catch (e) {
      const err = toApiError(e);
      if (err.code === "REPORT_JUDGEMENT_STALE") setStale(true);
      message.error(t(errorMessageKey(err.code)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t("reports.sections.judgement")}>
      {report.judgement && (
        <Typography.Paragraph type="secondary">
          {t("reports.judgementBy", {
            version: report.judgement.version,
            by: report.judgement.writtenBy,
            at: formatTime(report.judgement.writtenAt),
          })}
        </Typography.Paragraph>
      )}
      {stale && (
        <Alert type="warning" showIcon message={t("errors.REPORT_JUDGEMENT_STALE")} style={{ marginBottom: 12 }} />
      )}
      {canWrite ? (
        <Space direction="vertical" style={{ width: "100%" }}>
          <Input.TextArea
            aria-label={t("reports.sections.judgement")}
            rows={6}
            maxLength={5000}
            value={text}
            placeholder={t("reports.judgementPlaceholder")}
            onChange={(e) => setText(e.target.value)}
          />
          <Typography.Text type="secondary">{t("reports.judgementPrivacy")}</Typography.Text>
          <Button type="primary" loading={busy} disabled={text.trim().length < 2} onClick={save}>
            {t("reports.saveJudgement")}
          </Button>
        </Space>
      ) : (
        <Typography.Paragraph style={{ whiteSpace: "pre-wrap" }}>
          {report.judgement?.text ?? t("reports.judgementNone")}
        </Typography.Paragraph>
      )}
      {report.judgementHistory.length > 1 && (
        <Typography.Paragraph type="secondary">
          {t("reports.judgementHistory")}:{" "}
          {report.judgementHistory.map((v) => `v${v.version} ${v.writtenBy} ${formatTime(v.writtenAt)}`).join("；")}
        </Typography.Paragraph>
      )}
    </Card>
  );
}
