import type { FeatureCollection } from "@wangge/core";
import { Button, DotLoading, ErrorBlock } from "antd-mobile";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { exportSubtree } from "../../features/areas/api/areas.ts";
import { here } from "../../features/events/position.ts";
import { leadHouseholdLayer } from "../../features/registry/api/registry.ts";
import { ownGrid, useFieldPack } from "../../features/visits/components/FieldVisits.tsx";
import { errorMessageKey } from "../../lib/error-message.ts";
import { LazyWgMap } from "../../lib/map/LazyWgMap.tsx";
import { useMyAreas } from "../../lib/map/my-areas.ts";
import type { MapMarker } from "../../lib/map/WgMap.tsx";
import { loadKept, useVault } from "../../lib/offline/field-vault.tsx";
import { useSession } from "../../lib/session.tsx";
import { useClientConfig } from "../../lib/use-client-config.ts";

/**
 * The worker's grids on the map, named (every area they hold a post in; offline, their own grid as
 * kept on the phone), the party lead households of their grid linked to the households each looks
 * after, the households due for a visit (labelled with the name, overdue in red), and where the worker
 * stands; a legend says which is which.
 */
const COLORS = { position: "#1677ff", overdue: "#d32f2f", due: "#fa8c16", lead: "#6a1b9a" } as const;

export function FieldGridMap() {
  const { t } = useTranslation();
  const { config, error, retry } = useClientConfig();
  const { me } = useSession();
  const vault = useVault();
  const pack = useFieldPack();
  const areaCode = ownGrid(me?.assignments ?? []) ?? null;
  const mine = useMyAreas();
  const [grid, setGrid] = useState<FeatureCollection>();
  const [links, setLinks] = useState<FeatureCollection>();
  const [position, setPosition] = useState<{ lng: number; lat: number }>();
  useEffect(() => {
    if (!areaCode) return;
    loadKept(vault, `map/grid/${areaCode}`, () => exportSubtree(areaCode)).then(setGrid, () => setGrid(undefined));
    loadKept(vault, `map/links/${areaCode}`, () => leadHouseholdLayer(areaCode)).then(setLinks, () =>
      setLinks(undefined),
    );
  }, [areaCode, vault]);
  useEffect(() => {
    void here().then(setPosition);
  }, []);
  const markers = useMemo<MapMarker[]>(() => {
    const due = (pack.data?.due ?? [])
      .filter((d) => d.status !== "done" && d.lng !== null && d.lat !== null)
      .map((d) => ({
        id: `${d.householdId}/${d.personId ?? ""}`,
        lng: d.lng as number,
        lat: d.lat as number,
        label: d.name ?? d.address ?? t("field.visits.household"),
        color: d.status === "overdue" ? COLORS.overdue : COLORS.due,
      }));
    return position ? [...due, { id: "me", ...position, label: t("field.map.me"), color: COLORS.position }] : due;
  }, [pack.data, position, t]);
  if (error) {
    return (
      <ErrorBlock status="disconnected" title={t(errorMessageKey(error.code))} description="">
        <Button onClick={retry}>{t("common.retry")}</Button>
      </ErrorBlock>
    );
  }
  if (!config) return <DotLoading />;
  return (
    <div style={{ position: "relative" }}>
      <LazyWgMap
        config={config.map}
        features={mine?.features ?? grid}
        overlay={links}
        markers={markers}
        height="calc(100dvh - 110px)"
        label={t("field.gridMap")}
      />
      <ul
        data-testid="map-legend"
        aria-label={t("field.map.legend")}
        style={{
          position: "absolute",
          left: 8,
          bottom: 8,
          margin: 0,
          padding: "6px 8px",
          listStyle: "none",
          background: "#fffe",
          borderRadius: 6,
          fontSize: 12,
          lineHeight: 1.6,
          boxShadow: "0 1px 3px #0003",
        }}
      >
        <LegendItem color="#b71c1c" square text={t("field.map.grid")} />
        <LegendItem color={COLORS.overdue} text={t("field.map.overdue")} />
        <LegendItem color={COLORS.due} text={t("field.map.due")} />
        <LegendItem color={COLORS.lead} text={t("field.map.lead")} />
        <LegendItem color={COLORS.position} text={position ? t("field.map.me") : t("field.map.noPosition")} />
      </ul>
    </div>
  );
}

function LegendItem({ color, text, square }: { color: string; text: string; square?: boolean }) {
  return (
    <li style={{ display: "flex", alignItems: "center", gap: 6 }}>
      <span
        aria-hidden
        style={{
          width: 10,
          height: 10,
          background: square ? `${color}33` : color,
          border: `2px solid ${square ? color : "#fff"}`,
          borderRadius: square ? 2 : "50%",
        }}
      />
      {text}
    </li>
  );
}
