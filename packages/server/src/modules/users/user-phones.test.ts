import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { up as uniquePhones } from "../../db/migrations/2026_12_06_1300_unique_user_phones.ts";
import { uuidv7 } from "../../ids.ts";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";
import { PHONE_REFUSED } from "./user-phones.service.ts";

/**
 * One mobile number per account (#16, red-team 3): a township official gave a mediator account a
 * resident's number, and the resident's SMS codes were refused for good after it.
 */
let t: TestApp;
let tree: AreaTree;
let admin: Session;
let official: Session;
const LIMIT = 3;

beforeAll(async () => {
  t = await buildTestApp({ WANGGE_NUMBER_SEARCHES: String(LIMIT), WANGGE_NUMBER_SEARCH_MINUTES: "10" });
  tree = await buildAreaTree(t.ctx);
  admin = await signIn(t, await buildUser(t.ctx, { role: "admin" }));
  official = await signIn(t, await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }));
});
afterAll(async () => {
  await t?.close();
});

let numbers = 0;
/** A mobile number no test used before. */
const freshPhone = () => `1590${String(Date.now()).slice(-5)}${String(numbers++).padStart(2, "0")}`;

/** A resident's first sign-in by SMS code: their account is made with the number. */
async function residentSignsIn(phone: string) {
  const asked = await t.app.inject({ method: "POST", url: "/api/v1/auth/otp/request", payload: { phone } });
  expect(asked.statusCode).toBe(202);
  const code = t.sms.at(-1)?.message.match(/\d{6}/)?.[0];
  return t.app.inject({ method: "POST", url: "/api/v1/auth/otp/verify", payload: { phone, code } });
}

const createMediator = (session: Session, phone: string, id = uuidv7()) =>
  t.app.inject({
    method: "POST",
    url: "/api/v1/users",
    headers: session.headers,
    payload: {
      id,
      username: `mediator.${id.slice(-8)}`,
      displayName: "调解员",
      phone,
      assignment: { roleKey: "mediator", areaCode: tree.township.code },
    },
  });

const accountsWith = async (phone: string) =>
  t.ctx.db.selectFrom("app_user").select("id").where("phone_bidx", "=", t.ctx.crypto.blindIndex(phone)).execute();

describe("a mobile number another account has", () => {
  it("is refused to a township official in words that do not say whose, audited, and the resident still signs in", async () => {
    const phone = freshPhone();
    expect((await residentSignsIn(phone)).statusCode).toBe(200);
    const id = uuidv7();
    const res = await createMediator(official, phone, id);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: "USER_PHONE_REFUSED",
      errors: [{ path: "phone", message: PHONE_REFUSED }],
    });
    expect(res.body).not.toContain("resident-");
    expect(await t.ctx.db.selectFrom("app_user").select("id").where("id", "=", id).execute()).toEqual([]);
    const audited = await t.ctx.db
      .selectFrom("audit_log")
      .select(["outcome", "details"])
      .where("action", "=", "user.create")
      .where("target_id", "=", id)
      .executeTakeFirstOrThrow();
    expect(audited.outcome).toBe("denied");
    expect(JSON.stringify(audited.details)).not.toContain(phone);
    // The number stays the resident's: their codes still sign them in.
    expect((await residentSignsIn(phone)).statusCode).toBe(200);
    expect(await accountsWith(phone)).toHaveLength(1);
  });

  it("is named to an admin who may see the account holding it", async () => {
    const phone = freshPhone();
    const holder = await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code, phone });
    const res = await createMediator(admin, phone);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: "USER_PHONE_TAKEN",
      errors: [{ path: "phone", message: `already the number of account ${holder.username}` }],
    });
  });

  it("is refused in an edit too, while an account keeps its own number", async () => {
    const phone = freshPhone();
    await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code, phone });
    const own = freshPhone();
    const other = await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code, phone: own });
    const patch = (body: Record<string, unknown>) =>
      t.app.inject({ method: "PATCH", url: `/api/v1/users/${other.id}`, headers: admin.headers, payload: body });
    const taken = await patch({ phone });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe("USER_PHONE_TAKEN");
    expect((await patch({ phone: own, displayName: "改名" })).statusCode).toBe(200);
    expect(await accountsWith(own)).toEqual([{ id: other.id }]);
  });

  it("costs a look-up from the allowance, so that numbers cannot be tried one after another", async () => {
    const guesser = await signIn(
      t,
      await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code }),
    );
    for (let i = 0; i < LIMIT; i++) {
      const phone = freshPhone();
      await residentSignsIn(phone);
      expect((await createMediator(guesser, phone)).json().code).toBe("USER_PHONE_REFUSED");
    }
    // Spent: a taken number and a free one get the same answer until the window moves on.
    const taken = freshPhone();
    await residentSignsIn(taken);
    const answers = [await createMediator(guesser, taken), await createMediator(guesser, freshPhone())];
    expect(answers.map((a) => [a.statusCode, a.json().code])).toEqual([
      [429, "PERSON_NUMBER_SEARCH_LIMITED"],
      [429, "PERSON_NUMBER_SEARCH_LIMITED"],
    ]);
  });

  it("given to several accounts at once goes to one of them; the others are refused, none fails", async () => {
    // A refusal found by look-up is drawn from the allowance (LIMIT), one found by the unique index
    // is not; which way each loser goes is timing. A fresh administrator and LIMIT losers keep every
    // refusal a 409 whichever way it goes.
    const manager = await signIn(t, await buildUser(t.ctx, { role: "admin" }));
    const phone = freshPhone();
    const answers = await Promise.all(Array.from({ length: LIMIT + 1 }, () => createMediator(manager, phone)));
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses).toEqual([201, ...Array.from({ length: LIMIT }, () => 409)]);
    expect(await accountsWith(phone)).toHaveLength(1);
  });
});

