import { checkCharacter, idNumberCandidates } from "@wangge/core";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { up as remask } from "../../db/migrations/2026_12_06_1100_remask_id_numbers.ts";
import { uuidv7 } from "../../ids.ts";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";
import { insertPeople } from "./registry.queries.ts";
import { nameKeys, phoneIndex } from "./registry-fields.ts";

/**
 * What a user without the reveal permission can learn of a person's ID number (issue #16, item 9),
 * guessing numbers through search (item 10), formulas in exported CSV (item 14), and paging a pinyin
 * search and an export across pages (item 22).
 */
let t: TestApp;
let tree: AreaTree;
let official: Session;
let worker: Session;
let head: Session;

const LIMIT = 5;
const idNumber = (first17: string) => `${first17}${checkCharacter(first17)}`;
const post = (session: Session, url: string, payload: Record<string, unknown>) =>
  t.app.inject({ method: "POST", url, headers: session.headers, payload });
const get = (session: Session, url: string) => t.app.inject({ method: "GET", url, headers: session.headers });

beforeAll(async () => {
  t = await buildTestApp({ WANGGE_NUMBER_SEARCHES: String(LIMIT), WANGGE_NUMBER_SEARCH_MINUTES: "10" });
  tree = await buildAreaTree(t.ctx);
  // Registering needs the work scope (#16 item 7): the official is also the village's grid head.
  official = await signIn(
    t,
    await buildUser(t.ctx, {
      role: "township_official",
      areaCode: tree.township.code,
      posts: [{ role: "grid_head", areaCode: tree.village.code }],
    }),
  );
  worker = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code }));
  head = await signIn(t, await buildUser(t.ctx, { role: "grid_head", areaCode: tree.grid.code }));
});
afterAll(async () => {
  await t?.close();
});

async function sheetRows(bytes: Buffer): Promise<ExcelJS.Row[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const rows: ExcelJS.Row[] = [];
  wb.worksheets[0]?.eachRow((row) => {
    rows.push(row);
  });
  return rows;
}

const csvRows = (body: string) =>
  body
    .replace(/^\uFEFF/, "")
    .split("\r\n")
    .filter(Boolean)
    .map((l) => l.split(","));

describe("a masked ID number", () => {
  const ID = idNumber("45080219870623451");
  let personId: string;

  beforeAll(async () => {
    const created = await post(official, "/api/v1/people", {
      id: crypto.randomUUID(),
      name: "韦秀英",
      idNumber: ID,
      phone: "13977120001",
      gridCode: tree.grid.code,
    });
    expect(created.statusCode, created.body).toBe(201);
    personId = created.json().id;
  });

  it("together with everything else a worker is shown of the person leaves more than 1,000 numbers", async () => {
    const shown: {
      masks: string[];
      birthDate: string | null;
      birthYear: number | null;
      gender: "male" | "female" | null;
    } = { masks: [], birthDate: null, birthYear: null, gender: null };
    const see = (p: {
      idNumber: string;
      birthDate: string | null;
      birthYear?: number | null;
      gender: "male" | "female" | null;
    }) => {
      shown.masks.push(p.idNumber);
      shown.birthDate ??= p.birthDate;
      shown.birthYear ??= p.birthYear ?? null;
      shown.gender ??= p.gender;
    };
    const detail = await get(worker, `/api/v1/people/${personId}`);
    expect(detail.statusCode).toBe(200);
    see(detail.json());
    const list = await get(worker, `/api/v1/people?q=${encodeURIComponent("韦秀英")}`);
    expect(list.json()).toHaveLength(1);
    see(list.json()[0]);
    const csv = await post(worker, "/api/v1/people/export", { format: "csv", q: "韦秀英" });
    const [, row] = csvRows(csv.body);
    const [, gender, birth, , mask] = row as string[];
    shown.masks.push(mask as string);
    if (birth && birth.length === 10) shown.birthDate ??= birth;
    shown.birthYear ??= birth ? Number(birth.slice(0, 4)) : null;
    expect(gender).toBe("男");
    const xlsx = await post(worker, "/api/v1/people/export", { format: "xlsx", q: "韦秀英" });
    const cells = (await sheetRows(xlsx.rawPayload))[1]?.values as unknown[];
    shown.masks.push(String(cells[5]));
    if (String(cells[3]).length === 10) shown.birthDate ??= String(cells[3]);

    expect(shown.masks.every((m) => !m.includes(ID.slice(6)))).toBe(true);
    expect(shown.birthDate).toBeNull();
    expect(shown.birthYear).toBe(1987);
    const candidates = idNumberCandidates(shown, new Date());
    expect(candidates).toBeGreaterThan(1_000);
  });

  it("comes with the full birth date only for someone who may reveal the number", async () => {
    const detail = (await get(head, `/api/v1/people/${personId}`)).json();
    expect(detail).toMatchObject({ birthDate: "1987-06-23", birthYear: 1987, idNumber: "450802************" });
    const masked = await post(head, "/api/v1/people/export", { format: "csv", q: "韦秀英" });
    expect(csvRows(masked.body)[1]?.[2]).toBe("1987");
    const clear = await post(head, "/api/v1/people/export", {
      format: "csv",
      q: "韦秀英",
      reveal: true,
      reason: "核对",
    });
    expect(csvRows(clear.body)[1]?.slice(2, 5)).toEqual(["1987-06-23", "", ID]);
  });

  it("stored in the old form is masked again by the migration, from the mask alone", async () => {
    const id = uuidv7();
    await insertPeople(t.ctx.db, [
      {
        id,
        name: "旧掩码",
        ...nameKeys("旧掩码"),
        id_number_masked: "450802********123X",
        area_path: tree.grid.path,
        area_id: tree.grid.id,
        residence_status: "resident",
        party_member: false,
      },
    ]);
    await remask(t.ctx.db);
    const row = await t.ctx.db
      .selectFrom("person")
      .select("id_number_masked")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.id_number_masked).toBe("450802************");
  });
});

