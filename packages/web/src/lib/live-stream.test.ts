import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type LiveState, openLiveStream, reconnectDelay } from "./live-stream.ts";

/** A stand-in for the browser's EventSource: the test opens, fails and feeds each one by hand. */
class FakeSource {
  static all: FakeSource[] = [];
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  private listeners = new Map<string, ((m: { data: string }) => void)[]>();
  constructor(readonly url: string) {
    FakeSource.all.push(this);
  }
  addEventListener(kind: string, fn: (m: { data: string }) => void) {
    this.listeners.set(kind, [...(this.listeners.get(kind) ?? []), fn]);
  }
  emit(kind: string, data: string) {
    for (const fn of this.listeners.get(kind) ?? []) fn({ data });
  }
  close() {
    this.closed = true;
  }
}

const windowEvents = new EventTarget();

beforeEach(() => {
  FakeSource.all = [];
  vi.useFakeTimers();
  vi.stubGlobal("EventSource", FakeSource);
  vi.stubGlobal("window", {
    addEventListener: windowEvents.addEventListener.bind(windowEvents),
    removeEventListener: windowEvents.removeEventListener.bind(windowEvents),
  });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("a live stream", () => {
  it("passes changes on, opens again with a growing delay after each failure, and reloads on every reopening", () => {
    const changes: string[] = [];
    const states: LiveState[] = [];
    let opened = 0;
    const close = openLiveStream("/api/v1/events/stream", {
      onChange: (d) => changes.push(d),
      onOpen: () => opened++,
      onState: (s) => states.push(s),
    });
    const first = FakeSource.all[0] as FakeSource;
    first.onopen?.();
    first.emit("change", '{"action":"report"}');
    expect(changes).toEqual(['{"action":"report"}']);

    // The server goes away: closed at once (the browser would give up), opened again within 1.25 s…
    first.onerror?.();
    expect(first.closed).toBe(true);
    vi.advanceTimersByTime(1250);
    expect(FakeSource.all).toHaveLength(2);
    // …it fails again: the next try waits at least 1.5 s (2 s less jitter).
    FakeSource.all[1]?.onerror?.();
    vi.advanceTimersByTime(1400);
    expect(FakeSource.all).toHaveLength(2);
    vi.advanceTimersByTime(1200);
    expect(FakeSource.all).toHaveLength(3);
    FakeSource.all[2]?.onopen?.();
    expect(opened).toBe(2);
    expect(states).toEqual(["connecting", "live", "reconnecting", "reconnecting", "live"]);

    // Closed by the page: no more attempts.
    close();
    expect(FakeSource.all[2]?.closed).toBe(true);
    FakeSource.all[2]?.onerror?.();
    vi.advanceTimersByTime(60_000);
    expect(FakeSource.all).toHaveLength(3);
  });

  it("drops the stream when the browser goes offline and opens it at once when it is back", () => {
    const close = openLiveStream("/s", { onChange: () => {} });
    const first = FakeSource.all[0] as FakeSource;
    first.onopen?.();
    windowEvents.dispatchEvent(new Event("offline"));
    expect(first.closed).toBe(true);
    windowEvents.dispatchEvent(new Event("online"));
    expect(FakeSource.all).toHaveLength(2);
    expect(FakeSource.all[1]?.closed).toBe(false);
    close();
    windowEvents.dispatchEvent(new Event("online"));
    expect(FakeSource.all).toHaveLength(2);
  });

  it("stops for good when the server says another page of the account took its place", () => {
    const states: LiveState[] = [];
    openLiveStream("/s", { onChange: () => {}, onState: (s) => states.push(s) });
    const first = FakeSource.all[0] as FakeSource;
    first.onopen?.();
    first.emit("superseded", "{}");
    expect(first.closed).toBe(true);
    expect(states.at(-1)).toBe("superseded");
    first.onerror?.();
    windowEvents.dispatchEvent(new Event("online"));
    vi.advanceTimersByTime(60_000);
    expect(FakeSource.all).toHaveLength(1);
  });

  it("tells each drop with the tries before it, and a wall told superseded waits its longest delay", () => {
    const drops: number[] = [];
    openLiveStream("/s", { onChange: () => {}, onDrop: (n) => drops.push(n) }, { superseded: "wait" });
    const first = FakeSource.all[0] as FakeSource;
    first.onopen?.();
    first.onerror?.();
    vi.advanceTimersByTime(1250);
    const second = FakeSource.all[1] as FakeSource;
    second.onopen?.();
    second.emit("superseded", "{}");
    expect(second.closed).toBe(true);
    expect(drops).toEqual([0, 10]);
    // Not back before 22.5 s (30 s less a quarter), back by 37.5 s.
    vi.advanceTimersByTime(22_000);
    expect(FakeSource.all).toHaveLength(2);
    vi.advanceTimersByTime(15_500);
    expect(FakeSource.all).toHaveLength(3);
  });

  it("waits 1 s doubling to at most 30 s, within a quarter either way", () => {
    expect(reconnectDelay(0, 0)).toBe(750);
    expect(reconnectDelay(0, 1)).toBe(1250);
    expect(reconnectDelay(3, 0.5)).toBe(8000);
    expect(reconnectDelay(10, 0.5)).toBe(30_000);
    expect(reconnectDelay(10, 1)).toBe(37_500);
  });
});
