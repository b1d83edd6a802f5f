import { createContext, type ReactNode, useContext, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { changeText } from "../../../lib/figure-change.ts";
import type { ScreenOverview } from "../api/screen.ts";
import { type ChartOption, ScreenChart } from "./ScreenChart.tsx";
import { COLOURS } from "./screen-theme.ts";

/** The wall's panels: each reads the overview and shows "—" until it has arrived. */
type Props = { overview: ScreenOverview | undefined };

export function Panel({
  title,
  extra,
  grow,
  children,
}: {
  title: string;
  extra?: ReactNode;
  grow?: boolean;
  children: ReactNode;
}) {
  return (
    <section
      aria-label={title}
      style={{
        background: COLOURS.panel,
        border: `1px solid ${COLOURS.border}`,
        borderRadius: 6,
        padding: "12px 16px",
        display: "flex",
        flexDirection: "column",
        minHeight: 0,
        overflow: "hidden",
        ...(grow ? { flex: 1 } : {}),
      }}
    >
      <div
        style={{ display: "flex", justifyContent: "space-between", alignItems: "baseline", gap: 12, marginBottom: 8 }}
      >
        <h2
          style={{
            margin: 0,
            fontSize: 24,
            fontWeight: 600,
            color: COLOURS.accent,
            letterSpacing: 2,
            whiteSpace: "nowrap",
            flex: "none",
          }}
        >
          {title}
        </h2>
        {/* The title keeps its line; what is beside it gives way (whole, in its tooltip). */}
        {extra ? <div style={{ ...clipped, textAlign: "right" }}>{extra}</div> : null}
      </div>
      {children}
    </section>
  );
}

const percent = (n: number | null | undefined) => (n === null || n === undefined ? "—" : `${n.toFixed(1)}%`);

/** One line that ends in "…" when it does not fit. */
const clipped = { minWidth: 0, whiteSpace: "nowrap", overflow: "hidden", textOverflow: "ellipsis" } as const;

function Big({ label, value, note, testId }: { label: string; value: string; note?: string; testId: string }) {
  return (
    <div data-figure={testId} style={{ padding: "6px 0", minWidth: 0 }}>
      {/* One line, so the figures of a row stay level whatever the language. */}
      <div style={{ ...clipped, fontSize: 20, color: COLOURS.muted }} title={label}>
        {label}
      </div>
      <div style={{ fontSize: 48, fontWeight: 700, lineHeight: 1.1, fontVariantNumeric: "tabular-nums" }}>{value}</div>
      {note ? <div style={{ fontSize: 18, color: COLOURS.muted }}>{note}</div> : null}
    </div>
  );
}

export function HeadlinePanel({ overview }: Props) {
  const { t } = useTranslation();
  const m = overview?.month;
  return (
    <Panel title={t("screen.thisMonth")}>
      <Big
        testId="reported"
        label={t("screen.reportedThisMonth")}
        value={m ? String(m.counts.reported) : "—"}
        note={m ? changeText(t, m.previous, m.counts.reported, m.previous.counts.reported) : undefined}
      />
      <div style={{ display: "grid", gridTemplateColumns: "1fr 1fr", columnGap: 16 }}>
        <Big testId="settledInGrid" label={t("figures.rate.settledInGrid")} value={percent(m?.rates.settledInGrid)} />
        <Big
          testId="settledInCommunity"
          label={t("figures.rate.settledInCommunity")}
          value={percent(m?.rates.settledInCommunity)}
        />
        <Big testId="onTime" label={t("figures.rate.onTime")} value={percent(m?.rates.onTime)} />
        <Big testId="satisfaction" label={t("figures.rate.satisfaction")} value={percent(m?.rates.satisfaction)} />
      </div>
    </Panel>
  );
}

const axisText = { color: COLOURS.text, fontSize: 16 };

export function CategoriesPanel({ overview }: Props) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith("zh");
  const top = useMemo(() => (overview?.categories ?? []).slice(0, 8).reverse(), [overview]);
  const option = useMemo<ChartOption>(
    () => ({
      backgroundColor: "transparent",
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", axisLabel: axisText, splitLine: { lineStyle: { color: COLOURS.border } } },
      yAxis: {
        type: "category",
        data: top.map((c) => (zh ? c.names.zh : c.names.en)),
        axisLabel: { ...axisText, fontSize: 18 },
      },
      series: [
        {
          type: "bar",
          data: top.map((c) => c.reported),
          itemStyle: { color: COLOURS.accent },
          label: { show: true, position: "right", color: COLOURS.text, fontSize: 18 },
          barMaxWidth: 28,
        },
      ],
      animationDuration: 600,
    }),
    [top, zh],
  );
  return (
    <Panel title={t("screen.categories")} grow>
      {overview && top.length === 0 ? (
        <Empty />
      ) : (
        <ScreenChart
          option={option}
          height={Math.max(200, 44 * Math.max(top.length, 5))}
          label={t("screen.categories")}
        />
      )}
    </Panel>
  );
}