describe("searching by an exact number", () => {
  const PHONE = "13977130002";
  let personId: string;
  let guesser: Session;
  let guesserId: string;

  beforeAll(async () => {
    const created = await post(official, "/api/v1/people", {
      id: crypto.randomUUID(),
      name: "覃被查",
      phone: PHONE,
      gridCode: tree.grid.code,
    });
    personId = created.json().id;
    const user = await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code });
    guesserId = user.id;
    guesser = await signIn(t, user);
  });

  it("is audited without the number and shows in the access log of the person found", async () => {
    const found = await get(guesser, `/api/v1/people?q=${PHONE}`);
    expect(found.statusCode).toBe(200);
    expect(found.json().map((p: { id: string }) => p.id)).toEqual([personId]);
    const log = (await get(official, `/api/v1/people/${personId}/access-log`)).json();
    expect(log[0]).toMatchObject({ action: "search", fields: ["phone"] });
    const audit = await t.ctx.db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "person.search")
      .where("actor_user_id", "=", guesserId)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ outcome: "success", target_id: personId });
    expect(audit[0]?.details).toMatchObject({
      by: "phone",
      index: phoneIndex(t.ctx.crypto, PHONE),
      masked: "139****0002",
      found: 1,
    });
    expect(JSON.stringify(audit)).not.toContain(PHONE);
  });

  it(`allows ${LIMIT} in the window per user, then answers 429 and audits the refusal`, async () => {
    // One search made above; the guesses that miss count as much as the hits.
    for (let i = 1; i < LIMIT; i++) {
      const miss = await get(guesser, `/api/v1/people?q=1397713${String(1000 + i).padStart(4, "0")}`);
      expect(miss.statusCode).toBe(200);
    }
    const refused = await get(guesser, `/api/v1/people?q=${PHONE}`);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: "PERSON_NUMBER_SEARCH_LIMITED", errors: [{ path: "querystring.q" }] });
    const byId = await get(guesser, `/api/v1/people?q=${idNumber("45080219900101001")}`);
    expect(byId.statusCode).toBe(429);
    const exported = await post(guesser, "/api/v1/people/export", { format: "csv", q: PHONE });
    expect(exported.statusCode).toBe(429);
    // Names are not numbers: still searched, and another user has an allowance of their own.
    expect((await get(guesser, `/api/v1/people?q=${encodeURIComponent("覃被查")}`)).statusCode).toBe(200);
    expect((await get(worker, `/api/v1/people?q=${PHONE}`)).statusCode).toBe(200);
    const denied = await t.ctx.db
      .selectFrom("audit_log")
      .select(["outcome", "details"])
      .where("action", "=", "person.search")
      .where("actor_user_id", "=", guesserId)
      .where("outcome", "=", "denied")
      .execute();
    expect(denied.length).toBe(3);
    expect(JSON.stringify(denied)).not.toContain(PHONE);
  });

  it("allows searches again once the window has passed", async () => {
    t.clock.advanceMinutes(11);
    expect((await get(guesser, `/api/v1/people?q=${PHONE}`)).statusCode).toBe(200);
  });

  it("holds the limit for searches sent all at once", async () => {
    const eager = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code }));
    const answers = await Promise.all(
      Array.from({ length: LIMIT * 2 }, (_, i) => get(eager, `/api/v1/people?q=1397714${String(i).padStart(4, "0")}`)),
    );
    const codes = answers.map((a) => a.statusCode).sort();
    expect(codes.filter((c) => c === 200)).toHaveLength(LIMIT);
    expect(codes.filter((c) => c === 429)).toHaveLength(LIMIT);
  });
});

