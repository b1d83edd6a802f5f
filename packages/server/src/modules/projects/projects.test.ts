import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { up as keepAcceptances } from "../../db/migrations/2026_12_11_1000_create_project_acceptance.ts";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";

/** Livelihood projects (民生项目): drafts, publication, corrections with a reason, milestones, photos, acceptance, questions. */
let t: TestApp;
let tree: AreaTree;
let village: Session;
let township: Session;
let farTownship: Session;
let resident: Session;

const PHONE = "13877125678";
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

/** A JPEG with an EXIF block holding a GPS pointer, as a phone writes it (the image data is a stub). */
function jpegWithGps(): Buffer {
  const u16be = (n: number) => {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(n);
    return b;
  };
  const tiff = Buffer.alloc(26);
  tiff.write("II", 0, "latin1");
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4);
  tiff.writeUInt16LE(1, 8);
  tiff.writeUInt16LE(0x8825, 10); // GPSInfo
  tiff.writeUInt16LE(4, 12);
  tiff.writeUInt32LE(1, 14);
  tiff.writeUInt32LE(26, 18);
  const exif = Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1]), u16be(exif.length + 2), exif]);
  const dqt = Buffer.concat([Buffer.from([0xff, 0xdb]), u16be(4), Buffer.from([0, 1])]);
  const sos = Buffer.from([0xff, 0xda, 0, 2, 1, 2, 3, 4, 0xff, 0xd9]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app1, dqt, sos]);
}

