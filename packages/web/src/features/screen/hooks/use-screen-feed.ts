import { useCallback, useEffect, useRef, useState } from "react";
import { type ApiError, toApiError } from "../../../lib/api-client.ts";
import { getScreenOverview, SCREEN_STREAM_URL, type ScreenChange, type ScreenOverview } from "../api/screen.ts";

/**
 * What keeps a wall current with nobody at it: the overview loaded once, again a moment after every
 * change the stream tells of, every minute (times move on), and whenever the stream (re)connects —
 * after a server restart or a network drop the screen may have missed changes. The stream is
 * reconnected by the page itself with a growing, jittered delay (1 s doubling up to 30 s), since a
 * browser gives an EventSource up for good after an error answer; the browser's offline and online
 * events drop it and bring it back at once. While it is down the last picture stays up, marked as
 * reconnecting. Changes pulse for PULSE_MS.
 */
export type FeedState = "connecting" | "live" | "reconnecting";
export const PULSE_MS = 12_000;
const REFRESH_MS = 60_000;
const SETTLE_MS = 700;
const MAX_DELAY_MS = 30_000;

export function reconnectDelay(attempt: number, random = Math.random()): number {
  return Math.round(Math.min(MAX_DELAY_MS, 1000 * 2 ** attempt) * (0.75 + random * 0.5));
}

export function useScreenFeed(area: string | undefined) {
  const [overview, setOverview] = useState<ScreenOverview>();
  const [error, setError] = useState<ApiError>();
  const [state, setState] = useState<FeedState>("connecting");
  const [pulses, setPulses] = useState<ScreenChange[]>([]);
  const [arrived, setArrived] = useState<ReadonlySet<string>>(new Set());
  // One request at a time: changes that arrive while the overview loads ask for one more load after it.
  const inFlight = useRef<Promise<void> | undefined>(undefined);
  const again = useRef(false);

  const load = useCallback((): Promise<void> => {
    if (inFlight.current) {
      again.current = true;
      return inFlight.current;
    }
    const done = getScreenOverview(area)
      .then(
        (o) => {
          setOverview(o);
          setError(undefined);
        },
        (e) => setError(toApiError(e)),
      )
      .finally(() => {
        inFlight.current = undefined;
        if (again.current) {
          again.current = false;
          void load();
        }
      });
    inFlight.current = done;
    return done;
  }, [area]);

  useEffect(() => {
    let stopped = false;
    let source: EventSource | undefined;
    let attempt = 0;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let settle: ReturnType<typeof setTimeout> | undefined;
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const connect = () => {
      if (stopped || typeof EventSource === "undefined") return;
      source = new EventSource(SCREEN_STREAM_URL);
      source.onopen = () => {
        attempt = 0;
        setState("live");
        void load();
      };
      source.addEventListener("change", (message) => {
        const change = JSON.parse((message as MessageEvent<string>).data) as ScreenChange;
        setPulses((now) => [...now.filter((p) => p.id !== change.id), change]);
        if (change.action === "report") setArrived((now) => new Set(now).add(change.id));
        const timer = setTimeout(() => {
          timers.delete(timer);
          setPulses((now) => now.filter((p) => p !== change));
        }, PULSE_MS);
        timers.add(timer);
        clearTimeout(settle);
        settle = setTimeout(() => void load(), SETTLE_MS);
      });
      source.onerror = () => drop();
      // The server ended this stream for a newer one of the same account or link (a reloaded wall, one
      // screen too many): come back only after the longest delay, so that walls do not take turns.
      source.addEventListener("superseded", () => {
        attempt = Math.max(attempt, 10);
        drop();
      });
    };
    const drop = () => {
      source?.close();
      clearTimeout(retry);
      if (stopped) return;
      setState("reconnecting");
      // Ask for the figures too: the answer tells a network drop (kept picture) from an ended session or link.
      if (attempt === 0) void load();
      retry = setTimeout(connect, reconnectDelay(attempt++));
    };
    // A stream over a dead link may stay silently open: when the browser knows the network went, drop it;
    // when it is back, connect at once rather than at the end of a long back-off.
    const onOffline = () => drop();
    const onOnline = () => {
      clearTimeout(retry);
      source?.close();
      attempt = 0;
      connect();
    };
    window.addEventListener("offline", onOffline);
    window.addEventListener("online", onOnline);
    void load();
    connect();
    const periodic = setInterval(() => void load(), REFRESH_MS);
    return () => {
      stopped = true;
      window.removeEventListener("offline", onOffline);
      window.removeEventListener("online", onOnline);
      source?.close();
      clearTimeout(retry);
      clearTimeout(settle);
      clearInterval(periodic);
      for (const timer of timers) clearTimeout(timer);
    };
  }, [load]);

  return { overview, error, state, pulses, arrived };
}
