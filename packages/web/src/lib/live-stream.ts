/**
 * A server-sent events stream that stays up by itself: a browser gives an EventSource up for good
 * after an error answer (a server restarting answers 502/503 for a moment), so the stream is opened
 * again by hand with a growing, jittered delay (1 s doubling up to 30 s); the browser's offline event
 * drops it at once (a stream over a dead link may stay silently open) and its online event brings it
 * back without waiting for the back-off. `onOpen` runs on every (re)connection: whatever changed while
 * it was down was missed, so the page reloads what it shows; `onDrop` runs on every drop (with how
 * many tries came before it). A `superseded` event (the account opened more live pages than the server
 * keeps, and this is the oldest) ends it for good by default — reconnecting would only push out another
 * of the account's pages; a wall, which nobody comes to restart, waits its longest delay instead.
 */
const MAX_DELAY_MS = 30_000;
/** A try whose delay is the longest (1 s doubled past 30 s). */
const LONGEST_ATTEMPT = 10;

export type LiveState = "connecting" | "live" | "reconnecting" | "superseded";

export function reconnectDelay(attempt: number, random = Math.random()): number {
  return Math.round(Math.min(MAX_DELAY_MS, 1000 * 2 ** attempt) * (0.75 + random * 0.5));
}

export function openLiveStream(
  url: string,
  handlers: {
    onChange: (data: string) => void;
    onOpen?: () => void;
    onState?: (state: LiveState) => void;
    onDrop?: (attempt: number) => void;
  },
  options: { superseded?: "stop" | "wait" } = {},
): () => void {
  let stopped = false;
  let source: EventSource | undefined;
  let attempt = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const connect = () => {
    if (stopped || typeof EventSource === "undefined") return;
    source = new EventSource(url);
    source.onopen = () => {
      attempt = 0;
      handlers.onState?.("live");
      handlers.onOpen?.();
    };
    source.addEventListener("change", (message) => handlers.onChange((message as MessageEvent<string>).data));
    source.addEventListener("superseded", () => {
      if (options.superseded === "wait") {
        attempt = Math.max(attempt, LONGEST_ATTEMPT);
        drop();
        return;
      }
      stop();
      handlers.onState?.("superseded");
    });
    source.onerror = () => drop();
  };
  const drop = () => {
    source?.close();
    clearTimeout(retry);
    if (stopped) return;
    handlers.onState?.("reconnecting");
    handlers.onDrop?.(attempt);
    retry = setTimeout(connect, reconnectDelay(attempt++));
  };
  const onOffline = () => drop();
  const onOnline = () => {
    clearTimeout(retry);
    source?.close();
    attempt = 0;
    connect();
  };
  window.addEventListener("offline", onOffline);
  window.addEventListener("online", onOnline);
  const stop = () => {
    stopped = true;
    window.removeEventListener("offline", onOffline);
    window.removeEventListener("online", onOnline);
    source?.close();
    clearTimeout(retry);
  };
  handlers.onState?.("connecting");
  connect();
  return stop;
}
