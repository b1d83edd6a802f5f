import {
  type ClientConfig,
  type FeatureCollection,
  HOTSPOT_POINT_COLOUR,
  hotspotClasses,
  hotspotColour,
  type WeeklyContent,
} from "@wangge/core";
import { Space, Tag, Typography } from "antd";
import { useCallback, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { LazyWgMap } from "../../../lib/map/LazyWgMap.tsx";
import type { MapMarker } from "../../../lib/map/WgMap.tsx";

/**
 * A weekly report's hotspots on its map (the map it archived): the area's outlines, hotspot grids
 * shaded by their count's class (the PDF's classes and colours), repeated addresses with positions as
 * points. Clicking a hotspot grid or an address opens the matters reported there in the week.
 * `data-hotspots` lists the hotspot areas drawn, for tests.
 */
export function HotspotMap({
  config,
  content,
  from,
  to,
}: {
  config: ClientConfig["map"];
  content: WeeklyContent;
  from: string;
  to: string;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { hotspots } = content;
  const classes = useMemo(() => hotspotClasses(hotspots.grids.map((g) => g.count)), [hotspots.grids]);
  const counts = useMemo(() => new Map(hotspots.grids.map((g) => [g.code, g.count])), [hotspots.grids]);
  const features = useMemo((): FeatureCollection | undefined => {
    if (!hotspots.map) return undefined;
    return {
      type: "FeatureCollection",
      features: hotspots.map.features.features.map((f) => {
        const count = counts.get(f.properties.code);
        return {
          ...f,
          properties: {
            ...f.properties,
            ...(count === undefined
              ? { fill: "#90a4ae", fillOpacity: 0.04 }
              : { fill: hotspotColour(count, classes), fillOpacity: 0.7 }),
          },
        };
      }),
    } as FeatureCollection;
  }, [hotspots.map, counts, classes]);
  const open = useCallback(
    (params: Record<string, string>) =>
      navigate(`/events?${new URLSearchParams({ box: "all", figure: "reported", from, to, ...params })}`),
    [navigate, from, to],
  );
  const markers = useMemo(
    (): MapMarker[] =>
      hotspots.addresses.flatMap((a, i) =>
        typeof a.lng === "number" && typeof a.lat === "number"
          ? [
              {
                id: `address-${i}`,
                lng: a.lng,
                lat: a.lat,
                label: t("reports.hotspotMap.address", { address: a.address, n: a.count }),
                color: HOTSPOT_POINT_COLOUR,
                onClick: () => open({ areaCode: a.areaCode, q: a.address }),
              },
            ]
          : [],
      ),
    [hotspots.addresses, t, open],
  );
  if (!hotspots.map || !features) return null;
  const drawn = hotspots.map.features.features
    .filter((f) => counts.has(f.properties.code))
    .map((f) => f.properties.code);
  return (
    <div data-testid="hotspot-map" data-hotspots={drawn.join(",")} style={{ marginBottom: 16 }}>
      {features.features.length === 0 ? (
        <Typography.Paragraph type="secondary">{t("reports.hotspotMap.noOutlines")}</Typography.Paragraph>
      ) : (
        <>
          <Space wrap size={4} style={{ marginBottom: 8 }}>
            <Typography.Text type="secondary">{t("reports.hotspotMap.legend")}</Typography.Text>
            {classes.map((c) => (
              <Tag key={c.from} color={c.colour} style={{ color: "#3e2723" }}>
                {c.from === c.to
                  ? t("reports.hotspotMap.count", { n: c.from })
                  : t("reports.hotspotMap.countRange", { from: c.from, to: c.to })}
              </Tag>
            ))}
            {markers.length > 0 && <Tag color={HOTSPOT_POINT_COLOUR}>{t("reports.hotspotMap.addresses")}</Tag>}
            {classes.length === 0 && markers.length === 0 && (
              <Typography.Text type="secondary">{t("reports.noHotspots")}</Typography.Text>
            )}
          </Space>
          <LazyWgMap
            config={config}
            features={features}
            markers={markers}
            height={420}
            label={t("reports.hotspotMap.title")}
            onAreaClick={(code) => {
              if (counts.has(code)) open({ areaCode: code });
            }}
          />
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
            {t("reports.hotspotMap.hint")}
            {hotspots.map.truncated ? ` ${t("reports.hotspotMap.truncated")}` : ""}
          </Typography.Paragraph>
        </>
      )}
    </div>
  );
}
