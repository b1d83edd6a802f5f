import { describe, expect, it } from "vitest";
import { ApiError } from "../api-client.ts";
import { isUnreachable, registerSender, sendQueue } from "./queue.ts";
import type { QueueItem, Vault } from "./vault.ts";

/** The queue's rules over a vault kept in memory (the browser journeys run it over IndexedDB). */
function memoryVault(items: QueueItem[]) {
  const rows = items.map((item) => ({ ...item }));
  const vault = {
    userId: "u1",
    queue: async () => rows.map((row) => ({ ...row })),
    refuse: async (id: string, refused: { code: string; detail: string }) => {
      const row = rows.find((r) => r.id === id);
      if (row) row.refused = refused;
    },
    remove: async (id: string) => {
      rows.splice(
        rows.findIndex((r) => r.id === id),
        1,
      );
    },
  };
  return { vault: vault as unknown as Vault, rows };
}

const item = (id: string, kind: string, extra: Partial<QueueItem> = {}): QueueItem => ({
  id,
  kind,
  savedAt: `2026-12-06T08:00:0${id.slice(-1)}Z`,
  body: {},
  ...extra,
});

describe("sendQueue", () => {
  it("sends oldest first, each once, and keeps a refused record with the server's code and words", async () => {
    const sent: string[] = [];
    registerSender("t.ok", async (i) => {
      sent.push(i.id);
    });
    registerSender("t.refused", async () => {
      throw new ApiError("VISIT_OUTSIDE_SCOPE", "this household is not in your grid", 403);
    });
    const { vault, rows } = memoryVault([item("a1", "t.ok"), item("a2", "t.refused"), item("a3", "t.ok")]);
    expect(await sendQueue(vault)).toBe(2);
    expect(sent).toEqual(["a1", "a3"]);
    expect(rows).toEqual([
      expect.objectContaining({
        id: "a2",
        refused: { code: "VISIT_OUTSIDE_SCOPE", detail: "this household is not in your grid" },
      }),
    ]);
    // A second run leaves the refused record alone: it waits for the worker to delete it.
    expect(await sendQueue(vault)).toBe(0);
    expect(rows).toHaveLength(1);
  });

  it("stops at the first record the network cannot take and keeps it and all after it", async () => {
    const sent: string[] = [];
    registerSender("t.flaky", async (i) => {
      if (i.id === "b2") throw new ApiError("NETWORK_UNREACHABLE", "offline", 0);
      sent.push(i.id);
    });
    const { vault, rows } = memoryVault([item("b1", "t.flaky"), item("b2", "t.flaky"), item("b3", "t.flaky")]);
    expect(await sendQueue(vault)).toBe(1);
    expect(rows.map((r) => [r.id, r.refused])).toEqual([
      ["b2", undefined],
      ["b3", undefined],
    ]);
  });

  it("sends a photo only after its record, and refuses it with its record", async () => {
    const sent: string[] = [];
    registerSender("t.visit", async (i) => {
      if (i.body.bad) throw new ApiError("VISIT_NOT_FOUND", "no such household", 404);
      sent.push(i.id);
    });
    registerSender("t.photo", async (i) => {
      sent.push(i.id);
    });
    const { vault, rows } = memoryVault([
      item("c1", "t.visit", { body: { bad: true } }),
      item("c2", "t.photo", { after: "c1" }),
      item("c3", "t.visit"),
      item("c4", "t.photo", { after: "c3" }),
    ]);
    await sendQueue(vault);
    expect(sent).toEqual(["c3", "c4"]);
    expect(rows.map((r) => [r.id, r.refused?.code])).toEqual([
      ["c1", "VISIT_NOT_FOUND"],
      ["c2", "VISIT_NOT_FOUND"],
    ]);
  });
});

describe("isUnreachable", () => {
  it.each([
    [new ApiError("NETWORK_UNREACHABLE", "", 0), true],
    // A gateway's own answer (its upstream, our server, is down).
    [new ApiError("NETWORK_UNREACHABLE", "Bad Gateway", 502), true],
    [new ApiError("AUTH_REQUIRED", "", 401), true],
    [new ApiError("RATE_LIMITED", "", 429), true],
    [new ApiError("INTERNAL_ERROR", "", 503), true],
    // A server without the route yet (an older version): try again later, do not refuse.
    [new ApiError("ROUTE_NOT_FOUND", "", 404), true],
    [new ApiError("VISIT_NOT_FOUND", "", 404), false],
    [new ApiError("REQUEST_INVALID", "", 400), false],
    [new Error("fetch failed"), true],
  ])("%o → %s", (error, expected) => {
    expect(isUnreachable(error)).toBe(expected);
  });
});