describe("a CSV export", () => {
  it("puts an apostrophe before cells a spreadsheet would read as a formula; XLSX keeps them as text", async () => {
    const names = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", '=HYPERLINK("http://x.invalid","点我")'];
    for (const name of names) {
      const res = await post(official, "/api/v1/people", { id: crypto.randomUUID(), name, gridCode: tree.grid.code });
      expect(res.statusCode, res.body).toBe(201);
    }
    const csv = await post(official, "/api/v1/people/export", { format: "csv", gridCode: tree.grid.code });
    expect(csv.statusCode, csv.body).toBe(200);
    const lines = csv.body.replace(/^\uFEFF/, "").split("\r\n");
    expect(lines).toContain(`'=1+2,,,,,,常住,否,${tree.grid.code},`);
    expect(lines.some((l) => l.startsWith("'+SUM(A1),"))).toBe(true);
    expect(lines.some((l) => l.startsWith("'-2+3,"))).toBe(true);
    expect(lines.some((l) => l.startsWith("'@cmd,"))).toBe(true);
    expect(lines.some((l) => l.startsWith(`"'=HYPERLINK(""http://x.invalid"",""点我"")",`))).toBe(true);
    expect(lines.filter((l) => /^[=+\-@]/.test(l))).toEqual([]);
    const xlsx = await post(official, "/api/v1/people/export", { format: "xlsx", gridCode: tree.grid.code });
    const cells = (await sheetRows(xlsx.rawPayload)).map((r) => r.getCell(1));
    const formulaLike = cells.filter((c) => names.includes(String(c.value)));
    expect(formulaLike).toHaveLength(names.length);
    for (const c of formulaLike) {
      expect(c.type).toBe(ExcelJS.ValueType.String);
      expect(c.numFmt).toBe("@"); // and stays text when someone edits the cell
    }
    expect(xlsx.rawPayload.includes(Buffer.from("<f>"))).toBe(false);
  });
});