describe("a resident's SMS sign-in", () => {
  it("tells the holder of a number a staff account has why it is refused, once the code is right", async () => {
    const phone = freshPhone();
    await buildUser(t.ctx, { role: "mediator", areaCode: tree.township.code, phone });
    const res = await residentSignsIn(phone);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe("AUTH_OTP_STAFF_ACCOUNT");
    const wrong = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/otp/verify",
      payload: { phone, code: "000000" },
    });
    expect(wrong.json().code).toBe("AUTH_OTP_INVALID");
  });

  it("makes one account when the first sign-ins of a number come at once", async () => {
    const phone = freshPhone();
    const codes: string[] = [];
    for (let i = 0; i < 2; i++) {
      await t.app.inject({ method: "POST", url: "/api/v1/auth/otp/request", payload: { phone } });
      codes.push(t.sms.at(-1)?.message.match(/\d{6}/)?.[0] as string);
    }
    // Only the latest code is live; both are sent at once, and neither may fail with a 500.
    const answers = await Promise.all(
      codes.map((code) => t.app.inject({ method: "POST", url: "/api/v1/auth/otp/verify", payload: { phone, code } })),
    );
    expect(answers.every((a) => a.statusCode === 200 || a.statusCode === 401)).toBe(true);
    expect(await accountsWith(phone)).toHaveLength(1);
  });
});

describe("the migration that makes numbers unique", () => {
  it("keeps a shared number as the identifier of the account that signs in by it, and the others keep it on record", async () => {
    const phone = freshPhone();
    const bidx = t.ctx.crypto.blindIndex(phone);
    const staffOld = await buildUser(t.ctx, { role: "mediator", areaCode: tree.township.code });
    const resident = (await residentSignsIn(freshPhone())).json().me.user.id as string;
    const staffNew = await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code });
    // The state before the migration: the old index, and one number on three accounts.
    await sql`drop index app_user_phone_bidx_key`.execute(t.ctx.db);
    await sql`create index app_user_phone_bidx_idx on app_user (phone_bidx)`.execute(t.ctx.db);
    const enc = t.ctx.crypto.encrypt(phone);
    for (const id of [staffOld.id, resident, staffNew.id])
      await t.ctx.db.updateTable("app_user").set({ phone_enc: enc, phone_bidx: bidx }).where("id", "=", id).execute();

    await uniquePhones(t.ctx.db);

    expect(await accountsWith(phone)).toEqual([{ id: resident }]);
    const others = await t.ctx.db
      .selectFrom("app_user")
      .select(["phone_enc", "phone_bidx"])
      .where("id", "in", [staffOld.id, staffNew.id])
      .execute();
    expect(others).toEqual([
      { phone_enc: enc, phone_bidx: null },
      { phone_enc: enc, phone_bidx: null },
    ]);
    // The rule holds from now on.
    await expect(
      t.ctx.db.updateTable("app_user").set({ phone_bidx: bidx }).where("id", "=", staffOld.id).execute(),
    ).rejects.toThrow(/app_user_phone_bidx_key/);
  });
});