const inject = (session: Session | null, method: "GET" | "POST" | "PUT" | "DELETE", url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: session?.headers ?? {},
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

const upload = (session: Session, projectId: string, fileId: string, data: Buffer, type: string, query = "") =>
  t.app.inject({
    method: "PUT",
    url: `/api/v1/projects/${projectId}/files/${fileId}?fileName=photo${query}`,
    headers: { ...session.headers, "content-type": type },
    payload: data,
  });

const SIGNED = [
  { role: "owner", unit: "那坡村民委员会" },
  { role: "contractor", unit: "贵港市港北区宏达路桥工程有限公司" },
  { role: "authority", unit: "港北区交通运输局" },
];

/** Marks every milestone of a project done. */
async function finish(projectId: string, milestones: readonly string[]) {
  for (const id of milestones)
    expect(
      (
        await inject(village, "PUT", `/api/v1/projects/${projectId}/milestones/${id}`, {
          title: "路基平整",
          plannedOn: "2026-10-15",
          actualOn: "2026-10-20",
          status: "done",
        })
      ).statusCode,
    ).toBe(200);
}

const project = (over: Record<string, unknown> = {}) => ({
  id: crypto.randomUUID(),
  areaCode: tree.village.code,
  title: "那坡屯至六塘屯村道硬化",
  body: "硬化村道 2.3 公里，路面宽 4.5 米。",
  budgetFen: 86_500_050,
  fundingSource: "衔接推进乡村振兴补助资金",
  contractor: "贵港市港北区宏达路桥工程有限公司",
  startOn: "2026-09-01",
  plannedEndOn: "2026-12-31",
  ...over,
});
const content = ({ id: _, areaCode: __, ...rest }: ReturnType<typeof project>) => rest;

/** A project with two milestones, published. */
async function published(over: Record<string, unknown> = {}) {
  const input = project(over);
  expect((await inject(village, "POST", "/api/v1/projects", input)).statusCode).toBe(201);
  const milestones = [crypto.randomUUID(), crypto.randomUUID()];
  await inject(village, "POST", `/api/v1/projects/${input.id}/milestones`, {
    id: milestones[0],
    title: "路基平整",
    plannedOn: "2026-10-15",
  });
  await inject(village, "POST", `/api/v1/projects/${input.id}/milestones`, {
    id: milestones[1],
    title: "混凝土路面浇筑",
    plannedOn: "2026-12-15",
  });
  expect((await inject(village, "POST", `/api/v1/projects/${input.id}/publish`)).statusCode).toBe(200);
  return { input, milestones: milestones as [string, string] };
}

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

describe("livelihood projects", () => {
  it("creates one project from parallel retries, keeps the draft from the public, and publishes it with its milestones", async () => {
    const input = project();
    const tries = await Promise.all(
      Array.from({ length: 6 }, () => inject(village, "POST", "/api/v1/projects", input)),
    );
    expect(tries.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(tries.map((r) => r.json().id))).toEqual(new Set([input.id]));
    expect(tries[0]?.json().stage).toBe("draft");
    expect((await inject(null, "GET", `/api/v1/projects/${input.id}`)).statusCode).toBe(404);
    const early = await inject(village, "POST", `/api/v1/projects/${input.id}/publish`);
    expect([early.statusCode, early.json().code]).toEqual([409, "PROJECT_NO_MILESTONES"]);
    const m = { id: crypto.randomUUID(), title: "路基平整", plannedOn: "2026-10-15" };
    const added = await Promise.all(
      [1, 2, 3].map(() => inject(village, "POST", `/api/v1/projects/${input.id}/milestones`, m)),
    );
    expect(added.map((r) => r.statusCode).sort()).toEqual([200, 200, 201]);
    expect(added[0]?.json().milestones).toHaveLength(1);
    const pub = await inject(village, "POST", `/api/v1/projects/${input.id}/publish`);
    expect([pub.statusCode, pub.json().version, pub.json().stage]).toEqual([200, 1, "not_started"]);
    // Publishing again is a retry, not a second version.
    expect((await inject(village, "POST", `/api/v1/projects/${input.id}/publish`)).json().version).toBe(1);
    const read = (await inject(null, "GET", `/api/v1/projects/${input.id}`)).json();
    expect(read).toMatchObject({ budgetFen: 86_500_050, fundingSource: input.fundingSource, version: 1, earlier: [] });
    expect(read.milestones.map((x: { title: string }) => x.title)).toEqual(["路基平整"]);
    const listed = (await inject(null, "GET", `/api/v1/projects?areaCode=${tree.village.code}`)).json();
    expect(listed.map((p: { id: string }) => p.id)).toContain(input.id);
    const far = (await inject(null, "GET", `/api/v1/projects?areaCode=${tree.otherTownship.code}`)).json();
    expect(far.map((p: { id: string }) => p.id)).not.toContain(input.id);
  });

  it("changes a published project's budget only with a reason, keeping the earlier version for residents", async () => {
    const { input } = await published();
    const body = { ...content(input), budgetFen: 91_000_000 };
    const bare = await inject(village, "PUT", `/api/v1/projects/${input.id}`, body);
    expect(bare.statusCode).toBe(400);
    expect(bare.json().errors.map((e: { path: string }) => e.path)).toEqual(["body.reason"]);
    const reason = `增加排水沟 300 米，经村民代表会议通过，联系人 ${PHONE}`;
    const corrected = await inject(village, "PUT", `/api/v1/projects/${input.id}`, { ...body, reason });
    expect([corrected.statusCode, corrected.json().version]).toEqual([200, 2]);
    // The same correction again is a retry.
    expect((await inject(village, "PUT", `/api/v1/projects/${input.id}`, { ...body, reason })).json().version).toBe(2);
    const read = (await inject(null, "GET", `/api/v1/projects/${input.id}`)).json();
    expect(read.budgetFen).toBe(91_000_000);
    expect(read.correctionReason).toBe("增加排水沟 300 米，经村民代表会议通过，联系人 138****5678");
    expect(read.earlier.map((v: { version: number; budgetFen: number }) => [v.version, v.budgetFen])).toEqual([
      [1, 86_500_050],
    ]);
    expect(read.earlier[0].publishedBy).toBeNull();
    const nothing = await inject(village, "PUT", `/api/v1/projects/${input.id}`, { ...body, reason: "再次核对" });
    expect(nothing.json().errors[0].message).toBeTruthy();
    expect(nothing.statusCode).toBe(400);
  });

  it("records the acceptance only once every milestone is done, with this project's document, and then closes it", async () => {
    const { input, milestones } = await published({ title: "六塘屯饮水安全巩固提升" });
    const acceptance = {
      id: crypto.randomUUID(),
      acceptedOn: "2026-11-20",
      acceptedBy: "港北区水利局、镇人民政府联合验收组",
      result: "passed",
      signatories: SIGNED,
    };
    const open = await inject(village, "POST", `/api/v1/projects/${input.id}/acceptances`, acceptance);
    expect([open.statusCode, open.json().code]).toEqual([409, "PROJECT_MILESTONES_OPEN"]);
    const undated = await inject(village, "PUT", `/api/v1/projects/${input.id}/milestones/${milestones[0]}`, {
      title: "路基平整",
      plannedOn: "2026-10-15",
      status: "done",
    });
    expect(undated.json().errors.map((e: { path: string }) => e.path)).toEqual(["body.actualOn"]);
    for (const [i, id] of milestones.entries())
      expect(
        (
          await inject(village, "PUT", `/api/v1/projects/${input.id}/milestones/${id}`, {
            title: i === 0 ? "路基平整" : "混凝土路面浇筑",
            plannedOn: "2026-10-15",
            actualOn: "2026-10-20",
            status: "done",
          })
        ).json().stage,
      ).toBe(i === 0 ? "under_way" : "awaiting_acceptance");
    const photo = crypto.randomUUID();
    await upload(village, input.id, photo, PNG, "image/png");
    const doc = crypto.randomUUID();
    expect((await upload(village, input.id, doc, PNG, "image/png", "&purpose=acceptance")).statusCode).toBe(201);
    const wrongDoc = await inject(village, "POST", `/api/v1/projects/${input.id}/acceptances`, {
      ...acceptance,
      documentFileId: photo,
    });
    expect(wrongDoc.json().errors.map((e: { path: string }) => e.path)).toEqual(["body.documentFileId"]);
    const done = await inject(village, "POST", `/api/v1/projects/${input.id}/acceptances`, {
      ...acceptance,
      documentFileId: doc,
    });
    expect([done.statusCode, done.json().stage, done.json().acceptances[0].document.id]).toEqual([
      201,
      "completed",
      doc,
    ]);
    const read = (await inject(null, "GET", `/api/v1/projects/${input.id}`)).json();
    expect(read.acceptances).toMatchObject([{ number: 1, result: "passed", acceptedBy: acceptance.acceptedBy }]);
    expect(read.photos.map((f: { id: string }) => f.id)).toEqual([photo]);
    expect((await inject(null, "GET", `/api/v1/projects/${input.id}/files/${doc}`)).statusCode).toBe(200);
    const closed = await inject(village, "PUT", `/api/v1/projects/${input.id}`, {
      ...content(input),
      budgetFen: 1,
      reason: "结算",
    });
    expect([closed.statusCode, closed.json().code]).toEqual([409, "PROJECT_ACCEPTED"]);
    const draft = project();
    await inject(village, "POST", "/api/v1/projects", draft);
    const unpublished = await inject(village, "POST", `/api/v1/projects/${draft.id}/acceptances`, {
      ...acceptance,
      id: crypto.randomUUID(),
    });
    expect(unpublished.json().code).toBe("PROJECT_NOT_PUBLISHED");
  });

  it("strips a photo's location, serves it publicly only once published, and refuses what is not a photo", async () => {
    const input = project({ title: "太阳能路灯安装" });
    await inject(village, "POST", "/api/v1/projects", input);
    const fileId = crypto.randomUUID();
    const up = await upload(village, input.id, fileId, jpegWithGps(), "image/jpeg", "&caption=%E7%AB%8B%E6%9D%86");
    expect(up.statusCode).toBe(201);
    expect((await upload(village, input.id, fileId, jpegWithGps(), "image/jpeg")).statusCode).toBe(200);
    expect((await upload(village, input.id, fileId, PNG, "image/png")).json().code).toBe("PROJECT_ID_CONFLICT");
    expect((await inject(null, "GET", `/api/v1/projects/${input.id}/files/${fileId}`)).statusCode).toBe(404);
    const staff = await inject(village, "GET", `/api/v1/projects/${input.id}/manage/files/${fileId}`);
    expect(staff.statusCode).toBe(200);
    expect(staff.rawPayload.equals(jpegWithGps())).toBe(false);
    expect(staff.rawPayload.includes(Buffer.from("Exif\0\0", "latin1"))).toBe(false);
    const text = await upload(village, input.id, crypto.randomUUID(), Buffer.from("hello"), "application/octet-stream");
    expect([text.statusCode, text.json().code]).toEqual([422, "PROJECT_FILE_REJECTED"]);
    const stray = await upload(
      village,
      input.id,
      crypto.randomUUID(),
      PNG,
      "image/png",
      `&milestoneId=${crypto.randomUUID()}`,
    );
    expect([stray.statusCode, stray.json().code]).toEqual([404, "PROJECT_MILESTONE_NOT_FOUND"]);
  });

  it("keeps projects to their area's staff: refused to residents, forbidden to officials above, unknown elsewhere", async () => {
    const { input } = await published({ title: "村委会门前广场太阳能路灯" });
    expect((await inject(null, "POST", "/api/v1/projects", project())).statusCode).toBe(401);
    const byResident = await inject(resident, "POST", "/api/v1/projects", project());
    expect([byResident.statusCode, byResident.json().code]).toEqual([403, "AUTH_FORBIDDEN"]);
    const above = await inject(township, "PUT", `/api/v1/projects/${input.id}`, { ...content(input), reason: "核减" });
    expect([above.statusCode, above.json().code]).toEqual([403, "AUTH_FORBIDDEN"]);
    expect((await inject(township, "GET", `/api/v1/projects/${input.id}/manage`)).statusCode).toBe(200);
    const far = await inject(farTownship, "GET", `/api/v1/projects/${input.id}/manage`);
    expect([far.statusCode, far.json().code]).toEqual([404, "PROJECT_NOT_FOUND"]);
    expect((await inject(farTownship, "GET", "/api/v1/projects/manage")).json()).toEqual([]);
    const unknown = await inject(village, "POST", `/api/v1/projects/${crypto.randomUUID()}/publish`);
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, "PROJECT_NOT_FOUND"]);
    const grid = await inject(village, "POST", "/api/v1/projects", project({ areaCode: tree.grid.code }));
    expect(grid.statusCode).toBe(403);
    const farArea = await inject(village, "POST", "/api/v1/projects", project({ areaCode: tree.otherTownship.code }));
    expect([farArea.statusCode, farArea.json().code]).toEqual([404, "AREA_NOT_FOUND"]);
    const cents = await inject(village, "POST", "/api/v1/projects", project({ budgetFen: 12.5 }));
    expect([cents.statusCode, cents.json().code]).toEqual([400, "VALIDATION_FAILED"]);
    const late = await inject(village, "POST", "/api/v1/projects", project({ plannedEndOn: "2026-08-01" }));
    expect(late.json().errors.map((e: { path: string }) => e.path)).toEqual(["body.plannedEndOn"]);
    const township2 = project({ areaCode: tree.township.code, title: "镇区污水管网改造" });
    expect((await inject(township, "POST", "/api/v1/projects", township2)).statusCode).toBe(201);
    // An id of a project out of sight: not found, no hint that it exists.
    const hidden = await inject(village, "POST", "/api/v1/projects", township2);
    expect([hidden.statusCode, hidden.json().code]).toEqual([404, "PROJECT_NOT_FOUND"]);
    // Another official of the same village reusing the id does not get it.
    const colleague = await signIn(
      t,
      await buildUser(t.ctx, { role: "village_official", areaCode: tree.village.code }),
    );
    const stolen = await inject(colleague, "POST", "/api/v1/projects", { ...input, title: "另一个项目" });
    expect([stolen.statusCode, stolen.json().code]).toEqual([409, "PROJECT_ID_CONFLICT"]);
  });
});