export function TrendPanel({ overview }: Props) {
  const { t } = useTranslation();
  const trend = overview?.trend ?? [];
  const option = useMemo<ChartOption>(
    () => ({
      backgroundColor: "transparent",
      legend: { top: 0, right: 0, textStyle: { ...axisText, fontSize: 18 } },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: trend.map((d) => d.day.slice(5)), axisLabel: axisText },
      yAxis: {
        type: "value",
        minInterval: 1,
        axisLabel: axisText,
        splitLine: { lineStyle: { color: COLOURS.border } },
      },
      series: [
        {
          name: t("figures.name.reported"),
          type: "line",
          smooth: true,
          data: trend.map((d) => d.reported),
          itemStyle: { color: COLOURS.accent },
          areaStyle: { opacity: 0.15 },
        },
        {
          name: t("figures.name.settled"),
          type: "line",
          smooth: true,
          data: trend.map((d) => d.settled),
          itemStyle: { color: COLOURS.settled },
        },
        {
          name: t("figures.name.overdue"),
          type: "bar",
          data: trend.map((d) => d.overdue),
          itemStyle: { color: COLOURS.overdue },
          barMaxWidth: 10,
        },
      ],
      animationDuration: 600,
    }),
    [trend, t],
  );
  return (
    <Panel title={t("screen.trend", { days: trend.length || 30 })}>
      <ScreenChart option={option} height={250} label={t("screen.trend", { days: trend.length || 30 })} />
    </Panel>
  );
}

function Empty({ text }: { text?: string }) {
  const { t } = useTranslation();
  return <div style={{ fontSize: 20, color: COLOURS.muted, padding: "12px 0" }}>{text ?? t("screen.noData")}</div>;
}

/** The deployment's time zone (Asia/Shanghai unless configured): times on the wall are local times. */
export const TimeZone = createContext("Asia/Shanghai");

