import type { ClientConfig, FeatureCollection } from "@wangge/core";
import { chinaDate, type EventFigure, type Figure, OPEN_STATE_FILTER, weekStart } from "@wangge/core";
import { Alert, Breadcrumb, Button, Card, Col, Row, Space, Statistic, Table, Tag, Typography } from "antd";
import type { ReactNode } from "react";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { toApiError } from "../../../lib/api-client.ts";
import { errorMessageKey } from "../../../lib/error-message.ts";
import { type Compared, changeText } from "../../../lib/figure-change.ts";
import { openLiveStream } from "../../../lib/live-stream.ts";
import { LazyWgMap } from "../../../lib/map/LazyWgMap.tsx";
import type { MyAreas } from "../../../lib/map/my-areas.ts";
import {
  countInbox,
  type Figures,
  getFigures,
  getOpenMatters,
  getVisitsDue,
  type OpenMatters,
  type VisitDueCounts,
} from "../api/figures.ts";
import { countMissingBoundaries } from "./missing-boundaries.ts";

/**
 * 工作台, the console's home: for the signed-in official's areas, today's and this week's figures with
 * their change (today against yesterday, the week so far against last week's same days), what needs
 * them now, and a map of the areas below coloured by open and overdue
 * matters — drilled down from the top of their areas to a grid (breadcrumb). Every figure links to
 * the events list behind it. Figures come from GET /figures (kept as matters change), the map's
 * colours from GET /figures/open, the inbox counts from the events list itself; all of them reload
 * when the events stream says something changed in the user's areas.
 */
const HEADLINE: EventFigure[] = ["reported", "accepted", "settled", "escalated", "overdue"];

/** A drill-down step: a link's look, a button's keyboard and role. */
const LINK = { padding: 0, height: "auto" } as const;

const COLOURS = { calm: "#2e7d32", open: "#f9a825", overdue: "#c62828" };

function colourOf(open: number, overdue: number) {
  if (overdue > 0) return { fill: COLOURS.overdue, fillOpacity: 0.45 };
  if (open > 0) return { fill: COLOURS.open, fillOpacity: 0.4 };
  return { fill: COLOURS.calm, fillOpacity: 0.2 };
}

const eventsLink = (params: Record<string, string>) => `/events?${new URLSearchParams(params)}`;

