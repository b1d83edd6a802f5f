import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { buildUser, type Session, signIn } from "../../test/factories.ts";

let t: TestApp;
let admin: Session;

const create = (payload: unknown, contentType = "application/json") =>
  t.app.inject({
    method: "POST",
    url: "/api/v1/open311/keys",
    headers: { ...admin.headers, "content-type": contentType },
    payload: typeof payload === "string" ? payload : JSON.stringify(payload),
  });

beforeAll(async () => {
  t = await buildTestApp();
  admin = await signIn(t, await buildUser(t.ctx, { role: "admin" }));
});
afterAll(async () => {
  await t?.close();
});

describe("creating Open311 API keys from hostile input", () => {
  it.each([
    ["a name past 60 characters", { name: "k".repeat(61) }],
    ["a name of 100,000 characters", { name: "k".repeat(100_000) }],
    ["an empty name", { name: "" }],
    ["a name of spaces", { name: "   \t " }],
    ["a NUL character", { name: "client\u0000one" }],
    ["a control character (a terminal escape)", { name: "client\u001b[2Jone" }],
    ["a right-to-left override", { name: "client\u202egnp.exe" }],
    ["a zero-width space alone", { name: "\u200b" }],
    ["a lone surrogate", '{"name":"client\\ud800one"}'],
    ["a number", { name: 42 }],
    ["null", { name: null }],
    ["an array", { name: ["a", "b"] }],
    ["an object", { name: { toString: "x" } }],
    ["an extra field", { name: "client", admin: true }],
    ["no name", {}],
  ])("answers %s with a field error on body.name, creating nothing", async (_, payload) => {
    const before = await t.ctx.db.selectFrom("open311_key").select("id").execute();
    const res = await create(payload);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.json().code).toBe("VALIDATION_FAILED");
    expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual([
      payload === "" || (typeof payload === "object" && payload !== null && "admin" in payload) ? "body" : "body.name",
    ]);
    expect(await t.ctx.db.selectFrom("open311_key").select("id").execute()).toHaveLength(before.length);
  });

  it("answers a body that is not JSON, or not an object, with 400", async () => {
    for (const body of ["{", "[]", '"name"', "null"]) {
      const res = await create(body);
      expect(res.statusCode, body).toBe(400);
      expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    }
  });

  it("keeps Chinese, emoji and accented names, and the same name written two ways is one name", async () => {
    const chinese = await create({ name: "南宁市12345热线" });
    expect(chinese.statusCode, chinese.body).toBe(201);
    expect((await create({ name: "城市🚧巡查" })).statusCode).toBe(201);
    // "é" as one code point, then as "e" and a combining accent.
    expect((await create({ name: "Caf\u00e9 client" })).statusCode).toBe(201);
    const decomposed = await create({ name: "Cafe\u0301 client" });
    expect(decomposed.statusCode).toBe(409);
    expect(decomposed.json().code).toBe("OPEN311_KEY_NAME_TAKEN");
  });

  it("creates one key of a name asked for ten times at once, refusing the others with 409", async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => create({ name: "parallel-client" })));
    expect(answers.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    for (const r of answers.filter((a) => a.statusCode === 409)) expect(r.json().code).toBe("OPEN311_KEY_NAME_TAKEN");
    const stored = await t.ctx.db
      .selectFrom("open311_key")
      .select("id")
      .where("name", "=", "parallel-client")
      .execute();
    expect(stored).toHaveLength(1);
  });
});
