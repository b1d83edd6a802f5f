import { checkCharacter, systemPrincipal } from "@wangge/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";
import { ensureArea } from "../areas/areas.service.ts";
import { createPerson } from "./people.service.ts";

/**
 * One record per ID number (and per household number), without a free answer to "is this number
 * registered anywhere?": a writer who may see the record holding it is told which it is; anyone else
 * is refused in the same words wherever it is, audited, and each such refusal is a look-up from the
 * same allowance as searches by number (here 3 per window).
 */
let t: TestApp;
let tree: AreaTree;
let gridB: string;
let workerA: Session & { id: string };

const id18 = (first17: string) => `${first17}${checkCharacter(first17)}`;
/** Registered in grid A (which grid B's workers cannot see) and in another township. */
const IN_GRID_A = id18("45080219800101001");
const ELSEWHERE = id18("45080219810202002");
let personInA = "";
/** Fresh numbers no one has registered: a different sequence for each call. */
let sequence = 100;
const fresh = () => id18(`45080219900101${String(sequence++).padStart(3, "0")}`);

const post = (session: Session, url: string, payload: Record<string, unknown>) =>
  t.app.inject({ method: "POST", url, headers: session.headers, payload });
const register = (session: Session, idNumber: string, gridCode: string) =>
  post(session, "/api/v1/people", { id: crypto.randomUUID(), name: "王五", idNumber, gridCode });
const workerOf = async (gridCode: string) => {
  const user = await buildUser(t.ctx, { role: "grid_worker", areaCode: gridCode });
  return { ...(await signIn(t, user)), id: user.id };
};
/** The parts of a problem that could differ between two refusals (not its request id or path). */
const told = (res: { statusCode: number; json(): Record<string, unknown> }) => {
  const { status, code, detail, errors } = res.json();
  return { httpStatus: res.statusCode, status, code, detail, errors };
};

beforeAll(async () => {
  t = await buildTestApp({ WANGGE_NUMBER_SEARCHES: "3", WANGGE_NUMBER_SEARCH_MINUTES: "10" });
  tree = await buildAreaTree(t.ctx);
  gridB = (
    await ensureArea(t.ctx.db, {
      code: `${tree.village.code}G02`,
      name: "二网格",
      level: "grid",
      parentCode: tree.village.code,
    })
  ).code;
  workerA = await workerOf(tree.grid.code);
  const created = await register(workerA, IN_GRID_A, tree.grid.code);
  expect(created.statusCode, created.body).toBe(201);
  personInA = created.json().id;
  await createPerson(
    t.ctx,
    systemPrincipal(),
    { requestId: "test", ip: null, userAgent: null },
    { id: crypto.randomUUID(), name: "邻镇人", idNumber: ELSEWHERE, gridCode: tree.otherGrid.code },
  );
});
afterAll(async () => {
  await t?.close();
});

describe("registering an ID number already registered", () => {
  it("names the person to a writer who may see them, with the record to open, and logs the look-up", async () => {
    const res = await post(workerA, "/api/v1/people", {
      id: crypto.randomUUID(),
      name: "张三",
      idNumber: IN_GRID_A,
      gridCode: tree.grid.code,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: "PERSON_ID_NUMBER_TAKEN",
      errors: [
        {
          path: "body.idNumber",
          message: `already registered: person 王* in ${tree.grid.code}`,
          record: { type: "person", id: personInA },
        },
      ],
    });
    const log = await t.app.inject({
      method: "GET",
      url: `/api/v1/people/${personInA}/access-log`,
      headers: workerA.headers,
    });
    expect(log.json()).toContainEqual(expect.objectContaining({ action: "search", fields: ["idNumber"] }));
  });

  it("refuses it out of the writer's sight in the same words wherever it is, audited, as a look-up", async () => {
    const workerB = await workerOf(gridB);
    const sameVillage = await register(workerB, IN_GRID_A, gridB);
    const otherTownship = await register(workerB, ELSEWHERE, gridB);
    expect(told(sameVillage)).toEqual(told(otherTownship));
    expect(told(sameVillage)).toMatchObject({
      httpStatus: 409,
      code: "REGISTRY_NUMBER_REFUSED",
      errors: [
        {
          path: "body.idNumber",
          message: "this ID number cannot be registered here; contact the township registry office",
        },
      ],
    });
    for (const res of [sameVillage, otherTownship]) {
      expect(res.body).not.toContain(personInA);
      expect(res.body).not.toContain(tree.grid.code);
      expect(res.body).not.toContain("王");
    }
    const denied = await t.ctx.db
      .selectFrom("audit_log")
      .select(["outcome", "details"])
      .where("action", "=", "person.create")
      .where("actor_user_id", "=", workerB.id)
      .execute();
    expect(denied).toHaveLength(2);
    expect(denied[0]).toMatchObject({
      outcome: "denied",
      details: {
        by: "idNumber",
        masked: "450802************",
        holder: { type: "person", id: personInA },
        toldWhere: false,
      },
    });
    expect(JSON.stringify(denied)).not.toContain(IN_GRID_A);

    // The third refusal spends the allowance; from then on every registration with an ID number is
    // refused alike — a new number as much as a registered one — so the refusals stop telling.
    expect((await register(workerB, IN_GRID_A, gridB)).json().code).toBe("REGISTRY_NUMBER_REFUSED");
    const number = fresh();
    const newOne = await register(workerB, number, gridB);
    const registeredOne = await register(workerB, ELSEWHERE, gridB);
    expect(told(newOne)).toEqual(told(registeredOne));
    expect(told(newOne)).toMatchObject({
      httpStatus: 429,
      code: "PERSON_NUMBER_SEARCH_LIMITED",
      errors: [{ path: "body.idNumber" }],
    });
    expect(await t.ctx.db.selectFrom("person").select("id").where("created_by", "=", workerB.id).execute()).toEqual([]);
    // A search by number draws on the same allowance.
    const search = await t.app.inject({
      method: "GET",
      url: `/api/v1/people?q=${number}`,
      headers: workerB.headers,
    });
    expect(search.json().code).toBe("PERSON_NUMBER_SEARCH_LIMITED");

    t.clock.advanceMinutes(11);
    try {
      expect((await register(workerB, number, gridB)).statusCode).toBe(201);
    } finally {
      t.clock.advanceMinutes(-11);
    }
  });

  it("counts nothing when the number is new: the registration is the record", async () => {
    const workerC = await workerOf(gridB);
    for (let i = 0; i < 5; i++) expect((await register(workerC, fresh(), gridB)).statusCode).toBe(201);
  });
});

