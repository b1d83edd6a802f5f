import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../test/build-test-app.ts";
import {
  type AreaTree,
  buildAreaTree,
  buildUser,
  type Session,
  signIn,
  squareGeometry,
  TEST_PASSWORD,
} from "../test/factories.ts";

/**
 * Every human word of a refusal or an import's report follows the caller's language (#17 item 6):
 * bad requests across the modules — area editing and boundary files, events, the work calendar, the
 * registry, accounts and roles, the request edge — asked in Chinese say every `errors[].message` and
 * the `detail` in Chinese, asked in English say none in Chinese; codes and paths are the same in both.
 * A field message written as English text instead of a catalogue message fails here.
 */
let t: TestApp;
let tree: AreaTree;
let admin: Session;
let worker: Session;
let auditor: Session;

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  admin = await signIn(t, await buildUser(t.ctx, { role: "admin" }));
  worker = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code }));
  auditor = await signIn(t, await buildUser(t.ctx, { role: "auditor" }));
});
afterAll(async () => {
  await t?.close();
});

const HAN = /\p{Script=Han}/u;
/** English that quotes the Chinese a file may hold: the posts a staff roster accepts. */
const QUOTES_CHINESE = [/^must be one of 网格长, 网格员/];

interface Said {
  code?: string;
  detail?: string;
  paths: string[];
  messages: string[];
}

type Ask = (lang: string) => Promise<{ statusCode: number; json: () => any }>;

/** The words of a problem+json, or of a report's rows (features, rows) with their issues. */
function said(body: any): Said {
  if (body.code) {
    const errors: { path: string; message: string }[] = body.errors ?? [];
    return {
      code: body.code,
      detail: body.detail,
      paths: errors.map((e) => e.path),
      messages: errors.map((e) => e.message),
    };
  }
  const rows: { errors?: { path: string; message: string }[] }[] = body.features ?? body.rows ?? [];
  const errors = rows.flatMap((r) => r.errors ?? []);
  return { paths: errors.map((e) => e.path), messages: errors.map((e) => e.message) };
}

const post =
  (session: Session, url: string, payload: unknown, method: "POST" | "PUT" = "POST"): Ask =>
  (lang) =>
    t.app.inject({ method, url, headers: { ...session.headers, "accept-language": lang }, payload: payload as object });

const cases: Record<string, () => Ask> = {
  "a report at a point in no grid, without its category's field": () =>
    post(worker, "/api/v1/events", {
      id: crypto.randomUUID(),
      categoryKey: "hazard.safety",
      description: "电线老化",
      lng: 100,
      lat: 30,
    }),
  "a work calendar with misplaced days": () =>
    post(
      admin,
      "/api/v1/work-calendar/2027",
      {
        days: [
          { day: "2027-02-08", kind: "workday" },
          { day: "2027-02-06", kind: "holiday" },
          { day: "2026-12-31", kind: "holiday" },
        ],
      },
      "PUT",
    ),
  "a place without an address and half a point": () =>
    post(worker, "/api/v1/places", { id: crypto.randomUUID(), divisionCode: tree.village.code, lng: 109.6 }),
  "a person with an unknown tag and a birth date in the future": () =>
    post(worker, "/api/v1/people", {
      id: crypto.randomUUID(),
      name: "韦某",
      gridCode: tree.grid.code,
      birthDate: "2999-01-01",
      tags: [{ key: "no_such_tag" }],
    }),
  "a person that is not there": () => (lang) =>
    t.app.inject({
      method: "GET",
      url: `/api/v1/people/${crypto.randomUUID()}`,
      headers: { ...worker.headers, "accept-language": lang },
    }),
  "a name holding a NUL character": () =>
    post(worker, "/api/v1/people", { id: crypto.randomUUID(), name: "韦\u0000某" }),
  "a new password the same as the current one": () =>
    post(worker, "/api/v1/auth/password", { currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD }),
  "the auditor role given resident data": () =>
    post(
      auditor,
      "/api/v1/roles/auditor",
      { permissions: ["audit.read", "audit.export", "user.read", "person.read"] },
      "PUT",
    ),
  "a village split as if it were a grid": () =>
    post(admin, `/api/v1/areas/${tree.village.code}/split`, {
      id: crypto.randomUUID(),
      reason: "调整网格",
      parts: [
        { name: "甲", geometry: squareGeometry(109.6, 23.1, 0.01) },
        { name: "乙", geometry: squareGeometry(109.61, 23.1, 0.01) },
      ],
    }),
  "a grid-boundary file with broken features (its report)": () =>
    post(admin, "/api/v1/areas/import", {
      kindProperty: "kind",
      collection: {
        type: "FeatureCollection",
        features: [
          {
            type: "Feature",
            properties: { code: "X", name: "", parentCode: tree.village.code, kind: "castle" },
            geometry: squareGeometry(109.6, 23.1, 0.01),
          },
          {
            type: "Feature",
            properties: { code: `${tree.village.code}G77`, name: "坏网格", parentCode: "NOPE99" },
            geometry: {
              type: "Polygon",
              coordinates: [
                [
                  [30, 109],
                  [30.1, 109],
                  [30.1, 109.1],
                  [30, 109],
                ],
              ],
            },
          },
        ],
      },
    }),
  "a staff roster with bad rows (its report)": () =>
    post(admin, "/api/v1/users/import-staff", {
      format: "csv",
      content: Buffer.from(
        [
          "姓名,手机号,派出单位,网格代码,角色",
          `缺单位,13600000000,,${tree.grid.code},网格指导员`,
          "错网格,13600000001,,NOPE,网格员",
          `错角色,13600000002,,${tree.grid.code},村长`,
        ].join("\r\n"),
      ).toString("base64"),
    }),
};

describe("every message of a refusal or a report in the caller's language", () => {
  it.each(Object.keys(cases))("%s", async (name) => {
    const ask = (cases[name] as () => Ask)();
    const zhRes = await ask("zh-CN,zh;q=0.9");
    const enRes = await ask("en-US,en;q=0.9");
    expect(zhRes.statusCode).toBe(enRes.statusCode);
    const zh = said(zhRes.json());
    const en = said(enRes.json());
    // Something to say, the same code and the same fields in both languages.
    expect(zh.messages.length + (zh.detail ? 1 : 0), JSON.stringify(zhRes.json())).toBeGreaterThan(0);
    expect(zh.code).toBe(en.code);
    expect(zh.paths).toEqual(en.paths);
    for (const m of [...zh.messages, ...(zh.detail ? [zh.detail] : [])]) expect(m, name).toMatch(HAN);
    for (const m of [...en.messages, ...(en.detail ? [en.detail] : [])])
      if (!QUOTES_CHINESE.some((q) => q.test(m))) expect(m, name).not.toMatch(HAN);
  });
});
