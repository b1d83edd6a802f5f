import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";

/**
 * Who may review and publish a disclosure, tried the way an attacker would: a review post at the
 * village itself, one person holding both the village's and the township's post, a reviewer's note
 * carrying a phone number into the audit trail, a file name that reverses itself on screen.
 */
let t: TestApp;
let tree: AreaTree;
let village: Session;
let township: Session;
/** A township official's post placed on the village itself (包村干部): staff of the village, not above it. */
let postAtVillage: Session;
/** The village's official who is also a township official above it. */
let bothPosts: Session;
const PHONE = "13877125678";
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

const inject = (session: Session | null, method: "GET" | "POST" | "PUT", url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: session?.headers ?? {},
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

/** A village's finance disclosure (a kind the township reviews by default) sent to review by `by`. */
async function inReview(by: Session, periodStart: string) {
  const input = {
    id: crypto.randomUUID(),
    versionId: crypto.randomUUID(),
    areaCode: tree.village.code,
    kind: "finance",
    periodKind: "month",
    periodStart,
    title: "财务收支公开",
    body: "本月收支明细如下。",
    publicityDays: 7,
    financeLines: [
      { direction: "income", subject: "集体土地租金", summary: "果园承包租金", amountFen: 1_200_000, occurredOn: null },
    ],
    declaredIncomeFen: 1_200_000,
    declaredExpenseFen: 0,
  };
  expect((await inject(by, "POST", "/api/v1/disclosures", input)).statusCode).toBe(201);
  const sent = await inject(by, "POST", `/api/v1/disclosures/${input.id}/submit`, { versionId: input.versionId });
  expect(sent.json().versions[0].state).toBe("in_review");
  return input;
}

const review = (by: Session, input: { id: string; versionId: string }, decision = "approve", note?: string) =>
  inject(by, "POST", `/api/v1/disclosures/${input.id}/review`, {
    versionId: input.versionId,
    decision,
    ...(note ? { note } : {}),
  });

const queue = async (by: Session) =>
  (await inject(by, "GET", "/api/v1/disclosures/review")).json().map((d: { id: string }) => d.id);

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  village = await signIn(t, await buildUser(t.ctx, { role: "village_official", areaCode: tree.village.code }));
  township = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }));
  postAtVillage = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: tree.village.code }));
  bothPosts = await signIn(
    t,
    await buildUser(t.ctx, {
      role: "village_official",
      areaCode: tree.village.code,
      posts: [{ role: "township_official", areaCode: tree.township.code }],
    }),
  );
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe("the township's review", () => {
  it("is not given from a review post at the village itself: refused (audited), and not in that post's queue", async () => {
    const input = await inReview(village, "2026-01-01");
    // The post at the village sees the item as its staff…
    expect((await inject(postAtVillage, "GET", `/api/v1/disclosures/${input.id}/manage`)).statusCode).toBe(200);
    // …but reviews only from above the village.
    const res = await review(postAtVillage, input);
    expect([res.statusCode, res.json().code]).toEqual([403, "AUTH_FORBIDDEN"]);
    expect(await queue(postAtVillage)).not.toContain(input.id);
    const denied = await t.ctx.db
      .selectFrom("audit_log")
      .select("outcome")
      .where("target_id", "=", input.id)
      .where("action", "=", "disclosure.review")
      .execute();
    expect(denied).toEqual([{ outcome: "denied" }]);
    expect(await queue(township)).toContain(input.id);
    expect((await review(township, input)).json().versions[0].state).toBe("published");
  });

  it("is not given by the one who submitted the version, whatever other post they hold", async () => {
    const input = await inReview(bothPosts, "2026-02-01");
    const own = await review(bothPosts, input);
    expect([own.statusCode, own.json().code]).toEqual([403, "AUTH_FORBIDDEN"]);
    const stillWaiting = await inject(township, "GET", `/api/v1/disclosures/${input.id}/manage`);
    expect(stillWaiting.json().versions[0].state).toBe("in_review");
    // Another village official's submission is theirs to review from the township post.
    const other = await inReview(village, "2026-03-01");
    expect((await review(bothPosts, other)).statusCode).toBe(200);
  });

  it("lists for review only what the caller reviews, not what their village post writes", async () => {
    const input = await inReview(village, "2026-04-01");
    // The village's official who reviews for another township: sees the item as its writer, reviews it not.
    const elsewhere = await signIn(
      t,
      await buildUser(t.ctx, {
        role: "village_official",
        areaCode: tree.village.code,
        posts: [{ role: "township_official", areaCode: tree.otherTownship.code }],
      }),
    );
    expect((await inject(elsewhere, "GET", `/api/v1/disclosures/${input.id}/manage`)).statusCode).toBe(200);
    expect(await queue(elsewhere)).not.toContain(input.id);
    expect((await review(elsewhere, input)).statusCode).toBe(403);
    // A village official with no review post: the queue is refused outright.
    expect((await inject(village, "GET", "/api/v1/disclosures/review")).statusCode).toBe(403);
    expect(await queue(township)).toContain(input.id);
    await review(township, input);
  });

  it("keeps the phone number of a reviewer's note out of the version and the audit trail", async () => {
    const input = await inReview(village, "2026-05-01");
    const res = await review(township, input, "reject", `请补充发票，有疑问联系 ${PHONE}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain(PHONE);
    const trail = await t.ctx.db
      .selectFrom("audit_log")
      .select("reason")
      .where("target_id", "=", input.id)
      .where("action", "=", "disclosure.reject")
      .execute();
    expect(trail).toHaveLength(1);
    expect(trail[0]?.reason).toContain("请补充发票");
    expect(trail[0]?.reason).not.toContain(PHONE);
  });
});

describe("file names", () => {
  it("drops direction overrides, so a name cannot show another extension than the file's", async () => {
    const input = await inReview(village, "2026-06-01");
    await review(township, input, "reject", "请附上会议记录照片");
    const res = await t.app.inject({
      method: "PUT",
      url: `/api/v1/disclosures/${input.id}/draft-files/${crypto.randomUUID()}?fileName=${encodeURIComponent("会议记录\u202Egnp.exe")}`,
      headers: { ...village.headers, "content-type": "image/png" },
      payload: PNG,
    });
    expect(res.statusCode).toBe(201);
    const name: string = res.json().versions[0].files[0].fileName;
    expect(name).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(name.endsWith(".png")).toBe(true);
    const fileId: string = res.json().versions[0].files[0].id;

    // Served as what the bytes are, under the cleaned name: to staff never cached, to all once published.
    const staff = await inject(village, "GET", `/api/v1/disclosures/${input.id}/draft-files/${fileId}`);
    expect(staff.headers).toMatchObject({
      "content-type": "image/png",
      "x-content-type-options": "nosniff",
      "cache-control": "no-store",
      "content-disposition": `inline; filename*=UTF-8''${encodeURIComponent(name)}`,
    });
    expect((await inject(null, "GET", `/api/v1/disclosures/${input.id}/files/${fileId}`)).statusCode).toBe(404);
    await inject(village, "POST", `/api/v1/disclosures/${input.id}/submit`, { versionId: input.versionId });
    expect((await review(township, input)).statusCode).toBe(200);
    const pub = await inject(null, "GET", `/api/v1/disclosures/${input.id}/files/${fileId}`);
    expect(pub.headers).toMatchObject({
      "content-type": "image/png",
      "x-content-type-options": "nosniff",
      "cache-control": "public, max-age=3600",
    });
    expect(pub.rawPayload.equals(PNG)).toBe(true);
  });
});
