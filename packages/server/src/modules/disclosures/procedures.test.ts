import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";

/** Procedure guides (办事指南): written by the area's staff, found by residents in Chinese or pinyin. */
let t: TestApp;
let tree: AreaTree;
let village: Session;
let township: Session;
let farTownship: Session;
let resident: Session;

const inject = (session: Session | null, method: "GET" | "POST" | "PUT", url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: session?.headers ?? {},
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

const guide = (over: Record<string, unknown> = {}) => ({
  id: crypto.randomUUID(),
  areaCode: tree.township.code,
  title: "高龄津贴申请",
  materials: ["户口簿", "身份证", "银行卡（本人一类卡）"],
  location: "镇政务服务中心 3 号窗口",
  fees: "",
  timeLimit: "受理后 15 个工作日",
  contact: "民政办 0775-4212345，经办人 13877125678",
  body: "80 周岁以上老人可申请。",
  published: true,
  ...over,
});

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  village = await signIn(t, await buildUser(t.ctx, { role: "village_official", areaCode: tree.village.code }));
  township = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }));
  farTownship = await signIn(
    t,
    await buildUser(t.ctx, { role: "township_official", areaCode: tree.otherTownship.code }),
  );
  resident = await signIn(t, await buildUser(t.ctx, { role: "resident", areaCode: null }));
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe("procedure guides", () => {
  it("is written by the township, masks a mobile number, answers a retry with the first, and is found from a village below", async () => {
    const input = guide();
    const created = await inject(township, "POST", "/api/v1/procedures", input);
    expect(created.statusCode).toBe(201);
    expect(created.json().contact).toBe("民政办 0775-4212345，经办人 138****5678");
    expect((await inject(township, "POST", "/api/v1/procedures", input)).statusCode).toBe(200);
    await inject(
      village,
      "POST",
      "/api/v1/procedures",
      guide({
        areaCode: tree.village.code,
        title: "居住证申领",
        materials: ["身份证", "租房合同"],
        location: "村委会",
      }),
    );
    await inject(
      village,
      "POST",
      "/api/v1/procedures",
      guide({ areaCode: tree.village.code, title: "未公开的草稿", published: false }),
    );
    const found = async (q: string) =>
      (await inject(null, "GET", `/api/v1/procedures?areaCode=${tree.village.code}&q=${encodeURIComponent(q)}`))
        .json()
        .map((p: { title: string }) => p.title);
    expect(await found("高龄")).toEqual(["高龄津贴申请"]);
    expect(await found("gljt")).toEqual(["高龄津贴申请"]);
    expect(await found("jinti")).toEqual(["高龄津贴申请"]);
    expect(await found("户口簿")).toEqual(["高龄津贴申请"]);
    expect(await found("juzhu")).toEqual(["居住证申领"]);
    const all = (await inject(null, "GET", `/api/v1/procedures?areaCode=${tree.village.code}`)).json();
    expect(all.map((p: { title: string }) => p.title)).toEqual(["居住证申领", "高龄津贴申请"]);
    // From the township only its own: not the village's.
    const up = (await inject(null, "GET", `/api/v1/procedures?areaCode=${tree.township.code}`)).json();
    expect(up.map((p: { title: string }) => p.title)).toEqual(["高龄津贴申请"]);
  });

  it("keeps an unpublished guide from the public and lets only the area's staff change it", async () => {
    const input = guide({ published: false, title: "残疾人两项补贴申请" });
    const created = (await inject(township, "POST", "/api/v1/procedures", input)).json();
    expect((await inject(null, "GET", `/api/v1/procedures/${created.id}`)).statusCode).toBe(404);
    const invalid = await inject(township, "PUT", `/api/v1/procedures/${created.id}`, { ...guide(), id: undefined });
    expect([invalid.statusCode, invalid.json().code]).toEqual([400, "VALIDATION_FAILED"]);
    const { id: _, areaCode: __, ...body } = guide({ title: "残疾人两项补贴申请", published: true });
    expect((await inject(resident, "PUT", `/api/v1/procedures/${created.id}`, body)).statusCode).toBe(403);
    expect((await inject(farTownship, "PUT", `/api/v1/procedures/${created.id}`, body)).json().code).toBe(
      "PROCEDURE_NOT_FOUND",
    );
    expect((await inject(village, "PUT", `/api/v1/procedures/${created.id}`, body)).json().code).toBe(
      "PROCEDURE_NOT_FOUND",
    );
    const published = await inject(township, "PUT", `/api/v1/procedures/${created.id}`, body);
    expect(published.json().published).toBe(true);
    expect((await inject(null, "GET", `/api/v1/procedures/${created.id}`)).statusCode).toBe(200);
    const managed = (await inject(township, "GET", "/api/v1/procedures/manage")).json();
    expect(managed.map((p: { id: string }) => p.id)).toContain(created.id);
  });

  it("refuses a guide for a grid, an area out of sight, and a missing location", async () => {
    expect((await inject(village, "POST", "/api/v1/procedures", guide({ areaCode: tree.grid.code }))).statusCode).toBe(
      403,
    );
    const far = await inject(township, "POST", "/api/v1/procedures", guide({ areaCode: tree.otherTownship.code }));
    expect([far.statusCode, far.json().code]).toEqual([404, "AREA_NOT_FOUND"]);
    const bad = await inject(township, "POST", "/api/v1/procedures", guide({ location: "" }));
    expect(bad.statusCode).toBe(400);
    expect((await inject(null, "GET", "/api/v1/procedures?areaCode=NOPE")).statusCode).toBe(404);
  });
});
