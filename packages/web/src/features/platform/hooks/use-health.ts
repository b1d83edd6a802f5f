import type { HealthResponse } from "@wangge/core";
import { useCallback, useEffect, useState } from "react";
import { type ApiError, toApiError } from "../../../lib/api-client.ts";
import { fetchHealth } from "../api/platform.ts";

/** Server health, refreshed every `intervalMs` (the big screen shows it live). */
export function useHealth(intervalMs = 0): { health?: HealthResponse; error?: ApiError; refresh: () => void } {
  const [health, setHealth] = useState<HealthResponse>();
  const [error, setError] = useState<ApiError>();
  const refresh = useCallback(() => {
    fetchHealth().then(
      (h) => {
        setHealth(h);
        setError(undefined);
      },
      (e: unknown) => setError(toApiError(e)),
    );
  }, []);
  useEffect(() => {
    refresh();
    if (!intervalMs) return;
    const timer = setInterval(refresh, intervalMs);
    return () => clearInterval(timer);
  }, [refresh, intervalMs]);
  return { ...(health ? { health } : {}), ...(error ? { error } : {}), refresh };
}
