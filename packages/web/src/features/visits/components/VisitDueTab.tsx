import { Segmented, Space, Table, Tag, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { AreaName } from "../../../components/AreaName.tsx";
import { toApiError } from "../../../lib/api-client.ts";
import { errorMessageKey } from "../../../lib/error-message.ts";
import { listDue, listVisitPlans, type VisitDueList, type VisitPlan } from "../api/visits.ts";

const PAGE = 50;
const STATUSES = ["overdue,due", "overdue", "due", "done"] as const;
type StatusFilter = (typeof STATUSES)[number];
const COLOURS: Record<string, string> = { overdue: "red", due: "orange", done: "green" };

/**
 * 应走访名单: who is due for a visit in an area by the visit plans — the list behind the 工作台's
 * visits due (`/visits?tab=due&areaCode=…&status=…`), its counts the figure's. For who keeps the
 * area's visits (visit.manage): it names people.
 */
export function VisitDueTab({ areaCode }: { areaCode: string | null }) {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const area = params.get("areaCode") ?? areaCode ?? undefined;
  const asked = params.get("status");
  const status: StatusFilter = STATUSES.includes(asked as StatusFilter) ? (asked as StatusFilter) : "overdue,due";
  const [offset, setOffset] = useState(0);
  const [list, setList] = useState<VisitDueList>();
  const [error, setError] = useState<string>();
  const [plans, setPlans] = useState<VisitPlan[]>([]);
  const lang = i18n.language.startsWith("zh") ? "zh-CN" : "en";
  useEffect(() => {
    listVisitPlans().then(setPlans, () => setPlans([]));
  }, []);
  useEffect(() => {
    let live = true;
    setList(undefined);
    listDue({ ...(area ? { areaCode: area } : {}), status, limit: PAGE, offset }).then(
      (l) => live && setList(l),
      (e) => live && setError(t(errorMessageKey(toApiError(e).code))),
    );
    return () => {
      live = false;
    };
  }, [area, status, offset, t]);
  const tagName = (key: string) => plans.find((p) => p.key === key)?.name[lang] ?? key;
  const choose = (next: StatusFilter) => {
    const p = new URLSearchParams(params);
    p.set("tab", "due");
    p.set("status", next);
    setParams(p, { replace: true });
    setOffset(0);
  };
  const c = list?.counts;
  return (
    <Space direction="vertical" style={{ width: "100%" }} data-testid="visit-due-list">
      <Typography.Paragraph type="secondary">{t("visitsDue.tabHint")}</Typography.Paragraph>
      <Space wrap>
        {area && (
          <Typography.Text strong>
            {t("visitsDue.area")}: <AreaName code={area} />
          </Typography.Text>
        )}
        <Segmented
          value={status}
          onChange={(v) => choose(v as StatusFilter)}
          options={STATUSES.map((s) => ({
            value: s,
            label: `${t(`visitsDue.status.${s === "overdue,due" ? "overdueDue" : s}`)}${
              c ? ` ${s === "overdue,due" ? c.overdue + c.due : c[s as "overdue" | "due" | "done"]}` : ""
            }`,
          }))}
        />
      </Space>
      {error && <Typography.Text type="danger">{error}</Typography.Text>}
      <Table
        rowKey={(r) => `${r.subjectType}${r.personId ?? r.householdId}`}
        size="small"
        loading={!list && !error}
        dataSource={list?.items}
        pagination={{
          current: offset / PAGE + 1,
          pageSize: PAGE,
          total: list?.total ?? 0,
          showSizeChanger: false,
          hideOnSinglePage: true,
          onChange: (page) => setOffset((page - 1) * PAGE),
        }}
        columns={[
          {
            title: t("visitsDue.name"),
            dataIndex: "name",
            render: (n: string | null) => <span translate="no">{n ?? "—"}</span>,
          },
          { title: t("visitsDue.address"), dataIndex: "address", render: (a: string | null) => a ?? "—" },
          { title: t("visitsDue.area"), dataIndex: "areaCode", render: (code: string) => <AreaName code={code} /> },
          {
            title: t("visitsDue.columnsTags"),
            key: "tags",
            render: (_: unknown, r) => (
              <Space size={2} wrap>
                {r.subjectType === "household" && r.tags.length === 0 ? (
                  <Tag>{t("visitsDue.household")}</Tag>
                ) : (
                  r.tags.map((k) => <Tag key={k}>{tagName(k)}</Tag>)
                )}
                <Typography.Text type="secondary">{t("visitsDue.everyDays", { n: r.everyDays })}</Typography.Text>
              </Space>
            ),
          },
          {
            title: t("visitsDue.statusColumn"),
            dataIndex: "status",
            render: (s: string) => <Tag color={COLOURS[s]}>{t(`visitsDue.status.${s}`)}</Tag>,
          },
          { title: t("visitsDue.dueOn"), dataIndex: "dueOn", render: (d: string) => String(d).slice(0, 10) },
          {
            title: t("visitsDue.lastVisitedOn"),
            dataIndex: "lastVisitedOn",
            render: (d: string | null) => (d ? String(d).slice(0, 10) : t("visitsDue.never")),
          },
        ]}
      />
    </Space>
  );
}
