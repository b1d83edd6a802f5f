import type { ScreenChange, ScreenOverview } from "@wangge/core";
import { apiFetch } from "../../../lib/api-client.ts";

export type { ScreenChange, ScreenOverview };

/** Everything the big screen draws for its area (GET /screen/overview): one request, refetched on every change. */
export const getScreenOverview = (area?: string) =>
  apiFetch<ScreenOverview>(`/api/v1/screen/overview${area ? `?${new URLSearchParams({ area })}` : ""}`);

export const SCREEN_STREAM_URL = "/api/v1/screen/stream";