describe("the acceptance history of a project", () => {
  const failedOne = () => ({
    id: crypto.randomUUID(),
    acceptedOn: "2026-11-18",
    acceptedBy: "港北区交通运输局、镇人民政府联合验收组",
    result: "failed",
    note: `路面平整度抽检不合格，联系人 ${PHONE}`,
    rectifications: ["K0+300 至 K0+450 段路面裂缝处理", "补齐路肩培土 120 米"],
    signatories: SIGNED,
  });
  const passedOne = () => ({
    id: crypto.randomUUID(),
    acceptedOn: "2026-11-28",
    acceptedBy: "港北区交通运输局、镇人民政府联合验收组",
    result: "passed",
    note: "整改完成，复验合格。",
    signatories: SIGNED,
  });

  it("keeps a failed acceptance in the public record, in order before the passed one, and locks the project only after the pass", async () => {
    const { input, milestones } = await published({ title: "那坡屯村道硬化（验收记录）" });
    await finish(input.id, milestones);
    const doc = crypto.randomUUID();
    expect((await upload(village, input.id, doc, PNG, "image/png", "&purpose=acceptance")).statusCode).toBe(201);
    const failed = await inject(village, "POST", `/api/v1/projects/${input.id}/acceptances`, {
      ...failedOne(),
      documentFileId: doc,
    });
    expect([failed.statusCode, failed.json().stage]).toEqual([201, "rectifying"]);
    // A failed acceptance does not close the record: the village corrects, reopens and redoes a milestone.
    const corrected = await inject(village, "PUT", `/api/v1/projects/${input.id}`, {
      ...content(input),
      budgetFen: 88_000_000,
      reason: "验收整改增加路肩培土",
    });
    expect(corrected.statusCode).toBe(200);
    expect((await upload(village, input.id, crypto.randomUUID(), PNG, "image/png")).statusCode).toBe(201);
    // The document of a recorded acceptance stays, a failed one's too.
    const keep = await inject(village, "DELETE", `/api/v1/projects/${input.id}/files/${doc}`);
    expect([keep.statusCode, keep.json().code]).toEqual([409, "PROJECT_ACCEPTED"]);
    const earlier = await inject(village, "POST", `/api/v1/projects/${input.id}/acceptances`, {
      ...passedOne(),
      acceptedOn: "2026-11-17",
    });
    expect([earlier.statusCode, earlier.json().errors.map((e: { path: string }) => e.path)]).toEqual([
      400,
      ["body.acceptedOn"],
    ]);
    const passed = await inject(village, "POST", `/api/v1/projects/${input.id}/acceptances`, passedOne());
    expect([passed.statusCode, passed.json().stage]).toEqual([201, "completed"]);

    const history = (await inject(null, "GET", `/api/v1/projects/${input.id}/acceptances`)).json();
    expect(
      history.map((a: { number: number; result: string; acceptedOn: string }) => [a.number, a.result, a.acceptedOn]),
    ).toEqual([
      [1, "failed", "2026-11-18"],
      [2, "passed", "2026-11-28"],
    ]);
    expect(history[0]).toMatchObject({
      note: "路面平整度抽检不合格，联系人 138****5678",
      rectifications: ["K0+300 至 K0+450 段路面裂缝处理", "补齐路肩培土 120 米"],
      signatories: SIGNED,
      document: { id: doc },
    });
    expect(history[1]).toMatchObject({ rectifications: [], document: null });
    const page = (await inject(resident, "GET", `/api/v1/projects/${input.id}`)).json();
    expect(page.acceptances).toEqual(history);
    expect((await inject(null, "GET", `/api/v1/projects/${input.id}/files/${doc}`)).statusCode).toBe(200);
    // Now it is closed: no change, no further acceptance.
    const again = await inject(village, "POST", `/api/v1/projects/${input.id}/acceptances`, passedOne());
    expect([again.statusCode, again.json().code]).toEqual([409, "PROJECT_ACCEPTED"]);
    const photo = await upload(village, input.id, crypto.randomUUID(), PNG, "image/png");
    expect([photo.statusCode, photo.json().code]).toEqual([409, "PROJECT_ACCEPTED"]);
  });

  it("records one acceptance from parallel retries with the same client id, and refuses that id elsewhere", async () => {
    const { input, milestones } = await published({ title: "六塘屯桥梁护栏（重试）" });
    await finish(input.id, milestones);
    const body = failedOne();
    const tries = await Promise.all(
      Array.from({ length: 5 }, () => inject(village, "POST", `/api/v1/projects/${input.id}/acceptances`, body)),
    );
    expect(tries.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 201]);
    const managed = (await inject(village, "GET", `/api/v1/projects/${input.id}/manage`)).json();
    expect(managed.acceptances.map((a: { id: string }) => a.id)).toEqual([body.id]);
    const other = await published({ title: "六塘屯桥梁护栏（另一项）" });
    await finish(other.input.id, other.milestones);
    const stolen = await inject(village, "POST", `/api/v1/projects/${other.input.id}/acceptances`, body);
    expect([stolen.statusCode, stolen.json().code]).toEqual([409, "PROJECT_ID_CONFLICT"]);
  });

  it("shows no acceptance of what is not public, to a resident of another area or anyone", async () => {
    const farResident = await signIn(
      t,
      await buildUser(t.ctx, { role: "resident", areaCode: tree.otherTownship.code }),
    );
    const draft = project({ title: "未公开的草稿项目" });
    await inject(village, "POST", "/api/v1/projects", draft);
    const read = await inject(farResident, "GET", `/api/v1/projects/${draft.id}/acceptances`);
    expect([read.statusCode, read.json().code]).toEqual([404, "PROJECT_NOT_FOUND"]);
    // A published project's acceptance document that no acceptance names yet is not public either.
    const { input } = await published({ title: "那坡屯排水沟（未登记验收）" });
    const doc = crypto.randomUUID();
    await upload(village, input.id, doc, PNG, "image/png", "&purpose=acceptance");
    const file = await inject(farResident, "GET", `/api/v1/projects/${input.id}/files/${doc}`);
    expect([file.statusCode, file.json().code]).toEqual([404, "PROJECT_NOT_FOUND"]);
    expect((await inject(farResident, "GET", `/api/v1/projects/${input.id}/acceptances`)).json()).toEqual([]);
    // Nor can anyone but the village's staff record one.
    const byResident = await inject(farResident, "POST", `/api/v1/projects/${input.id}/acceptances`, failedOne());
    expect(byResident.statusCode).toBe(403);
    const far = await inject(farTownship, "POST", `/api/v1/projects/${input.id}/acceptances`, failedOne());
    expect([far.statusCode, far.json().code]).toEqual([404, "PROJECT_NOT_FOUND"]);
    const above = await inject(township, "POST", `/api/v1/projects/${input.id}/acceptances`, failedOne());
    expect([above.statusCode, above.json().code]).toEqual([403, "AUTH_FORBIDDEN"]);
    expect((await inject(null, "POST", `/api/v1/projects/${input.id}/acceptances`, failedOne())).statusCode).toBe(401);
  });

  it("says what is wrong with an acceptance, every field at once, and what does not exist", async () => {
    const { input, milestones } = await published({ title: "那坡屯文化室修缮（校验）" });
    await finish(input.id, milestones);
    const url = `/api/v1/projects/${input.id}/acceptances`;
    const bare = await inject(village, "POST", url, { ...failedOne(), rectifications: [] });
    expect([bare.statusCode, bare.json().errors.map((e: { path: string }) => e.path)]).toEqual([
      400,
      ["body.rectifications"],
    ]);
    const passedWithItems = await inject(village, "POST", url, { ...passedOne(), rectifications: ["补漆"] });
    expect(passedWithItems.json().errors.map((e: { path: string }) => e.path)).toEqual(["body.rectifications"]);
    const broken = await inject(village, "POST", url, {
      ...failedOne(),
      id: "not-a-uuid",
      acceptedOn: "2026-13-40",
      signatories: [{ role: "mayor", unit: "" }],
    });
    expect(broken.statusCode).toBe(400);
    expect(
      broken
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(["body.acceptedOn", "body.id", "body.signatories.0.role", "body.signatories.0.unit"].sort());
    // Dated after today (China's calendar): recorded once it has taken place.
    const tomorrow = new Date(Date.now() + 8 * 3_600_000 + 86_400_000).toISOString().slice(0, 10);
    const ahead = await inject(village, "POST", url, { ...passedOne(), acceptedOn: tomorrow });
    expect([ahead.statusCode, ahead.json().errors]).toEqual([
      400,
      [
        {
          path: "body.acceptedOn",
          message: "an acceptance cannot be dated after today: record it once it has taken place",
        },
      ],
    ]);
    const unsigned = await inject(village, "POST", url, { ...failedOne(), signatories: [] });
    expect(unsigned.json().errors.map((e: { path: string }) => e.path)).toEqual(["body.signatories"]);
    const unknown = await inject(village, "POST", `/api/v1/projects/${crypto.randomUUID()}/acceptances`, failedOne());
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, "PROJECT_NOT_FOUND"]);
    const unknownRead = await inject(null, "GET", `/api/v1/projects/${crypto.randomUUID()}/acceptances`);
    expect([unknownRead.statusCode, unknownRead.json().code]).toEqual([404, "PROJECT_NOT_FOUND"]);
    expect((await inject(village, "GET", `/api/v1/projects/${input.id}/manage`)).json().acceptances).toEqual([]);
  });
});

