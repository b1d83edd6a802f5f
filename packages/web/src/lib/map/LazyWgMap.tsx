import { lazy, Suspense } from "react";
import { useTranslation } from "react-i18next";
import type { WgMapProps } from "./WgMap.tsx";

/**
 * WgMap fetched when it is first drawn: MapLibre is ~270 KB gzip, more than the whole phone app, so
 * the field app's first load leaves it out (the service worker still keeps it for offline use).
 */
const WgMapChunk = lazy(() => import("./WgMap.tsx").then((m) => ({ default: m.WgMap })));

export function LazyWgMap(props: WgMapProps) {
  const { t } = useTranslation();
  return (
    <Suspense
      fallback={
        <div
          role="img"
          aria-label={props.label ?? t("common.loading")}
          aria-busy="true"
          style={{ height: props.height ?? 480, background: "#eef2f4" }}
        />
      }
    >
      <WgMapChunk {...props} />
    </Suspense>
  );
}
