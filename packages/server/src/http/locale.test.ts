import { checkCharacter } from "@wangge/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../test/factories.ts";

/**
 * A problem+json says its detail and its fields' messages in the caller's language — the app sends
 * the language the user chose as Accept-Language — and keeps its code and paths whatever the
 * language (#17 item 6). A caller naming no language (a script) gets English.
 */
let t: TestApp;
let tree: AreaTree;
let worker: Session;
const first17 = "45080219800101001";
const WRONG_CHECK = `${first17}${checkCharacter(first17) === "1" ? "2" : "1"}`;

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  worker = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code }));
});
afterAll(async () => {
  await t?.close();
});

const register = (lang: string | undefined, body: Record<string, unknown>) =>
  t.app.inject({
    method: "POST",
    url: "/api/v1/people",
    headers: { ...worker.headers, ...(lang ? { "accept-language": lang } : {}) },
    payload: { id: crypto.randomUUID(), name: "韦某", ...body },
  });

describe("a problem in the caller's language", () => {
  it("says a refused registration's detail and field messages in Chinese or English, the code and paths unchanged", async () => {
    const body = { idNumber: WRONG_CHECK, phone: "12345", gridCode: "450999999999G09" };
    const zh = await register("zh-CN,zh;q=0.9,en;q=0.8", body);
    const en = await register("en-US,en;q=0.9", body);
    const none = await register(undefined, body);
    expect(zh.statusCode).toBe(400);
    expect(en.statusCode).toBe(400);
    const paths = (r: typeof zh) => (r.json().errors as { path: string }[]).map((e) => e.path).sort();
    expect(zh.json().code).toBe(en.json().code);
    expect(paths(zh)).toEqual(paths(en));
    expect(paths(zh)).toEqual(["body.gridCode", "body.idNumber", "body.phone"]);
    const messages = (r: typeof zh) =>
      Object.fromEntries((r.json().errors as { path: string; message: string }[]).map((e) => [e.path, e.message]));
    expect(messages(zh)).toEqual({
      "body.idNumber": expect.stringMatching(/^校验码应为 [0-9X]，而不是 [0-9X]$/),
      "body.phone": "应为 11 位手机号码，或带区号的固定电话",
      "body.gridCode": "您的范围内没有区域 450999999999G09",
    });
    expect(messages(en)).toEqual({
      "body.idNumber": expect.stringMatching(/^check digit should be [0-9X], not [0-9X]$/),
      "body.phone": "a mainland mobile (11 digits) or landline number with area code",
      "body.gridCode": "no area 450999999999G09 in your scope",
    });
    expect(zh.json().detail).toMatch(/\p{Script=Han}/u);
    expect(en.json().detail).not.toMatch(/\p{Script=Han}/u);
    expect(none.json()).toEqual({ ...en.json(), requestId: none.json().requestId });
  });

  it("says a request that fails its schema in the caller's language too", async () => {
    const zh = await register("zh-CN", { name: 42 });
    const en = await register("en", { name: 42 });
    expect(zh.statusCode).toBe(400);
    expect(zh.json().code).toBe("VALIDATION_FAILED");
    expect(zh.json().errors[0]).toMatchObject({ path: "body.name", message: expect.stringMatching(/\p{Script=Han}/u) });
    expect(en.json().errors[0]).toMatchObject({
      path: "body.name",
      message: expect.not.stringMatching(/\p{Script=Han}/u),
    });
    expect(zh.json().detail).toBe("填写的内容有误，请检查标出的项目。");
  });
});
