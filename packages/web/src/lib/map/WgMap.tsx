import {
  boundsOf,
  type ClientConfig,
  type FeatureCollection,
  gcj02ToWgs84,
  toDisplayCoordinates,
  wgs84ToGcj02,
} from "@wangge/core";
import maplibregl from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { LABEL_MAX_WIDTH_EMS, LABEL_SIZE_PX, labelCollection, labelsOf } from "./map-labels.ts";
import { BASE_LABEL_LAYER, BASE_LINE_LAYER, buildMapStyle, LABEL_FONTS, OUTLINE_SOURCE } from "./map-style.ts";

/**
 * The map every app uses: GeoJSON polygons (areas, grids) drawn over the offline background or the
 * configured tiles. Coordinates arrive in WGS-84 and are shifted to GCJ-02 only for display when the
 * tile source uses it. Every named shape is labelled by a symbol layer (map-labels.ts): a name shows
 * from the zoom at which it fits in its shape and never over another name. The view fits the features whenever they change —
 * pages pass the user's own areas (lib/map/my-areas.ts), so a map opens where the user works.
 * `data-map-state` tells tests (and anyone curious) whether it has rendered, `data-map-bounds` what
 * it shows (west,south,east,north in WGS-84). Without a tile server the base is the deployment's
 * division outlines and names (map-style.ts); `data-base-outlines` counts the outlines drawn and
 * `data-base-labels` lists the names shown ("|"-separated, as MapLibre placed them); `data-area-labels`
 * the names of the shapes shown that MapLibre placed.
 */
export interface WgMapProps {
  config: ClientConfig["map"];
  features?: FeatureCollection;
  theme?: "light" | "dark";
  height?: number | string;
  label?: string;
  /** Drawn on top and never used to fit the view: a shape being drawn, with its vertices. */
  overlay?: FeatureCollection;
  /** Where to look when there are no features to fit (a record's point whose grid has no boundary). */
  focus?: FeatureCollection;
  /** Called with the WGS-84 position of each click on the map (while drawing). */
  onPick?: (position: [number, number]) => void;
  /**
   * Labelled points (WGS-84), drawn as HTML so their labels need no font files from the internet:
   * the worker's own position, the households due for a visit, an event's place.
   */
  markers?: MapMarker[];
  /**
   * Called with the code of the area clicked (drill-down). A feature may carry its own colour in
   * `properties.fill` (and `fillOpacity`): a figure shown on the map (open and overdue matters).
   */
  onAreaClick?: (code: string) => void;
}

export interface MapMarker {
  id: string;
  lng: number;
  lat: number;
  label: string;
  color: string;
  /** Makes the marker a button (a hotspot address opening its matters). */
  onClick?: () => void;
}

const EMPTY: FeatureCollection = { type: "FeatureCollection", features: [] };
/** The symbol layer naming the shapes (map-labels.ts): MapLibre keeps its names from overlapping. */
export const AREA_LABEL_LAYER = "areas-labels";

const round5 = (n: number) => Math.round(n * 1e5) / 1e5;

function hasWebGl(): boolean {
  try {
    const canvas = document.createElement("canvas");
    return Boolean(canvas.getContext("webgl2") ?? canvas.getContext("webgl"));
  } catch {
    return false;
  }
}

