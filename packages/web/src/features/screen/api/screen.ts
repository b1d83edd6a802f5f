import type {
  CreatedScreenLink,
  CreateScreenLink,
  ScreenChange,
  ScreenKiosk,
  ScreenLink,
  ScreenOverview,
} from "@wangge/core";
import { apiFetch } from "../../../lib/api-client.ts";
import type { MyAreas } from "../../../lib/map/my-areas.ts";

export type { CreatedScreenLink, ScreenChange, ScreenKiosk, ScreenLink, ScreenOverview };

/** Everything the big screen draws for its area (GET /screen/overview): one request, refetched on every change. */
export const getScreenOverview = (area?: string) =>
  apiFetch<ScreenOverview>(`/api/v1/screen/overview${area ? `?${new URLSearchParams({ area })}` : ""}`);

/** The boundaries of the screen's areas down to the grids (a wall opened with a link reads nothing else). */
export const getScreenMap = () => apiFetch<MyAreas>("/api/v1/screen/map");

export const SCREEN_STREAM_URL = "/api/v1/screen/stream";

/** The wall opens a big-screen link: the server keeps its secret in a cookie for the screen's API only. */
export const openKiosk = (token: string) =>
  apiFetch<ScreenKiosk>("/api/v1/screen/kiosk", { method: "POST", json: { token } });
/** The link this wall holds (link null: none); SCREEN_LINK_INVALID once it is revoked or expired. */
export const getKiosk = () => apiFetch<ScreenKiosk>("/api/v1/screen/kiosk");
export const forgetKiosk = () => apiFetch<void>("/api/v1/screen/kiosk", { method: "DELETE" });

export const listScreenLinks = () => apiFetch<{ items: ScreenLink[] }>("/api/v1/screen/links");
export const createScreenLink = (input: CreateScreenLink) =>
  apiFetch<CreatedScreenLink>("/api/v1/screen/links", { method: "POST", json: input });
export const revokeScreenLink = (id: string) =>
  apiFetch<ScreenLink>(`/api/v1/screen/links/${encodeURIComponent(id)}`, { method: "DELETE" });