function useTimeOf() {
  const { i18n } = useTranslation();
  const timeZone = useContext(TimeZone);
  return (iso: string) =>
    new Intl.DateTimeFormat(i18n.language, {
      timeZone,
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(new Date(iso));
}

const row = {
  display: "flex",
  gap: 12,
  alignItems: "baseline",
  fontSize: 20,
  padding: "6px 0",
  borderBottom: `1px solid ${COLOURS.border}`,
  whiteSpace: "nowrap",
  overflow: "hidden",
} as const;

/** A column that never shrinks (a time, a state, a count). */
const fixed = { flex: "none" } as const;

/** The newest matters as a ticker: when, where, what kind and how far — never what was written or by whom. */
export function LatestPanel({ overview, arrived }: Props & { arrived: ReadonlySet<string> }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith("zh");
  const time = useTimeOf();
  const items = overview?.latest ?? [];
  return (
    <Panel title={t("screen.latest")} grow>
      {overview && items.length === 0 ? <Empty /> : null}
      <ol aria-label={t("screen.latest")} style={{ listStyle: "none", margin: 0, padding: 0 }}>
        {items.map((e) => (
          <li
            key={e.id}
            data-event-id={e.id}
            className={arrived.has(e.id) ? "wg-screen-arrived" : undefined}
            style={row}
          >
            <span style={{ ...fixed, color: COLOURS.muted, fontVariantNumeric: "tabular-nums" }}>
              {time(e.reportedAt)}
            </span>
            {/* The place keeps at least a few characters; the kind gives way first, then the place. */}
            <span translate="no" title={e.areaName} style={{ ...clipped, flex: "1 1 0", minWidth: "4.5em" }}>
              {e.areaName}
            </span>
            <span
              translate="no"
              title={zh ? e.category.names.zh : e.category.names.en}
              style={{ ...clipped, flex: "0 1 auto", color: COLOURS.accent }}
            >
              {zh ? e.category.names.zh : e.category.names.en}
            </span>
            <span style={{ ...fixed, color: COLOURS.muted }}>{t(`events.state.${e.state}`)}</span>
          </li>
        ))}
      </ol>
    </Panel>
  );
}

export function AlertsPanel({ overview }: Props) {
  const { t } = useTranslation();
  const time = useTimeOf();
  const alerts = overview?.alerts;
  return (
    <Panel
      title={t("screen.alerts")}
      extra={alerts ? <span style={{ fontSize: 20, color: COLOURS.overdue }}>{alerts.total}</span> : null}
    >
      {alerts && alerts.items.length === 0 ? <Empty text={t("screen.noOpenAlerts")} /> : null}
      <ul style={{ listStyle: "none", margin: 0, padding: 0 }}>
        {(alerts?.items ?? []).slice(0, 4).map((a) => (
          <li key={a.id} style={row}>
            <span style={{ ...clipped, flex: "0 1 auto", color: a.state === "open" ? COLOURS.overdue : COLOURS.open }}>
              {t(`risk.kind.${a.kind}`)}
            </span>
            <span translate="no" title={a.areaName} style={{ ...clipped, flex: "1 1 0", minWidth: "4.5em" }}>
              {a.areaName}
            </span>
            <span style={{ ...fixed, color: COLOURS.muted }}>{time(a.raisedAt)}</span>
          </li>
        ))}
      </ul>
    </Panel>
  );
}

export function CloseOutsPanel({ overview }: Props) {
  const { t } = useTranslation();
  const time = useTimeOf();
  const c = overview?.closeOuts;
  return (
    <Panel
      title={t("screen.closeOuts")}
      extra={
        c ? (
          <span
            style={{ fontSize: 18, color: COLOURS.muted }}
            title={t("screen.closedOutGrids", { closed: c.closed, grids: c.grids })}
          >
            {t("screen.closedOutGrids", { closed: c.closed, grids: c.grids })}
          </span>
        ) : null
      }
    >
      {c && c.latest.length === 0 ? <Empty /> : null}
      <ul style={{ listStyle: "none", margin: 0, padding: 0 }}>
        {(c?.latest ?? []).slice(0, 4).map((x) => (
          <li key={`${x.id}-${x.areaCode}`} style={row}>
            <span style={{ ...fixed, color: COLOURS.muted }}>{time(x.confirmedAt)}</span>
            <span translate="no" title={x.areaName} style={{ ...clipped, flex: "1 1 0", minWidth: "4.5em" }}>
              {x.areaName}
            </span>
            <span style={{ ...fixed, color: x.stillOpen > 0 ? COLOURS.open : COLOURS.settled }}>
              {t("screen.carriedOver", { n: x.stillOpen })}
            </span>
          </li>
        ))}
      </ul>
    </Panel>
  );
}