describe("migration 2026_12_11_1000_create_project_acceptance", () => {
  it("moves the acceptance a project held into the history with all its data", async () => {
    const { input, milestones } = await published({ title: "那坡屯村道硬化（迁移前验收）" });
    await finish(input.id, milestones);
    const doc = crypto.randomUUID();
    await upload(village, input.id, doc, PNG, "image/png", "&purpose=acceptance");
    const rollback = new Error("rollback");
    // The schema as it was before the migration, rebuilt inside a transaction that is then undone.
    const moved = await t.ctx.db
      .transaction()
      .execute(async (trx) => {
        await sql`drop table project_acceptance`.execute(trx);
        await sql`alter table project add column accepted_on date, add column accepted_by text,
          add column acceptance_note text, add column acceptance_file_id uuid,
          add column acceptance_recorded_at timestamptz, add column acceptance_recorded_by uuid`.execute(trx);
        await sql`update project set acceptance_result = 'failed', accepted_on = '2026-12-19',
          accepted_by = '港北区交通运输局验收组', acceptance_note = '路面裂缝', acceptance_file_id = ${doc},
          acceptance_recorded_at = '2026-12-19T08:00:00Z', acceptance_recorded_by = null
          where id = ${input.id}`.execute(trx);
        await keepAcceptances(trx);
        const rows = await sql<Record<string, unknown>>`select project_id, accepted_on::text as accepted_on,
          accepted_by, result, note, rectifications, signatories, document_file_id, recorded_at
          from project_acceptance where project_id = ${input.id}`.execute(trx);
        const columns = await sql<{ name: string }>`select column_name as name from information_schema.columns
          where table_name = 'project' and column_name like 'accept%'`.execute(trx);
        throw Object.assign(rollback, { rows: rows.rows, columns: columns.rows.map((c) => c.name) });
      })
      .catch((e: unknown) => {
        if (e !== rollback) throw e;
        return e as Error & { rows: Record<string, unknown>[]; columns: string[] };
      });
    expect(moved.rows).toEqual([
      {
        project_id: input.id,
        accepted_on: "2026-12-19",
        accepted_by: "港北区交通运输局验收组",
        result: "failed",
        note: "路面裂缝",
        rectifications: [],
        signatories: [],
        document_file_id: doc,
        recorded_at: new Date("2026-12-19T08:00:00Z"),
      },
    ]);
    expect(moved.columns).toEqual(["acceptance_result"]);
    // Undone: the table is there again, the project untouched.
    expect((await inject(null, "GET", `/api/v1/projects/${input.id}/acceptances`)).json()).toEqual([]);
  });
});

