import { useEffect, useState } from "react";
import { ApiError, apiFetch } from "./api-client.ts";

/**
 * Data for a part of a page that may not be there: a home section whose API this deployment does
 * not have yet (404), that the user may not read (401/403), or that failed. Any of those gives
 * `null` — the section draws nothing — and never an error on the page. `undefined` while loading.
 */
export function useOptionalApi<T>(path: string | null): T | null | undefined {
  const [data, setData] = useState<T | null | undefined>(undefined);
  useEffect(() => {
    if (!path) {
      setData(null);
      return;
    }
    let live = true;
    apiFetch<T>(path).then(
      (d) => live && setData(d),
      (e: unknown) => {
        if (live) setData(null);
        // Anything but "not there / not yours" is worth a line in the console for whoever debugs.
        if (!(e instanceof ApiError) || ![401, 403, 404].includes(e.status)) console.warn(path, e);
      },
    );
    return () => {
      live = false;
    };
  }, [path]);
  return data;
}
