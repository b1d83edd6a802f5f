import { PlusOutlined } from "@ant-design/icons";
import {
  addDays,
  type ClientConfig,
  calendar,
  chinaDate,
  isPeriodOver,
  isWorkingDay,
  MAX_REPORT_DAYS_BACK,
  reportPeriodOf,
  SCHEDULED_REPORT_LEVELS,
} from "@wangge/core";
import {
  App,
  Button,
  Card,
  DatePicker,
  Empty,
  Form,
  Modal,
  Segmented,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from "antd";
import type { Dayjs } from "dayjs";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useFormFail } from "../../../components/useFormFail.tsx";
import { toApiError } from "../../../lib/api-client.ts";
import { errorMessageKey } from "../../../lib/error-message.ts";
import { useMyAreas } from "../../../lib/map/my-areas.ts";
import { getWorkCalendar, listReports, type ReportKind, type ReportSummary, requestReport } from "../api/reports.ts";
import { ReportDetail } from "./ReportDetail.tsx";

const KINDS: ReportKind[] = ["daily", "weekly", "monthly"];

const formatTime = (iso: string) => new Date(iso).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false });

/**
 * 报告: the daily, weekly and monthly reports the system wrote for the reader's areas, newest first,
 * by kind and area; one written on demand for an area and a past period; a report opened in the
 * browser with its sections, the judgement (研判意见) and the PDF and XLSX files.
 */
export function ReportsPage({
  config,
  canWrite,
  areaCode,
}: {
  config: ClientConfig;
  canWrite: boolean;
  areaCode: string | null;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const mine = useMyAreas();
  const [kind, setKind] = useState<ReportKind | "all">("all");
  const [area, setArea] = useState<string | undefined>();
  const [offset, setOffset] = useState(0);
  const [list, setList] = useState<{ total: number; items: ReportSummary[] }>();
  const [openId, setOpenId] = useState<string>();
  const [asking, setAsking] = useState(false);
  const load = useCallback(() => {
    setList(undefined);
    listReports({ kind: kind === "all" ? undefined : kind, area, offset }).then(setList, (e) =>
      message.error(t(errorMessageKey(toApiError(e).code))),
    );
  }, [kind, area, offset, message, t]);
  useEffect(load, [load]);
  const areaOptions = useMemo(() => (mine?.areas ?? []).map((a) => ({ value: a.code, label: a.name })), [mine]);
  // Reports are written on schedule for counties and townships only: a grid head's or a village's
  // page says so, and offers the report of their own area on demand.
  const unscheduled = (mine?.areas ?? []).filter(
    (a) => !(SCHEDULED_REPORT_LEVELS as readonly string[]).includes(a.level),
  );
  const onlyUnscheduled = mine !== undefined && mine.areas.length > 0 && unscheduled.length === mine.areas.length;
  if (openId)
    return (
      <ReportDetail
        id={openId}
        config={config}
        canWrite={canWrite}
        onBack={() => {
          setOpenId(undefined);
          load();
        }}
      />
    );
  return (
    <Card
      title={t("reports.title")}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setAsking(true)}>
          {t("reports.generate")}
        </Button>
      }
    >
      <Space direction="vertical" size="middle" style={{ width: "100%" }}>
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t("reports.intro")}
        </Typography.Paragraph>
        <Space wrap>
          <Segmented
            value={kind}
            onChange={(v) => {
              setKind(v as ReportKind | "all");
              setOffset(0);
            }}
            options={[
              { value: "all", label: t("reports.allKinds") },
              ...KINDS.map((k) => ({ value: k, label: t(`reports.kind.${k}`) })),
            ]}
          />
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            style={{ minWidth: 220 }}
            placeholder={t("reports.allAreas")}
            aria-label={t("reports.area")}
            value={area}
            onChange={(v) => {
              setArea(v);
              setOffset(0);
            }}
            options={areaOptions}
          />
        </Space>
        <Table
          rowKey="id"
          size="small"
          loading={!list}
          dataSource={list?.items ?? []}
          locale={{
            emptyText: onlyUnscheduled ? (
              <Empty description={t("reports.noneUnscheduled", { areas: unscheduled.map((a) => a.name).join("、") })}>
                <Button type="primary" icon={<PlusOutlined />} onClick={() => setAsking(true)}>
                  {unscheduled.length === 1
                    ? t("reports.generateForArea", { area: unscheduled[0]?.name })
                    : t("reports.generate")}
                </Button>
              </Empty>
            ) : (
              t("reports.none")
            ),
          }}
          pagination={{
            current: offset / 20 + 1,
            pageSize: 20,
            total: list?.total ?? 0,
            showSizeChanger: false,
            onChange: (page) => setOffset((page - 1) * 20),
          }}
          onRow={(row) => ({ onClick: () => setOpenId(row.id), style: { cursor: "pointer" } })}
          columns={[
            {
              title: t("reports.kindLabel"),
              dataIndex: "kind",
              render: (k: ReportKind) => (
                <Tag color={{ daily: "blue", weekly: "geekblue", monthly: "purple" }[k]}>{t(`reports.kind.${k}`)}</Tag>
              ),
            },
            { title: t("reports.area"), key: "area", render: (_: unknown, r) => r.area.name },
            {
              title: t("reports.period"),
              key: "period",
              render: (_: unknown, r) => (
                <Button type="link" style={{ padding: 0 }} onClick={() => setOpenId(r.id)}>
                  {r.from === r.to ? r.from : `${r.from} ～ ${r.to}`}
                </Button>
              ),
            },
            { title: t("reports.generatedAt"), dataIndex: "generatedAt", render: (v: string) => formatTime(v) },
            { title: t("reports.trigger"), dataIndex: "trigger", render: (v: string) => t(`reports.triggers.${v}`) },
            {
              title: t("reports.judgement"),
              dataIndex: "judgementVersion",
              render: (v: number, r) =>
                r.kind !== "monthly"
                  ? "—"
                  : v > 0
                    ? t("reports.judgementVersion", { version: v })
                    : t("reports.judgementNone"),
            },
          ]}
        />
      </Space>
      <GenerateDialog
        open={asking}
        areas={areaOptions}
        defaultArea={area ?? areaCode ?? areaOptions[0]?.value}
        onClose={() => setAsking(false)}
        onDone={(id) => {
          setAsking(false);
          setOpenId(id);
        }}
      />
    </Card>
  );
}