export function Workbench({
  config,
  mine,
  preview,
  mapTools,
  canReadVisits = false,
  canReadVisitsDue = false,
  canListDue = false,
}: {
  config: ClientConfig;
  /** May read the visits due figure (report.read). */
  canReadVisitsDue?: boolean;
  /** May open the names behind it (visit.manage: 应走访名单); else it opens the coverage per area. */
  canListDue?: boolean;
  /** May open the visits behind the visit figures (走访记录) and the close-outs behind theirs. */
  canReadVisits?: boolean;
  mine: MyAreas | undefined;
  /** Shapes drawn over the areas (a GeoJSON file previewed with `mapTools`). */
  preview?: FeatureCollection | undefined;
  mapTools?: ReactNode;
}) {
  const { t } = useTranslation();
  const [area, setArea] = useState<string>();
  const [today, setToday] = useState<Figures>();
  const [week, setWeek] = useState<Figures>();
  const [open, setOpen] = useState<OpenMatters>();
  const [inbox, setInbox] = useState<{ overdue: number; dueSoon: number; review: number }>();
  const [error, setError] = useState<string>();

  const day = chinaDate(new Date());
  const monday = weekStart(day);
  const load = useCallback(() => {
    setError(undefined);
    Promise.all([
      getFigures({ area, from: day, to: day }),
      getFigures({ area, from: monday, to: day, by: "child", compare: "lastWeek" }),
      getOpenMatters(area),
    ]).then(
      ([d, w, o]) => {
        setToday(d);
        setWeek(w);
        setOpen(o);
      },
      (e) => setError(t(errorMessageKey(toApiError(e).code))),
    );
  }, [area, day, monday, t]);
  useEffect(load, [load]);
  const loadInbox = useCallback(() => {
    Promise.all([
      countInbox({ box: "overdue" }),
      countInbox({ box: "due_soon" }),
      countInbox({ box: "area", state: "resolved" }),
    ]).then(
      ([overdue, dueSoon, review]) => setInbox({ overdue, dueSoon, review }),
      () => setInbox(undefined),
    );
  }, []);
  useEffect(loadInbox, [loadInbox]);

  // Live: a change in the user's areas (reported, settled, escalated…) reloads the figures and the
  // counts of what needs the user, and so does the stream coming back after a drop or a server
  // restart (changes meanwhile were missed).
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let opened = false;
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        load();
        loadInbox();
      }, 800);
    };
    const close = openLiveStream("/api/v1/events/stream", {
      onOpen: () => {
        if (opened) soon();
        opened = true;
      },
      onChange: soon,
    });
    return () => {
      clearTimeout(timer);
      close();
    };
  }, [load, loadInbox]);

  const features = useMemo((): FeatureCollection | undefined => {
    if (!mine || !open) return undefined;
    const byCode = new Map(open.children.map((c) => [c.code, c]));
    const children = mine.features.features.filter((f) => byCode.has(String(f.properties.code)));
    const shown =
      children.length > 0 ? children : mine.features.features.filter((f) => f.properties.code === open.area.code);
    return {
      type: "FeatureCollection",
      features: [
        ...shown.map((f) => {
          const c = byCode.get(String(f.properties.code)) ?? { open: open.open, overdue: open.overdue };
          return { ...f, properties: { ...f.properties, ...colourOf(c.open, c.overdue) } };
        }),
        ...(preview?.features ?? []),
      ],
    };
  }, [mine, open, preview]);

  const code = today?.area.code;
  const [visitsDue, setVisitsDue] = useState<VisitDueCounts>();
  useEffect(() => {
    if (!code || !canReadVisitsDue) return;
    let live = true;
    getVisitsDue(code).then(
      (v) => live && setVisitsDue(v),
      () => live && setVisitsDue(undefined),
    );
    return () => {
      live = false;
    };
  }, [code, canReadVisitsDue]);
  // Named by the period, not by its first day: on a Monday today and this week start on the same day.
  const figureLink = (f: EventFigure, which: "today" | "week", from: string, value: ReactNode) =>
    code ? (
      <Link
        to={eventsLink({ box: "all", areaCode: code, figure: f, from, to: day })}
        data-testid={`figure-${which}-${f}`}
      >
        {value}
      </Link>
    ) : (
      value
    );

  const change = (previous: Compared, now: number, before: number) => (
    <Typography.Text
      type="secondary"
      style={{ fontSize: 12 }}
      title={t("figures.comparedWith", { from: previous.from, to: previous.to })}
    >
      {changeText(t, previous, now, before)}
    </Typography.Text>
  );

  const period = (title: string, which: "today" | "week", f: Figures | undefined, from: string) => (
    <Card title={title} size="small" loading={!f}>
      {f && (
        <Row gutter={[16, 8]}>
          {HEADLINE.map((k) => (
            <Col key={k} xs={12} md={8} xl={4}>
              <Statistic
                title={t(`figures.name.${k}`)}
                valueRender={() => figureLink(k, which, from, <span style={{ fontSize: 24 }}>{f.counts[k]}</span>)}
              />
              {change(f.previous, f.counts[k], f.previous.counts[k as Figure])}
            </Col>
          ))}
          <Col xs={12} md={8} xl={4}>
            <Statistic
              title={t("figures.rate.satisfaction")}
              value={f.rates.satisfaction ?? "—"}
              suffix={f.rates.satisfaction === null ? "" : "%"}
            />
          </Col>
          <Col xs={12} md={8} xl={6}>
            <Statistic
              title={t("figures.rate.settledInGrid")}
              value={f.rates.settledInGrid ?? "—"}
              suffix={f.rates.settledInGrid === null ? "" : "%"}
            />
          </Col>
          <Col xs={12} md={8} xl={6}>
            <Statistic
              title={t("figures.rate.settledInCommunity")}
              value={f.rates.settledInCommunity ?? "—"}
              suffix={f.rates.settledInCommunity === null ? "" : "%"}
            />
          </Col>
          <Col xs={12} md={8} xl={6}>
            <Statistic
              title={t("figures.rate.onTime")}
              value={f.rates.onTime ?? "—"}
              suffix={f.rates.onTime === null ? "" : "%"}
            />
          </Col>
          <Col xs={12} md={8} xl={6}>
            <Statistic
              title={t("figures.name.visits")}
              valueRender={(v) =>
                code && canReadVisits ? (
                  <Link
                    to={`/visits?${new URLSearchParams({ tab: "records", areaCode: code, from, to: day })}`}
                    data-testid={`figure-${which}-visits`}
                  >
                    {v}
                  </Link>
                ) : (
                  v
                )
              }
              value={f.counts.visits}
              suffix={
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {code && canReadVisits && which === "today" ? (
                    // A day's close-outs: which grids closed out that day, and which did not.
                    <Link to={`/visits?${new URLSearchParams({ tab: "close-outs", areaCode: code, day })}`}>
                      {t("figures.closeOuts", { n: f.counts.closeOuts })}
                    </Link>
                  ) : (
                    t("figures.closeOuts", { n: f.counts.closeOuts })
                  )}
                </Typography.Text>
              }
            />
          </Col>
        </Row>
      )}
    </Card>
  );

  if (error) return <Alert type="error" showIcon message={error} />;
  const weekByChild = new Map(week?.rows.map((r) => [r.key, r.counts]));
  // One area of one's own heads the breadcrumb: naming it before as well said it twice.
  const namedByTrail = !!open && !!mine && mine.areas.length === 1 && open.trail[0]?.code === mine.areas[0]?.code;
  const missingBoundaries = mine && open ? countMissingBoundaries(open.children, mine) : 0;
  // A grid has no areas below: its map takes the row rather than an empty panel beside it.
  const hasChildren = !open || open.children.length > 0;
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      <Space align="baseline" wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t("dashboard.title")}
        </Typography.Title>
        {mine && mine.areas.length > 0 && (
          <Typography.Text type="secondary">
            {t("dashboard.yourAreas")}
            {!namedByTrail && <span translate="no"> {mine.areas.map((a) => a.name).join("、")}</span>}
          </Typography.Text>
        )}
        {open && (
          <Breadcrumb
            data-testid="figures-trail"
            items={open.trail.map((a, i) => ({
              title:
                i < open.trail.length - 1 ? (
                  <Button type="link" size="small" style={LINK} onClick={() => setArea(a.code)} translate="no">
                    {a.name}
                  </Button>
                ) : (
                  <span translate="no">{a.name}</span>
                ),
            }))}
          />
        )}
      </Space>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Space direction="vertical" size="middle" style={{ width: "100%" }}>
            {period(t("figures.today"), "today", today, day)}
            {period(t("figures.thisWeek", { from: monday }), "week", week, monday)}
          </Space>
        </Col>
        <Col xs={24} xl={8}>
          <Card title={t("figures.needsYou")} size="small" loading={!inbox}>
            {inbox && (
              <Row gutter={16}>
                <Col span={8}>
                  <Statistic
                    title={t("figures.inbox.overdue")}
                    valueRender={() => (
                      <Link to={eventsLink({ box: "overdue" })} data-testid="inbox-overdue">
                        {inbox.overdue}
                      </Link>
                    )}
                    valueStyle={{ color: inbox.overdue > 0 ? COLOURS.overdue : undefined }}
                  />
                </Col>
                <Col span={8}>
                  <Statistic
                    title={t("figures.inbox.dueSoon")}
                    valueRender={() => (
                      <Link to={eventsLink({ box: "due_soon" })} data-testid="inbox-due-soon">
                        {inbox.dueSoon}
                      </Link>
                    )}
                  />
                </Col>
                <Col span={8}>
                  <Statistic
                    title={t("figures.inbox.review")}
                    valueRender={() => (
                      <Link to={eventsLink({ box: "area", state: "resolved" })} data-testid="inbox-review">
                        {inbox.review}
                      </Link>
                    )}
                  />
                </Col>
              </Row>
            )}
          </Card>
          {canReadVisitsDue && (
            <Card
              title={t("visitsDue.title")}
              size="small"
              loading={!visitsDue}
              style={{ marginTop: 16 }}
              data-testid="visits-due"
            >
              {visitsDue && (
                <>
                  <Row gutter={16}>
                    {(["overdue", "due", "done"] as const).map((k) => (
                      <Col span={8} key={k}>
                        <Statistic
                          title={t(`visitsDue.${k}`)}
                          valueRender={() => (
                            <Link
                              to={`/visits?${new URLSearchParams(
                                canListDue
                                  ? { tab: "due", areaCode: visitsDue.area.code, status: k }
                                  : { tab: "coverage", areaCode: visitsDue.area.code },
                              )}`}
                              data-testid={`visits-due-${k}`}
                            >
                              {visitsDue[k]}
                            </Link>
                          )}
                          valueStyle={{ color: k === "overdue" && visitsDue.overdue > 0 ? COLOURS.overdue : undefined }}
                        />
                      </Col>
                    ))}
                  </Row>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t("visitsDue.figureHint")}
                  </Typography.Text>
                </>
              )}
            </Card>
          )}
        </Col>
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={hasChildren ? 14 : 24}>
          <Card title={t("dashboard.mapTitle")} size="small" extra={<Legend />}>
            {mapTools}
            <LazyWgMap
              config={config.map}
              features={features}
              height={460}
              label={t("dashboard.mapTitle")}
              onAreaClick={(c) => {
                if (open?.children.some((child) => child.code === c)) setArea(c);
              }}
            />
            {missingBoundaries > 0 && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="map-missing-boundaries">
                {t("figures.noBoundary", { count: missingBoundaries })}
              </Typography.Text>
            )}
          </Card>
        </Col>
        {hasChildren && (
          <Col xs={24} xl={10}>
            <Card title={t("figures.below")} size="small">
              <Table
                rowKey="code"
                size="small"
                loading={!open}
                dataSource={open?.children}
                pagination={{ pageSize: 12, hideOnSinglePage: true }}
                columns={[
                  {
                    title: t("figures.area"),
                    dataIndex: "name",
                    render: (name: string, c) => (
                      <Button
                        type="link"
                        size="small"
                        style={LINK}
                        onClick={() => setArea(c.code)}
                        translate="no"
                        data-testid={`drill-${c.code}`}
                      >
                        {name}
                      </Button>
                    ),
                  },
                  {
                    title: t("figures.open"),
                    dataIndex: "open",
                    // The count is of matters being worked on (not suspended, not yet settled): so is the list.
                    render: (n: number, c) => (
                      <Link
                        to={eventsLink({ box: "area", state: OPEN_STATE_FILTER, areaCode: c.code })}
                        data-testid={`child-open-${c.code}`}
                      >
                        {n}
                      </Link>
                    ),
                  },
                  {
                    title: t("figures.overdue"),
                    dataIndex: "overdue",
                    render: (n: number, c) => (
                      <Link
                        to={eventsLink({ box: "overdue", state: OPEN_STATE_FILTER, areaCode: c.code })}
                        data-testid={`child-overdue-${c.code}`}
                      >
                        {n > 0 ? <Tag color="red">{n}</Tag> : n}
                      </Link>
                    ),
                  },
                  {
                    title: t("figures.weekReported"),
                    key: "reported",
                    render: (_: unknown, c) =>
                      weekByChild.get(c.code) ? (
                        <Link
                          to={eventsLink({ box: "all", areaCode: c.code, figure: "reported", from: monday, to: day })}
                        >
                          {weekByChild.get(c.code)?.reported}
                        </Link>
                      ) : (
                        0
                      ),
                  },
                  {
                    title: t("figures.weekSettled"),
                    key: "settled",
                    render: (_: unknown, c) =>
                      weekByChild.get(c.code) ? (
                        <Link
                          to={eventsLink({ box: "all", areaCode: c.code, figure: "settled", from: monday, to: day })}
                        >
                          {weekByChild.get(c.code)?.settled}
                        </Link>
                      ) : (
                        0
                      ),
                  },
                ]}
              />
            </Card>
          </Col>
        )}
      </Row>
    </Space>
  );
}

function Legend() {
  const { t } = useTranslation();
  return (
    <Space size={4}>
      <Tag color={COLOURS.calm}>{t("figures.legend.calm")}</Tag>
      <Tag color={COLOURS.open}>{t("figures.legend.open")}</Tag>
      <Tag color={COLOURS.overdue}>{t("figures.legend.overdue")}</Tag>
    </Space>
  );
}
