import { apiFetch, onServerReach } from "./api-client.ts";

/**
 * Whether the field app can reach our server, which is what "online" means to a worker: a phone on a
 * village Wi-Fi whose uplink is down, or behind a captive portal, has `navigator.onLine === true` and
 * still cannot send a record. So the phone is
 *  - "offline" when the browser says it has no network at all (that always wins),
 *  - "unreachable" when it has one but the last request to our server did not reach it (the api
 *    client's isServerUnreached: no answer, or a gateway's own 502/503/504),
 *  - "online" otherwise, and again as soon as any request reaches the server.
 * While unreachable, a cheap probe (GET /api/health, never from a cache) asks again with a backoff
 * (5 s doubling to 60 s), and at once when the browser says the network is back or the app comes to
 * the front — the moments a phone's network most often changes.
 */
export type Reach = "online" | "offline" | "unreachable";

/** The first wait before probing an unreachable server again; it doubles up to PROBE_MAX_DELAY_MS. */
export const PROBE_FIRST_DELAY_MS = 5_000;
export const PROBE_MAX_DELAY_MS = 60_000;

/** What the browser tells of its network and of the app's visibility (the real one: browserSignals). */
export interface BrowserSignals {
  /** navigator.onLine: false means no network at all. */
  isOnline(): boolean;
  /** Calls back on "online", "offline" and the page becoming visible; returns the unsubscribe. */
  listen(changed: (signal: "online" | "offline" | "visible") => void): () => void;
}

export interface Reachability {
  /** The current state; stable between changes (useSyncExternalStore's snapshot). */
  get(): Reach;
  /** Listens to changes; the first listener starts watching the browser and probing, the last stops it. */
  subscribe(listener: () => void): () => void;
  /** A request reached our server (any answer of its own, an error included). */
  reached(): void;
  /** A request did not reach our server. */
  unreached(): void;
}

export function createReachability(options: {
  /** Asks the server once; its outcome comes back through reached()/unreached(). */
  probe: () => Promise<unknown>;
  signals: BrowserSignals;
}): Reachability {
  const { probe, signals } = options;
  const listeners = new Set<() => void>();
  let serverUnreached = false;
  let state: Reach = compute();
  let delayMs = PROBE_FIRST_DELAY_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let probing = false;
  let stopListening: (() => void) | undefined;

  function compute(): Reach {
    if (!signals.isOnline()) return "offline";
    return serverUnreached ? "unreachable" : "online";
  }

  function update() {
    const next = compute();
    if (next === state) return;
    state = next;
    for (const listener of [...listeners]) listener();
  }

  function cancelProbe() {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  }

  /** The next probe after the current wait, while the server is believed unreachable. */
  function scheduleProbe() {
    cancelProbe();
    if (!stopListening || !serverUnreached || !signals.isOnline()) return;
    const wait = delayMs;
    delayMs = Math.min(delayMs * 2, PROBE_MAX_DELAY_MS);
    timer = setTimeout(() => {
      timer = undefined;
      void probeNow();
    }, wait);
  }

  async function probeNow() {
    if (probing || !stopListening || !signals.isOnline()) return;
    cancelProbe();
    probing = true;
    try {
      await probe();
    } catch {
      // The outcome came back through unreached() (the api client reports it).
    } finally {
      probing = false;
    }
    scheduleProbe();
  }

  function onSignal(signal: "online" | "offline" | "visible") {
    update();
    if (signal === "offline") {
      cancelProbe();
      return;
    }
    // The network may have changed: ask at once, and start the backoff afresh.
    delayMs = PROBE_FIRST_DELAY_MS;
    if (signals.isOnline()) void probeNow();
  }

  return {
    get() {
      // Unwatched, nothing tells of the browser's changes: read it afresh.
      if (!stopListening) state = compute();
      return state;
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!stopListening) {
        stopListening = signals.listen(onSignal);
        update();
        scheduleProbe();
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size > 0 || !stopListening) return;
        stopListening();
        stopListening = undefined;
        cancelProbe();
      };
    },
    reached() {
      serverUnreached = false;
      delayMs = PROBE_FIRST_DELAY_MS;
      cancelProbe();
      update();
    },
    unreached() {
      if (serverUnreached) return;
      serverUnreached = true;
      update();
      // While a probe is out, it schedules the next itself when it returns.
      if (!probing) scheduleProbe();
    },
  };
}

/** The browser's own signals: navigator.onLine with its events, and the page's visibility. */
export const browserSignals: BrowserSignals = {
  isOnline: () => typeof navigator === "undefined" || navigator.onLine !== false,
  listen(changed) {
    const online = () => changed("online");
    const offline = () => changed("offline");
    const visible = () => {
      if (document.visibilityState === "visible") changed("visible");
    };
    window.addEventListener("online", online);
    window.addEventListener("offline", offline);
    document.addEventListener("visibilitychange", visible);
    return () => {
      window.removeEventListener("online", online);
      window.removeEventListener("offline", offline);
      document.removeEventListener("visibilitychange", visible);
    };
  },
};

/**
 * The health route: open, never rate limited, answered by the server itself (the field app's service
 * worker leaves /api/health to the network), and "no-store" keeps the browser's HTTP cache out of it.
 */
export const PROBE_PATH = "/api/health";

/** The app's one store, fed by every request of the api client. */
export const reachability = createReachability({
  probe: () => apiFetch(PROBE_PATH, { cache: "no-store" }),
  signals: browserSignals,
});

onServerReach((reached) => (reached ? reachability.reached() : reachability.unreached()));