describe("questions on projects and procedures", () => {
  it("takes a resident's question on a project, masks numbers, shows it once answered by the village", async () => {
    const { input } = await published({ title: "那坡屯村道硬化二期" });
    const ask = {
      id: crypto.randomUUID(),
      projectId: input.id,
      kind: "question",
      text: `路面什么时候能通车？我电话 ${PHONE}`,
      anonymous: true,
    };
    const asked = await inject(resident, "POST", "/api/v1/comments", ask);
    expect([asked.statusCode, asked.json().subjectType, asked.json().subjectId]).toEqual([201, "project", input.id]);
    expect(asked.json().text).toContain(PHONE); // the author reads back what they wrote
    expect((await inject(resident, "POST", "/api/v1/comments", ask)).statusCode).toBe(200);
    expect((await inject(null, "GET", `/api/v1/projects/${input.id}`)).json().comments).toEqual([]);
    const objection = await inject(resident, "POST", "/api/v1/comments", {
      ...ask,
      id: crypto.randomUUID(),
      kind: "objection",
    });
    expect(objection.json().errors.map((e: { path: string }) => e.path)).toEqual(["body.kind"]);
    const both = await inject(resident, "POST", "/api/v1/comments", {
      ...ask,
      id: crypto.randomUUID(),
      disclosureId: crypto.randomUUID(),
    });
    expect(both.statusCode).toBe(400);
    const draft = project();
    await inject(village, "POST", "/api/v1/projects", draft);
    const onDraft = await inject(resident, "POST", "/api/v1/comments", {
      ...ask,
      id: crypto.randomUUID(),
      projectId: draft.id,
    });
    expect([onDraft.statusCode, onDraft.json().code]).toEqual([404, "PROJECT_NOT_FOUND"]);

    const inbox = (await inject(village, "GET", "/api/v1/comments?subjectType=project")).json();
    const mine = inbox.find((c: { id: string }) => c.id === ask.id);
    expect(mine).toMatchObject({
      subjectType: "project",
      disclosureTitle: "那坡屯村道硬化二期",
      areaCode: tree.village.code,
    });
    expect(mine.text).toBe("路面什么时候能通车？我电话 138****5678");
    expect((await inject(farTownship, "GET", "/api/v1/comments?state=all")).json()).toEqual([]);
    const farReply = await inject(farTownship, "POST", `/api/v1/comments/${ask.id}/reply`, { text: "不知道" });
    expect([farReply.statusCode, farReply.json().code]).toEqual([404, "COMMENT_NOT_FOUND"]);
    const aboveReply = await inject(township, "POST", `/api/v1/comments/${ask.id}/reply`, { text: "请问村里" });
    expect([aboveReply.statusCode, aboveReply.json().code]).toEqual([403, "AUTH_FORBIDDEN"]);
    expect((await inject(resident, "POST", `/api/v1/comments/${ask.id}/reply`, { text: "x" })).statusCode).toBe(403);
    const answered = await inject(village, "POST", `/api/v1/comments/${ask.id}/reply`, {
      text: "预计 12 月底通车，届时村委会广播通知。",
    });
    expect(answered.statusCode).toBe(200);
    const read = (await inject(null, "GET", `/api/v1/projects/${input.id}`)).json();
    expect(read.comments).toEqual([
      expect.objectContaining({
        text: "路面什么时候能通车？我电话 138****5678",
        reply: "预计 12 月底通车，届时村委会广播通知。",
        signature: null,
      }),
    ]);
    const managed = (await inject(village, "GET", `/api/v1/projects/${input.id}/manage`)).json();
    expect(managed.comments[0].author).toBeTruthy();
    const myList = (await inject(resident, "GET", "/api/v1/comments/mine")).json();
    expect(myList.find((c: { id: string }) => c.id === ask.id).reply).toBe("预计 12 月底通车，届时村委会广播通知。");
  });

  it("takes questions on a published procedure, answered publicly, and hides an abusive one with its reason", async () => {
    const guide = {
      id: crypto.randomUUID(),
      areaCode: tree.village.code,
      title: "农村建房审批",
      materials: ["身份证", "户口簿", "宅基地申请表"],
      location: "村委会便民服务点",
      published: true,
    };
    expect((await inject(village, "POST", "/api/v1/procedures", guide)).statusCode).toBe(201);
    const q = {
      id: crypto.randomUUID(),
      procedureId: guide.id,
      kind: "question",
      text: "需要几张照片？",
      anonymous: false,
      signature: "韦小强",
    };
    expect((await inject(resident, "POST", "/api/v1/comments", q)).statusCode).toBe(201);
    const abusive = { ...q, id: crypto.randomUUID(), text: "办事的都是骗子" };
    await inject(resident, "POST", "/api/v1/comments", abusive);
    await inject(village, "POST", `/api/v1/comments/${q.id}/reply`, { text: "两张一寸照片。" });
    const hidden = await inject(village, "POST", `/api/v1/comments/${abusive.id}/hide`, { reason: "含侮辱性言语" });
    expect(hidden.json()).toMatchObject({ subjectType: "procedure", hiddenReason: "含侮辱性言语" });
    const read = (await inject(null, "GET", `/api/v1/procedures/${guide.id}`)).json();
    expect(read.comments).toEqual([
      expect.objectContaining({ text: "需要几张照片？", reply: "两张一寸照片。", signature: "韦*强" }),
    ]);
    const procedures = (await inject(village, "GET", "/api/v1/comments?subjectType=procedure&state=all")).json();
    expect(procedures.map((c: { id: string }) => c.id).sort()).toEqual([q.id, abusive.id].sort());
    const unknown = await inject(resident, "POST", "/api/v1/comments", {
      ...q,
      id: crypto.randomUUID(),
      procedureId: crypto.randomUUID(),
    });
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, "PROCEDURE_NOT_FOUND"]);
  });
});