export function WgMap({
  config,
  features = EMPTY,
  theme = "light",
  height = 480,
  label,
  overlay = EMPTY,
  focus,
  onPick,
  markers,
  onAreaClick,
}: WgMapProps) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const [state, setState] = useState<"loading" | "loaded" | "unsupported">(() =>
    hasWebGl() ? "loading" : "unsupported",
  );
  const [view, setView] = useState<string>();
  const [base, setBase] = useState<{ outlines: number; labels: string }>();
  const [placed, setPlaced] = useState<string>();
  const fitted = useRef<string>();

  const isSupported = state !== "unsupported";
  useEffect(() => {
    if (!isSupported || !container.current) return;
    let map: maplibregl.Map;
    try {
      map = new maplibregl.Map({
        container: container.current,
        style: buildMapStyle(config, theme),
        center: config.center,
        zoom: config.zoom,
        attributionControl: false,
      });
    } catch {
      setState("unsupported");
      return;
    }
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
    const system = config.tileCoordinateSystem;
    const recordView = () => {
      const b = map.getBounds();
      const toWgs = (p: [number, number]) => (system === "gcj02" ? gcj02ToWgs84(p) : p);
      const [west, south] = toWgs([b.getWest(), b.getSouth()]);
      const [east, north] = toWgs([b.getEast(), b.getNorth()]);
      setView([west, south, east, north].map(round5).join(","));
    };
    map.on("moveend", recordView);
    const recordBase = () => {
      if (!map.getLayer(BASE_LABEL_LAYER)) return;
      const names = map.queryRenderedFeatures({ layers: [BASE_LABEL_LAYER] }).map((f) => String(f.properties.name));
      const next = {
        outlines: map.queryRenderedFeatures({ layers: [BASE_LINE_LAYER] }).length,
        labels: [...new Set(names)].sort().slice(0, 100).join("|"),
      };
      // Idle comes after every pan: re-render only when what is drawn changed.
      setBase((was) => (was?.outlines === next.outlines && was.labels === next.labels ? was : next));
    };
    map.on("idle", recordBase);
    const recordPlaced = () => {
      if (!map.getLayer(AREA_LABEL_LAYER)) return;
      const names = map.queryRenderedFeatures({ layers: [AREA_LABEL_LAYER] }).map((f) => String(f.properties.name));
      const next = [...new Set(names)].sort().slice(0, 200).join("|");
      setPlaced((was) => (was === next ? was : next));
    };
    map.on("idle", recordPlaced);
    map.on("error", (e) => {
      // A base tile refused (signed out meanwhile) or unreachable leaves that tile blank; it is not
      // the page's error. Anything else is reported as MapLibre would. A tile that fails schedules no
      // frame (one that loads does), and "load" is only checked on a frame: offline, with every base
      // tile refused, the map would wait for a pan before it drew the grids.
      if ((e as { sourceId?: string }).sourceId === OUTLINE_SOURCE) {
        map.triggerRepaint();
        return;
      }
      console.error(e.error);
    });
    if (config.tileAttribution) map.addControl(new maplibregl.AttributionControl({ compact: true }));
    map.on("load", () => {
      map.addSource("areas", { type: "geojson", data: EMPTY as GeoJSON.FeatureCollection });
      map.addLayer({
        id: "areas-fill",
        type: "fill",
        source: "areas",
        paint: {
          // Grids stand out; the divisions they sit in are drawn lighter.
          "fill-color": [
            "coalesce",
            ["get", "fill"],
            [
              "match",
              ["get", "level"],
              "grid",
              "#c62828",
              "microgrid",
              "#ef6c00",
              "overlap",
              "#ff6f00",
              "gap",
              "#616161",
              theme === "dark" ? "#29b6f6" : "#1565c0",
            ],
          ],
          "fill-opacity": [
            "coalesce",
            ["get", "fillOpacity"],
            ["match", ["get", "level"], "grid", 0.18, "microgrid", 0.22, "overlap", 0.7, "gap", 0.5, 0.06],
          ],
        },
      });
      map.addLayer({
        id: "areas-line",
        type: "line",
        source: "areas",
        paint: {
          "line-color": [
            "match",
            ["get", "level"],
            "grid",
            "#b71c1c",
            "microgrid",
            "#e65100",
            theme === "dark" ? "#4fc3f7" : "#0d47a1",
          ],
          "line-width": ["match", ["get", "level"], "grid", 1.5, "microgrid", 1, 2],
        },
      });
      map.addSource("area-labels", { type: "geojson", data: EMPTY as GeoJSON.FeatureCollection });
      map.addLayer({
        id: AREA_LABEL_LAYER,
        type: "symbol",
        source: "area-labels",
        // A name only from the zoom at which it fits in its own shape (evaluated at whole zooms).
        filter: [">=", ["zoom"], ["get", "minZoom"]],
        layout: {
          "text-field": ["get", "name"],
          "text-font": LABEL_FONTS,
          "text-size": [
            "match",
            ["get", "level"],
            "grid",
            LABEL_SIZE_PX,
            "microgrid",
            LABEL_SIZE_PX - 1,
            LABEL_SIZE_PX + 1,
          ],
          "text-max-width": LABEL_MAX_WIDTH_EMS,
          "text-padding": 4,
          // Never over another name (this layer's or the base map's): the one placed first stays.
          "text-allow-overlap": false,
          "text-ignore-placement": false,
          // Smaller shapes first: where a grid's name fits, it wins over its community's name.
          "symbol-sort-key": ["get", "sortKey"],
          "symbol-z-order": "source",
        },
        paint: {
          "text-color": theme === "dark" ? "#e3f2fd" : "#7f0000",
          "text-halo-color": theme === "dark" ? "#0b1a2e" : "#ffffff",
          "text-halo-width": 1.5,
        },
      });
      map.addSource("overlay", { type: "geojson", data: EMPTY as GeoJSON.FeatureCollection });
      map.addLayer({
        id: "overlay-fill",
        type: "fill",
        source: "overlay",
        filter: ["==", ["geometry-type"], "Polygon"],
        paint: { "fill-color": "#7b1fa2", "fill-opacity": 0.25 },
      });
      map.addLayer({
        id: "overlay-line",
        type: "line",
        source: "overlay",
        filter: ["!=", ["geometry-type"], "Point"],
        paint: { "line-color": "#6a1b9a", "line-width": 2, "line-dasharray": [2, 1] },
      });
      map.addLayer({
        id: "overlay-points",
        type: "circle",
        source: "overlay",
        filter: ["==", ["geometry-type"], "Point"],
        paint: {
          "circle-radius": 4,
          "circle-color": "#6a1b9a",
          "circle-stroke-color": "#fff",
          "circle-stroke-width": 1,
        },
      });
      mapRef.current = map;
      recordView();
      setState("loaded");
    });
    return () => {
      mapRef.current = null;
      fitted.current = undefined;
      map.remove();
    };
  }, [config, theme, isSupported]);

  useEffect(() => {
    const map = mapRef.current;
    if (state !== "loaded" || !map) return;
    const display = toDisplayCoordinates(features, config.tileCoordinateSystem);
    (map.getSource("areas") as maplibregl.GeoJSONSource | undefined)?.setData(display as GeoJSON.FeatureCollection);
    const bounds =
      boundsOf(display) ?? (focus ? boundsOf(toDisplayCoordinates(focus, config.tileCoordinateSystem)) : undefined);
    // Fitted again only when what is shown moved: a re-render must not undo the user's panning.
    const key = bounds?.join(",");
    if (bounds && key !== fitted.current) {
      fitted.current = key;
      map.fitBounds(bounds, { padding: 24, animate: false, maxZoom: 17 });
    }
  }, [features, focus, state, config.tileCoordinateSystem]);

  useEffect(() => {
    const map = mapRef.current;
    if (state !== "loaded" || !map) return;
    const gcj = config.tileCoordinateSystem === "gcj02";
    const labels = labelCollection(labelsOf(features), (p) => (gcj ? wgs84ToGcj02(p) : p));
    (map.getSource("area-labels") as maplibregl.GeoJSONSource | undefined)?.setData(labels);
  }, [features, state, config.tileCoordinateSystem]);

  useEffect(() => {
    const map = mapRef.current;
    if (state !== "loaded" || !map) return;
    const display = toDisplayCoordinates(overlay, config.tileCoordinateSystem);
    (map.getSource("overlay") as maplibregl.GeoJSONSource | undefined)?.setData(display as GeoJSON.FeatureCollection);
  }, [overlay, state, config.tileCoordinateSystem]);

  useEffect(() => {
    const map = mapRef.current;
    if (state !== "loaded" || !map || !markers?.length) return;
    const system = config.tileCoordinateSystem;
    const placed = markers.map((m) => {
      const element = document.createElement("div");
      element.className = "wg-map-marker";
      element.dataset.markerId = m.id;
      element.setAttribute("translate", "no");
      element.style.cssText = `display:flex;flex-direction:column;align-items:center;pointer-events:${
        m.onClick ? "auto;cursor:pointer" : "none"
      }`;
      const onClick = m.onClick;
      if (onClick) {
        element.setAttribute("role", "button");
        element.setAttribute("aria-label", m.label);
        element.tabIndex = 0;
        element.addEventListener("click", (e) => {
          e.stopPropagation();
          onClick();
        });
        element.addEventListener("keydown", (e) => {
          if (e.key === "Enter" || e.key === " ") onClick();
        });
      }
      const dot = document.createElement("span");
      dot.style.cssText = `width:12px;height:12px;border-radius:50%;background:${m.color};border:2px solid #fff;box-shadow:0 0 2px #0008`;
      const text = document.createElement("span");
      text.textContent = m.label;
      text.style.cssText =
        "font-size:11px;line-height:1.2;padding:1px 4px;margin-top:2px;background:#fffe;border-radius:3px;white-space:nowrap;max-width:120px;overflow:hidden;text-overflow:ellipsis";
      element.append(dot, text);
      const [lng, lat] = system === "gcj02" ? wgs84ToGcj02([m.lng, m.lat]) : [m.lng, m.lat];
      return new maplibregl.Marker({ element, anchor: "top", offset: [0, -6] }).setLngLat([lng, lat]).addTo(map);
    });
    return () => {
      for (const marker of placed) marker.remove();
    };
  }, [markers, state, config.tileCoordinateSystem]);

  useEffect(() => {
    const map = mapRef.current;
    if (state !== "loaded" || !map || !onPick) return;
    const system = config.tileCoordinateSystem;
    const handler = (e: maplibregl.MapMouseEvent) => {
      const shown: [number, number] = [e.lngLat.lng, e.lngLat.lat];
      onPick(system === "gcj02" ? gcj02ToWgs84(shown) : shown);
    };
    map.on("click", handler);
    map.getCanvas().style.cursor = "crosshair";
    map.doubleClickZoom.disable();
    return () => {
      map.off("click", handler);
      map.getCanvas().style.cursor = "";
      map.doubleClickZoom.enable();
    };
  }, [onPick, state, config.tileCoordinateSystem]);

  useEffect(() => {
    const map = mapRef.current;
    if (state !== "loaded" || !map || !onAreaClick) return;
    const handler = (e: maplibregl.MapLayerMouseEvent) => {
      const code = e.features?.[0]?.properties?.code;
      if (code !== undefined) onAreaClick(String(code));
    };
    const enter = () => {
      map.getCanvas().style.cursor = "pointer";
    };
    const leave = () => {
      map.getCanvas().style.cursor = "";
    };
    map.on("click", "areas-fill", handler);
    map.on("mouseenter", "areas-fill", enter);
    map.on("mouseleave", "areas-fill", leave);
    return () => {
      map.off("click", "areas-fill", handler);
      map.off("mouseenter", "areas-fill", enter);
      map.off("mouseleave", "areas-fill", leave);
    };
  }, [onAreaClick, state]);

  return (
    <section
      className="wg-map"
      aria-label={label ?? t("nav.map")}
      data-map-state={state}
      data-feature-count={features.features.length}
      data-map-bounds={view}
      data-base-outlines={base?.outlines}
      data-base-labels={base?.labels}
      data-area-labels={placed}
      data-drawing={onPick ? "on" : undefined}
      style={{ position: "relative", height, width: "100%", borderRadius: 8, overflow: "hidden" }}
    >
      {state === "unsupported" ? (
        <div style={{ padding: 24 }}>{t("map.webglUnavailable")}</div>
      ) : (
        <div ref={container} style={{ position: "absolute", inset: 0 }} />
      )}
      {state === "loading" && (
        <div style={{ position: "absolute", left: 12, bottom: 12, opacity: 0.7 }}>{t("map.loading")}</div>
      )}
    </section>
  );
}
