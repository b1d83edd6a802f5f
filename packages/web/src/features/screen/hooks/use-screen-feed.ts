import { useCallback, useEffect, useRef, useState } from "react";
import { type ApiError, toApiError } from "../../../lib/api-client.ts";
import { type LiveState, openLiveStream } from "../../../lib/live-stream.ts";
import { getScreenOverview, SCREEN_STREAM_URL, type ScreenChange, type ScreenOverview } from "../api/screen.ts";

/**
 * What keeps a wall current with nobody at it: the overview loaded once, again a moment after every
 * change the stream tells of, every minute (times move on), and whenever the stream (re)connects —
 * after a server restart or a network drop the screen may have missed changes. The stream stays up
 * by itself (lib/live-stream.ts: back-off after an error answer, the browser's offline and online
 * events). While it is down the last picture stays up, marked as reconnecting. Changes pulse for
 * PULSE_MS.
 */
export type FeedState = Exclude<LiveState, "superseded">;
export const PULSE_MS = 12_000;
const REFRESH_MS = 60_000;
const SETTLE_MS = 700;

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
    let settle: ReturnType<typeof setTimeout> | undefined;
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const close = openLiveStream(
      SCREEN_STREAM_URL,
      {
        onState: (s) => setState(s === "superseded" ? "reconnecting" : s),
        onOpen: () => void load(),
        // Ask for the figures too: the answer tells a network drop (kept picture) from an ended session or link.
        onDrop: (attempt) => {
          if (attempt === 0) void load();
        },
        onChange: (data) => {
          const change = JSON.parse(data) as ScreenChange;
          setPulses((now) => [...now.filter((p) => p.id !== change.id), change]);
          if (change.action === "report") setArrived((now) => new Set(now).add(change.id));
          const timer = setTimeout(() => {
            timers.delete(timer);
            setPulses((now) => now.filter((p) => p !== change));
          }, PULSE_MS);
          timers.add(timer);
          clearTimeout(settle);
          settle = setTimeout(() => void load(), SETTLE_MS);
        },
      },
      // Ended for a newer stream of the same account or link (a reloaded wall, one screen too many): a
      // wall comes back only after the longest delay, so that walls do not take turns.
      { superseded: "wait" },
    );
    void load();
    const periodic = setInterval(() => void load(), REFRESH_MS);
    return () => {
      close();
      clearTimeout(settle);
      clearInterval(periodic);
      for (const timer of timers) clearTimeout(timer);
    };
  }, [load]);

  return { overview, error, state, pulses, arrived };
}
