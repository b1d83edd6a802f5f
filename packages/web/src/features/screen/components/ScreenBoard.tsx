import type { ClientConfig, FeatureCollection, PolygonalGeometry } from "@wangge/core";
import { labelPoint } from "@wangge/core";
import { type ReactNode, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { errorMessageKey } from "../../../lib/error-message.ts";
import type { MyAreas } from "../../../lib/map/my-areas.ts";
import { type MapMarker, WgMap } from "../../../lib/map/WgMap.tsx";
import { getScreenMap, type ScreenChange } from "../api/screen.ts";
import { useScreenFeed } from "../hooks/use-screen-feed.ts";
import { mapOf } from "../screen-map.ts";
import {
  AlertsPanel,
  CategoriesPanel,
  CloseOutsPanel,
  HeadlinePanel,
  LatestPanel,
  Panel,
  TimeZone,
  TrendPanel,
} from "./panels.tsx";
import { COLOURS, SCREEN_HEIGHT, SCREEN_WIDTH } from "./screen-theme.ts";

/**
 * The command centre's wall (issue #20 item 5): for the area the screen is bound to, the map of its
 * grids coloured by open and overdue matters with changes pulsing where they happen, this month's
 * headline figures, 30 days by day, the month by category, open risk alerts, close-outs and the newest
 * matters — kept current by itself (use-screen-feed.ts). Drawn at 1920×1080 and scaled to the screen.
 */
export function ScreenBoard({
  config,
  controls,
  onSignedOut,
}: {
  config: ClientConfig;
  /** The shell's own corner: clock, service status, language, sign-out. */
  controls: ReactNode;
  /** The session or link is gone (ended, revoked, expired: the code says which): the shell says so. */
  onSignedOut: (code: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const { overview, error, state, pulses, arrived } = useScreenFeed(undefined);
  const mine = useScreenMap();
  const signedOut = error && SIGNED_OUT.has(error.code) ? error.code : undefined;
  useEffect(() => {
    if (signedOut) onSignedOut(signedOut);
  }, [signedOut, onSignedOut]);

  const map = useMemo(() => mapOf(mine?.features, overview), [mine, overview]);
  const markers = useMemo(() => pulseMarkers(map, pulses, t), [map, pulses, t]);

  return (
    <TimeZone.Provider value={config.timezone}>
      <FitScreen>
        <style>{PULSE_CSS}</style>
        {/* Three columns that never trade places: the title keeps the middle on one line in any language. */}
        <header
          style={{
            display: "grid",
            gridTemplateColumns: "minmax(0, 1fr) auto minmax(0, 1fr)",
            alignItems: "center",
            columnGap: 24,
            height: 88,
          }}
        >
          <div style={{ minWidth: 0, fontSize: 20, color: COLOURS.muted }}>{controls}</div>
          <div style={{ textAlign: "center", minWidth: 0, maxWidth: 880 }}>
            <h1
              data-testid="screen-title"
              style={{
                margin: 0,
                fontSize: 40,
                lineHeight: 1.2,
                letterSpacing: i18n.language.startsWith("zh") ? 6 : 1,
                color: COLOURS.text,
                fontWeight: 600,
                whiteSpace: "nowrap",
                overflow: "hidden",
                textOverflow: "ellipsis",
              }}
            >
              {t("screen.title")}
            </h1>
            <div
              style={{
                fontSize: 20,
                color: COLOURS.accent,
                whiteSpace: "nowrap",
                overflow: "hidden",
                textOverflow: "ellipsis",
              }}
              translate="no"
            >
              {overview?.area.name ?? ""}
            </div>
          </div>
          <div style={{ minWidth: 0, textAlign: "right", fontSize: 20 }}>
            {/* The live badge says when the feed is lost; an error line adds only what it does not say. */}
            <LiveBadge state={state} />
            {error && !signedOut && state !== "reconnecting" ? (
              <div role="alert" style={{ color: COLOURS.overdue }}>
                {t(errorMessageKey(error.code))}
              </div>
            ) : null}
          </div>
        </header>
        <div style={{ display: "grid", gridTemplateColumns: "470px 1fr 470px", gap: 16, height: SCREEN_HEIGHT - 128 }}>
          <div style={{ display: "flex", flexDirection: "column", gap: 16, minHeight: 0 }}>
            <HeadlinePanel overview={overview} />
            <CategoriesPanel overview={overview} />
          </div>
          <div style={{ display: "flex", flexDirection: "column", gap: 16, minHeight: 0 }}>
            <Panel
              title={t("screen.areaMap")}
              extra={
                overview ? (
                  <span style={{ fontSize: 20 }}>
                    <span style={{ color: COLOURS.open }}>{t("screen.openNow", { n: overview.open.open })}</span>
                    {" · "}
                    <span style={{ color: COLOURS.overdue }}>
                      {t("screen.overdueNow", { n: overview.open.overdue })}
                    </span>
                  </span>
                ) : null
              }
              grow
            >
              <WgMap
                config={config.map}
                theme="dark"
                features={map}
                markers={markers}
                height={600}
                label={t("screen.areaMap")}
              />
              <Legend />
            </Panel>
            <TrendPanel overview={overview} />
          </div>
          <div style={{ display: "flex", flexDirection: "column", gap: 16, minHeight: 0 }}>
            <LatestPanel overview={overview} arrived={arrived} />
            <AlertsPanel overview={overview} />
            <CloseOutsPanel overview={overview} />
          </div>
        </div>
      </FitScreen>
    </TimeZone.Provider>
  );
}

/** Answers that mean the wall no longer stands for anyone: its session ended, or its link was revoked or expired. */
const SIGNED_OUT = new Set(["AUTH_REQUIRED", "SCREEN_LINK_INVALID", "AUTH_TOKEN_INVALID"]);

/** The screen's own map (GET /screen/map), loaded once; undefined while loading or when it cannot load. */
function useScreenMap(): MyAreas | undefined {
  const [mine, setMine] = useState<MyAreas>();
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A wall started while the server is down keeps asking, every 10 s, until it has its map.
    const load = () =>
      getScreenMap().then(
        (m) => live && setMine(m),
        () => {
          if (live) timer = setTimeout(load, 10_000);
        },
      );
    void load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, []);
  return mine;
}

/** A change pulses on the map; a matter that just arrived glows in the ticker; the live dot breathes. */
const PULSE_CSS = `
@keyframes wg-screen-pulse { 0% { box-shadow: 0 0 0 0 rgba(239,83,80,.9); } 100% { box-shadow: 0 0 0 28px rgba(239,83,80,0); } }
@keyframes wg-screen-glow { 0% { background: rgba(79,195,247,.45); } 100% { background: transparent; } }
@keyframes wg-screen-breathe { 50% { opacity: .35; } }
.wg-map-marker[data-marker-id^="pulse-"] { animation: wg-screen-pulse 1.2s ease-out infinite; font-size: 18px; }
.wg-screen-arrived { animation: wg-screen-glow 6s ease-out 1; }
.wg-screen-live { animation: wg-screen-breathe 2s ease-in-out infinite; }
@media (prefers-reduced-motion: reduce) { .wg-map-marker, .wg-screen-arrived, .wg-screen-live { animation: none !important; } }
`;

/** The wall's 1920×1080 canvas, scaled to fit the window and centred (letterboxed on other shapes). */
function FitScreen({ children }: { children: ReactNode }) {
  const scale = useViewportScale();
  return (
    <div style={{ position: "fixed", inset: 0, background: COLOURS.page, overflow: "hidden" }}>
      <div
        data-screen-scale={scale.toFixed(3)}
        style={{
          position: "absolute",
          left: "50%",
          top: "50%",
          width: SCREEN_WIDTH,
          height: SCREEN_HEIGHT,
          padding: "0 20px 20px",
          boxSizing: "border-box",
          transform: `translate(-50%, -50%) scale(${scale})`,
          color: COLOURS.text,
        }}
      >
        {children}
      </div>
    </div>
  );
}

const measureScale = () =>
  typeof window === "undefined" ? 1 : Math.min(window.innerWidth / SCREEN_WIDTH, window.innerHeight / SCREEN_HEIGHT);

function useViewportScale(): number {
  const [scale, setScale] = useState(measureScale);
  useEffect(() => {
    const onResize = () => setScale(measureScale());
    window.addEventListener("resize", onResize);
    return () => window.removeEventListener("resize", onResize);
  }, []);
  return scale;
}

function LiveBadge({ state }: { state: "connecting" | "live" | "reconnecting" }) {
  const { t } = useTranslation();
  const colour = state === "live" ? COLOURS.calm : state === "reconnecting" ? COLOURS.overdue : COLOURS.muted;
  return (
    <span role="status" data-feed-state={state} style={{ color: colour }}>
      <span
        className={state === "live" ? "wg-screen-live" : undefined}
        style={{ display: "inline-block", width: 12, height: 12, borderRadius: 6, background: colour, marginRight: 8 }}
      />
      {t(`screen.feed.${state}`)}
    </span>
  );
}

function Legend() {
  const { t } = useTranslation();
  const items = [
    [COLOURS.calm, "figures.legend.calm"],
    [COLOURS.open, "figures.legend.open"],
    [COLOURS.overdue, "figures.legend.overdue"],
  ] as const;
  return (
    <div style={{ display: "flex", gap: 24, justifyContent: "center", fontSize: 18, paddingTop: 8 }}>
      {items.map(([colour, key]) => (
        <span key={key}>
          <span
            style={{ display: "inline-block", width: 16, height: 16, background: colour, marginRight: 8, opacity: 0.8 }}
          />
          {t(key)}
        </span>
      ))}
    </div>
  );
}

/** A marker that pulses on the grid where a matter arrived or changed (never its exact place: a wall is public). */
function pulseMarkers(
  map: FeatureCollection | undefined,
  pulses: ScreenChange[],
  t: (key: string) => string,
): MapMarker[] {
  if (!map) return [];
  return pulses.flatMap((p) => {
    const codes = p.areaPath.split("/").filter(Boolean).reverse();
    const feature = codes
      .map((c) => map.features.find((f) => String(f.properties.code) === c))
      .find((f) => f !== undefined);
    if (!feature) return [];
    const { labelLng, labelLat } = feature.properties;
    const [lng, lat] =
      typeof labelLng === "number" && typeof labelLat === "number"
        ? [labelLng, labelLat]
        : labelPoint(feature.geometry as PolygonalGeometry);
    const isNew = p.action === "report";
    return [
      {
        id: `pulse-${p.id}`,
        lng,
        lat,
        label: isNew ? t("screen.pulse.report") : t("screen.pulse.change"),
        color: isNew ? COLOURS.overdue : COLOURS.accent,
      },
    ];
  });
}
