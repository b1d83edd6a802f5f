import { boundsOf, type ClientConfig, type FeatureCollection, gcj02ToWgs84, toDisplayCoordinates } from "@wangge/core";
import maplibregl from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { buildMapStyle } from "./map-style.ts";

/**
 * The map every app uses: GeoJSON polygons (areas, grids) drawn over the offline background or the
 * configured tiles. Coordinates arrive in WGS-84 and are shifted to GCJ-02 only for display when the
 * tile source uses it. `data-map-state` tells tests (and anyone curious) whether it has rendered.
 */
export interface WgMapProps {
  config: ClientConfig["map"];
  features?: FeatureCollection;
  theme?: "light" | "dark";
  height?: number | string;
  label?: string;
  /** Drawn on top and never used to fit the view: a shape being drawn, with its vertices. */
  overlay?: FeatureCollection;
  /** Called with the WGS-84 position of each click on the map (while drawing). */
  onPick?: (position: [number, number]) => void;
}

const EMPTY: FeatureCollection = { type: "FeatureCollection", features: [] };

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
  onPick,
}: WgMapProps) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const [state, setState] = useState<"loading" | "loaded" | "unsupported">(() =>
    hasWebGl() ? "loading" : "unsupported",
  );

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
          "fill-opacity": [
            "match",
            ["get", "level"],
            "grid",
            0.18,
            "microgrid",
            0.22,
            "overlap",
            0.7,
            "gap",
            0.5,
            0.06,
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
      setState("loaded");
    });
    return () => {
      mapRef.current = null;
      map.remove();
    };
  }, [config, theme, isSupported]);

  useEffect(() => {
    const map = mapRef.current;
    if (state !== "loaded" || !map) return;
    const display = toDisplayCoordinates(features, config.tileCoordinateSystem);
    (map.getSource("areas") as maplibregl.GeoJSONSource | undefined)?.setData(display as GeoJSON.FeatureCollection);
    const bounds = boundsOf(display);
    if (bounds) map.fitBounds(bounds, { padding: 24, animate: false });
  }, [features, state, config.tileCoordinateSystem]);

  useEffect(() => {
    const map = mapRef.current;
    if (state !== "loaded" || !map) return;
    const display = toDisplayCoordinates(overlay, config.tileCoordinateSystem);
    (map.getSource("overlay") as maplibregl.GeoJSONSource | undefined)?.setData(display as GeoJSON.FeatureCollection);
  }, [overlay, state, config.tileCoordinateSystem]);

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

  return (
    <section
      className="wg-map"
      aria-label={label ?? t("nav.map")}
      data-map-state={state}
      data-feature-count={features.features.length}
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
