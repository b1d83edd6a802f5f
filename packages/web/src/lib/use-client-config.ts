import type { ClientConfig } from "@wangge/core";
import { useEffect, useState } from "react";
import { type ApiError, apiFetch, toApiError } from "./api-client.ts";

/** GET /api/v1/config once per page; every app waits for it before drawing the map. */
let cached: Promise<ClientConfig> | undefined;

export function loadClientConfig(): Promise<ClientConfig> {
  cached ??= apiFetch<ClientConfig>("/api/v1/config").catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

export function useClientConfig(): { config?: ClientConfig; error?: ApiError; retry: () => void } {
  const [config, setConfig] = useState<ClientConfig>();
  const [error, setError] = useState<ApiError>();
  const [attempt, setAttempt] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new attempt is what re-runs the load after retry()
  useEffect(() => {
    let live = true;
    loadClientConfig().then(
      (c) => live && setConfig(c),
      (e: unknown) => live && setError(toApiError(e)),
    );
    return () => {
      live = false;
    };
  }, [attempt]);
  return {
    ...(config ? { config } : {}),
    ...(error ? { error } : {}),
    retry: () => {
      setError(undefined);
      setAttempt((a) => a + 1);
    },
  };
}