describe("paging", () => {
  const SURNAMES = ["张", "赵", "周", "郑", "朱"];
  const GIVEN = [
    "华",
    "红",
    "海",
    "辉",
    "宏",
    "三",
    "四",
    "明",
    "伟",
    "杰",
    "芳",
    "丽",
    "强",
    "军",
    "平",
    "刚",
    "勇",
    "敏",
    "静",
    "磊",
  ];
  let grid: { code: string; id: string; path: string };
  let people: { id: string; name: string; name_pinyin: string; name_initials: string }[];
  let pager: Session;

  beforeAll(async () => {
    const other = await buildAreaTree(t.ctx);
    grid = other.grid;
    const names = SURNAMES.flatMap((s) => [
      ...GIVEN.map((g) => `${s}${g}`),
      ...GIVEN.flatMap((g1) => GIVEN.map((g2) => `${s}${g1}${g2}`)),
    ]);
    people = names.map((name) => ({ id: uuidv7(), name, ...nameKeys(name) }));
    await insertPeople(
      t.ctx.db,
      [...people, { id: uuidv7(), name: "李四", ...nameKeys("李四") }].map((p) => ({
        ...p,
        name_chars: nameKeys(p.name).name_chars,
        area_path: grid.path,
        area_id: grid.id,
        residence_status: "resident" as const,
        party_member: false,
      })),
    );
    pager = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: other.township.code }));
  });

  /** The one order of a pinyin search: initials matches, then the other full-pinyin matches; by key, then id. */
  const ordered = (prefix: string) =>
    people
      .flatMap((p) => {
        if (p.name_initials.startsWith(prefix)) return [{ ...p, rank: 0, key: p.name_initials }];
        if (p.name_pinyin.startsWith(prefix)) return [{ ...p, rank: 1, key: p.name_pinyin }];
        return [];
      })
      .sort((a, b) => a.rank - b.rank || (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : 1))
      .map((p) => p.id);

  it("gives pages 2 and 3 of a pinyin search exactly as the full ordered set continues, by cursor or offset", async () => {
    const all = ordered("zh");
    // Both halves of the search have people in them.
    expect(people.filter((p) => p.name_initials.startsWith("zh")).length).toBeGreaterThan(100);
    expect(people.filter((p) => !p.name_initials.startsWith("zh")).length).toBeGreaterThan(100);
    const ids = (res: { json(): unknown }) => (res.json() as { id: string }[]).map((p) => p.id);
    let cursor: string | undefined;
    const pages: string[][] = [];
    for (let page = 0; page < 3; page++) {
      const res = await get(pager, `/api/v1/people?q=zh&limit=50${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.statusCode, res.body).toBe(200);
      pages.push(ids(res));
      cursor = res.headers["x-next-cursor"] as string;
      expect(cursor).toBeTruthy();
    }
    expect(pages[1]).toEqual(all.slice(50, 100));
    expect(pages[2]).toEqual(all.slice(100, 150));
    for (const [page, offset] of [
      [1, 50],
      [2, 100],
    ] as const)
      expect(ids(await get(pager, `/api/v1/people?q=zh&limit=50&offset=${offset}`))).toEqual(pages[page]);
    // Where the initials end and the full-pinyin matches begin.
    const boundary = people.filter((p) => p.name_initials.startsWith("zh")).length;
    const across = await get(pager, `/api/v1/people?q=zh&limit=100&offset=${boundary - 50}`);
    expect(ids(across)).toEqual(all.slice(boundary - 50, boundary + 50));
  });

  it("walks every page of a search to the end, each person once, and says when it ends", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 20; i++) {
      const res = await get(pager, `/api/v1/people?q=zhh&limit=200${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...(res.json() as { id: string }[]).map((p) => p.id));
      cursor = res.headers["x-next-cursor"] as string | undefined;
      if (!cursor) break;
    }
    expect(seen).toEqual(ordered("zhh"));
    const bad = await get(pager, "/api/v1/people?q=zh&cursor=not-a-cursor");
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: "REGISTRY_CURSOR_INVALID", errors: [{ path: "querystring.cursor" }] });
  });

  it("exports more people than one page holds, each exactly once, in CSV and XLSX", async () => {
    expect(people.length).toBeGreaterThan(2_000);
    const csv = await post(pager, "/api/v1/people/export", { format: "csv", q: "zh" });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["x-row-count"]).toBe(String(people.length));
    const names = csvRows(csv.body)
      .slice(1)
      .map((r) => r[0]);
    expect(names).toHaveLength(people.length);
    expect(new Set(names)).toEqual(new Set(people.map((p) => p.name)));
    const xlsx = await post(pager, "/api/v1/people/export", { format: "xlsx", gridCode: grid.code });
    const rows = (await sheetRows(xlsx.rawPayload)).slice(1).map((r) => String(r.getCell(1).value));
    expect(rows).toHaveLength(people.length + 1);
    expect(new Set(rows).size).toBe(people.length + 1);
  });
});
