import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { apiFetch, KEPT_COPY_HEADER } from "./api-client.ts";
import { PROBE_FIRST_DELAY_MS, PROBE_PATH, reachability } from "./reachability.ts";

/**
 * The app's one store, as the field app uses it: fed by the api client's requests, watching the
 * browser's network and visibility (stand-ins for window, document and navigator), probing the server
 * through fetch (a stand-in that answers as the test says).
 */
const network = { onLine: true };
let windowEvents: EventTarget;
let page: EventTarget & { visibilityState: string; documentElement: { lang: string } };
/** What fetch does next: answer with this, or throw (no answer). */
let answer: () => Response;
const fetched: { path: string; init: RequestInit; atMs: number }[] = [];
let startedAtMs = 0;
let unsubscribe: (() => void) | undefined;

const noAnswer = () => {
  throw new TypeError("Failed to fetch");
};
const ok = () => json(200, { status: "ok" });
function json(status: number, body: unknown, type = "application/json", headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": type, ...headers } });
}

beforeEach(() => {
  vi.useFakeTimers();
  startedAtMs = Date.now();
  network.onLine = true;
  windowEvents = new EventTarget();
  page = Object.assign(new EventTarget(), { visibilityState: "visible", documentElement: { lang: "" } });
  vi.stubGlobal("window", windowEvents);
  vi.stubGlobal("document", page);
  vi.stubGlobal("navigator", network);
  answer = ok;
  fetched.length = 0;
  vi.stubGlobal(
    "fetch",
    vi.fn(async (path: string, init: RequestInit) => {
      fetched.push({ path, init, atMs: Date.now() - startedAtMs });
      return answer();
    }),
  );
  reachability.reached();
});

afterEach(() => {
  unsubscribe?.();
  unsubscribe = undefined;
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** A request of the app's, whatever comes of it. */
async function request(path = "/api/v1/events") {
  await apiFetch(path).catch(() => undefined);
}

function watch(): string[] {
  const seen: string[] = [];
  unsubscribe = reachability.subscribe(() => seen.push(reachability.get()));
  return seen;
}

const probes = () => fetched.filter((f) => f.path === PROBE_PATH);

describe("the reachability store", () => {
  it("is unreachable when a request gets no answer, and online again when one is answered", async () => {
    const seen = watch();
    answer = noAnswer;
    await request();
    expect(reachability.get()).toBe("unreachable");
    answer = ok;
    await request();
    expect(reachability.get()).toBe("online");
    expect(seen).toEqual(["unreachable", "online"]);
  });

  it.each([
    ["a gateway's own 502 page", "unreachable", () => new Response("<html>Bad Gateway</html>", { status: 502 })],
    ["a gateway's 504 with JSON of its own", "unreachable", () => json(504, { message: "upstream timed out" })],
    [
      "the service worker's kept copy",
      "unreachable",
      () => json(200, {}, "application/json", { [KEPT_COPY_HEADER]: "1" }),
    ],
    [
      "our server's own 503",
      "online",
      () => json(503, { code: "DB_UNAVAILABLE", status: 503 }, "application/problem+json"),
    ],
    ["our server's 401", "online", () => json(401, { code: "AUTH_REQUIRED", status: 401 }, "application/problem+json")],
    ["an answer", "online", ok],
  ])("takes %s for %s", async (_what, expected, response) => {
    answer = noAnswer;
    await request();
    answer = response;
    await request();
    expect(reachability.get()).toBe(expected);
  });

  it("learns nothing from a request its caller aborted", async () => {
    const abort = new AbortController();
    abort.abort();
    answer = () => {
      throw new DOMException("aborted", "AbortError");
    };
    await apiFetch("/api/v1/events", { signal: abort.signal }).catch(() => undefined);
    expect(reachability.get()).toBe("online");
  });

  it("probes the health route past every cache while unreachable, waiting 5 s doubling to 60 s", async () => {
    watch();
    answer = noAnswer;
    await request();
    await vi.advanceTimersByTimeAsync(300_000);
    expect(probes().map((p) => p.atMs)).toEqual([5_000, 15_000, 35_000, 75_000, 135_000, 195_000, 255_000]);
    expect(probes().every((p) => p.init.cache === "no-store")).toBe(true);
    expect(reachability.get()).toBe("unreachable");
  });

  it("is online again when a probe reaches the server, and probes no more", async () => {
    const seen = watch();
    answer = noAnswer;
    await request();
    await vi.advanceTimersByTimeAsync(PROBE_FIRST_DELAY_MS);
    answer = ok;
    await vi.advanceTimersByTimeAsync(2 * PROBE_FIRST_DELAY_MS);
    expect(reachability.get()).toBe("online");
    expect(seen).toEqual(["unreachable", "online"]);
    const probed = probes().length;
    await vi.advanceTimersByTimeAsync(300_000);
    expect(probes()).toHaveLength(probed);
  });

  it("says offline when the browser has no network, whatever the server last answered, and probes nothing then", async () => {
    const seen = watch();
    network.onLine = false;
    windowEvents.dispatchEvent(new Event("offline"));
    expect(reachability.get()).toBe("offline");
    answer = noAnswer;
    await request();
    answer = ok;
    await request();
    expect(reachability.get()).toBe("offline");
    answer = noAnswer;
    await request();
    await vi.advanceTimersByTimeAsync(300_000);
    expect(probes()).toEqual([]);
    expect(seen).toEqual(["offline"]);
  });

  it("probes at once when the network returns, and when the app comes to the front", async () => {
    watch();
    network.onLine = false;
    windowEvents.dispatchEvent(new Event("offline"));
    answer = noAnswer;
    await request();
    network.onLine = true;
    windowEvents.dispatchEvent(new Event("online"));
    await vi.advanceTimersByTimeAsync(0);
    expect(probes().map((p) => p.atMs)).toEqual([0]);
    // Still no server behind the network: unreachable, not online.
    expect(reachability.get()).toBe("unreachable");

    await vi.advanceTimersByTimeAsync(1_000);
    answer = ok;
    page.dispatchEvent(new Event("visibilitychange"));
    await vi.advanceTimersByTimeAsync(0);
    expect(probes().map((p) => p.atMs)).toEqual([0, 1_000]);
    expect(reachability.get()).toBe("online");
  });

  it("stops probing when the last listener leaves", async () => {
    watch();
    unsubscribe?.();
    unsubscribe = undefined;
    answer = noAnswer;
    await request();
    await vi.advanceTimersByTimeAsync(300_000);
    expect(probes()).toEqual([]);
    expect(reachability.get()).toBe("unreachable");
  });
});