describe("correcting an ID number", () => {
  it("is a look-up whatever it finds, and a number out of sight is refused like a registration", async () => {
    const workerD = await workerOf(gridB);
    const created = await register(workerD, fresh(), gridB);
    const id = created.json().id as string;
    const patch = (idNumber: string) =>
      t.app.inject({ method: "PATCH", url: `/api/v1/people/${id}`, headers: workerD.headers, payload: { idNumber } });
    expect((await patch(IN_GRID_A)).json().code).toBe("REGISTRY_NUMBER_REFUSED");
    expect((await patch(fresh())).statusCode).toBe(200);
    expect((await patch(fresh())).statusCode).toBe(200);
    const before = await t.ctx.db.selectFrom("person").select("id_number_bidx").where("id", "=", id).executeTakeFirst();
    const limited = await patch(fresh());
    expect({ status: limited.statusCode, code: limited.json().code }).toEqual({
      status: 429,
      code: "PERSON_NUMBER_SEARCH_LIMITED",
    });
    const after = await t.ctx.db.selectFrom("person").select("id_number_bidx").where("id", "=", id).executeTakeFirst();
    expect(after).toEqual(before);
  });
});

describe("household numbers", () => {
  const household = async (session: Session, gridCode: string, ref: string) => {
    const placeId = crypto.randomUUID();
    const place = await post(session, "/api/v1/places", {
      id: placeId,
      divisionCode: tree.village.code,
      road: "户号路",
      houseNumber: String(sequence++),
      gridCode,
    });
    expect(place.statusCode, place.body).toBe(201);
    return post(session, "/api/v1/households", { id: crypto.randomUUID(), placeId, ref });
  };

  let heldInA = "";
  it("are named to whoever may see the household holding one, and refused in the same words to anyone else", async () => {
    const first = await household(workerA, tree.grid.code, "HN-0001");
    expect(first.statusCode, first.body).toBe(201);
    heldInA = first.json().id;
    const again = await household(workerA, tree.grid.code, "HN-0001");
    expect(again.json()).toMatchObject({
      code: "VALIDATION_FAILED",
      errors: [{ path: "body.ref", record: { type: "household", id: heldInA } }],
    });
    const workerF = await workerOf(gridB);
    const refused = await household(workerF, gridB, "HN-0001");
    expect(told(refused)).toMatchObject({
      httpStatus: 409,
      code: "REGISTRY_NUMBER_REFUSED",
      errors: [
        {
          path: "body.ref",
          message: "this household number cannot be registered here; contact the township registry office",
        },
      ],
    });
    expect(refused.body).not.toContain(heldInA);
  });

  it("in an import, refuse rows that would register or join what the importer may not see, each a look-up, and audit the import with their count", async () => {
    const importer = await workerOf(gridB);
    const header =
      "姓名*,性别,出生日期,民族,证件号码*,手机号码,户编号,与户主关系,村社区代码*,街路巷或自然村,门牌号,网格代码,标签";
    const csv = [
      header,
      `甲,男,,汉族,${IN_GRID_A},,,,${tree.village.code},导入路,1,${gridB},`,
      `乙,男,,汉族,${fresh()},,HN-0001,子女,${tree.village.code},导入路,2,${gridB},`,
      `丙,女,,汉族,${fresh()},,HN-0002,户主,${tree.village.code},导入路,3,${gridB},`,
    ].join("\r\n");
    const id = crypto.randomUUID();
    const upload = await t.app.inject({
      method: "POST",
      url: `/api/v1/imports/people?id=${id}&fileName=people.csv`,
      headers: { ...importer.headers, "content-type": "text/csv" },
      payload: csv,
    });
    expect(upload.statusCode, upload.body).toBe(202);
    let job: Record<string, unknown> = {};
    for (let i = 0; i < 200 && job.status !== "done" && job.status !== "failed"; i++) {
      await new Promise((r) => setTimeout(r, 25));
      job = (await t.app.inject({ method: "GET", url: `/api/v1/imports/${id}`, headers: importer.headers })).json();
    }
    expect(job).toMatchObject({ status: "done", created: 1, rejected: 2 });
    // Nobody joined the household out of sight.
    const members = await t.ctx.db.selectFrom("person").select("id").where("household_id", "=", heldInA).execute();
    expect(members).toEqual([]);
    const finished = await t.ctx.db
      .selectFrom("audit_log")
      .select("details")
      .where("action", "=", "person.import.finish")
      .where("target_id", "=", id)
      .executeTakeFirstOrThrow();
    expect(finished.details).toMatchObject({ created: 1, rejected: 2, refusedNumbers: 2 });
    // Each refusal is a look-up from the importer's allowance (people-import-refusals.test.ts has the rest).
    const lookups = await t.ctx.db
      .selectFrom("person_lookup")
      .select("id")
      .where("user_id", "=", importer.id)
      .execute();
    expect(lookups).toHaveLength(2);
  });
});