function GenerateDialog({
  open,
  areas,
  defaultArea,
  onClose,
  onDone,
}: {
  open: boolean;
  areas: { value: string; label: string }[];
  defaultArea: string | undefined;
  onClose: () => void;
  onDone: (id: string) => void;
}) {
  const { t } = useTranslation();
  const fail = useFormFail();
  const [form] = Form.useForm<{ kind: ReportKind; area: string; day: Dayjs }>();
  const kind = Form.useWatch("kind", form) ?? "daily";
  const [busy, setBusy] = useState(false);
  const isPast = useReportableDay(open);
  // One id per dialog opening: a double click or a retry answers the same report.
  const [requestId, setRequestId] = useState(() => crypto.randomUUID());
  useEffect(() => {
    if (open) {
      setRequestId(crypto.randomUUID());
      form.setFieldsValue({ kind: "daily", area: defaultArea });
    }
  }, [open, defaultArea, form]);
  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      const r = await requestReport({ id: requestId, kind: v.kind, area: v.area, day: v.day.format("YYYY-MM-DD") });
      onDone(r.id);
    } catch (e) {
      // The day's problem (a period not over, a rest day taken in by a later report) under the day.
      fail(e, form);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={open}
      title={t("reports.generateTitle")}
      okText={t("reports.generateOk")}
      cancelText={t("common.cancel")}
      confirmLoading={busy}
      onOk={submit}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t("reports.generateHint")}</Typography.Paragraph>
      <Form form={form} layout="vertical">
        <Form.Item name="kind" label={t("reports.kindLabel")} rules={[{ required: true }]}>
          <Select options={KINDS.map((k) => ({ value: k, label: t(`reports.kind.${k}`) }))} />
        </Form.Item>
        <Form.Item
          name="area"
          label={t("reports.area")}
          rules={[{ required: true, message: t("reports.areaRequired") }]}
        >
          <Select showSearch optionFilterProp="label" options={areas} />
        </Form.Item>
        <Form.Item name="day" label={t("reports.day")} rules={[{ required: true, message: t("reports.dayRequired") }]}>
          <DatePicker style={{ width: "100%" }} disabledDate={(d) => !isPast(kind, d.format("YYYY-MM-DD"))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/**
 * Whether a report of a kind can be written for a day, by the rule the server applies (core's
 * report periods): the period holding it is over and began no more than MAX_REPORT_DAYS_BACK days
 * ago. Daily periods follow the working calendar (a rest day belongs to the next working day's
 * report), loaded for the years around today; until it loads, weekends count as rest days.
 */
function useReportableDay(open: boolean) {
  const [days, setDays] = useState<{ holidays: string[]; workdays: string[] }>({ holidays: [], workdays: [] });
  useEffect(() => {
    if (!open) return;
    const year = Number(chinaDate(new Date()).slice(0, 4));
    Promise.all([year - 1, year, year + 1].map((y) => getWorkCalendar(y).catch(() => []))).then((years) => {
      const all = years.flat();
      setDays({
        holidays: all.filter((d) => d.kind === "holiday").map((d) => d.day),
        workdays: all.filter((d) => d.kind === "workday").map((d) => d.day),
      });
    });
  }, [open]);
  return useMemo(() => {
    const cal = calendar(days);
    const isWorking = (day: string) => isWorkingDay(day, cal);
    return (kind: ReportKind, day: string) => {
      const today = chinaDate(new Date());
      const period = reportPeriodOf(kind, day, isWorking);
      return isPeriodOver(period, today) && period.from >= addDays(today, -MAX_REPORT_DAYS_BACK);
    };
  }, [days]);
}
