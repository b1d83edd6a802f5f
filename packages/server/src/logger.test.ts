import { Writable } from "node:stream";
import { redactPersonalNumbers } from "@wangge/core";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "./app.ts";
import { loadConfig } from "./config.ts";
import { createFieldCrypto } from "./crypto/field-crypto.ts";
import { createLogger, redactLogLine } from "./logger.ts";
import { TEST_DATA_KEY } from "./test/build-test-app.ts";
import { createTestDatabase, type TestDatabase } from "./test/test-database.ts";

/** Canaries: an ID number and a mobile number that must never reach the log in clear. */
const ID_NUMBER = "45080219900307123X";
const PHONE = "13812345678";
/** How they read once masked (core/privacy/redact.ts). */
const ID_MASKED = redactPersonalNumbers(ID_NUMBER);
const PHONE_MASKED = redactPersonalNumbers(PHONE);

let database: TestDatabase;
let output = "";
let app: Awaited<ReturnType<typeof buildApp>>;
beforeAll(async () => {
  database = await createTestDatabase();
  const capture = new Writable({
    write(chunk, _encoding, done) {
      output += String(chunk);
      done();
    },
  });
  app = await buildApp({
    config: loadConfig({ WANGGE_WEB_DIST: "/nonexistent", WANGGE_DATA_DIR: "/nonexistent-data" }),
    database,
    logger: createLogger("info", capture),
    crypto: createFieldCrypto(TEST_DATA_KEY),
  });
  // A handler that fails the way a driver or a library would: the personal numbers it was given end
  // up in the message, in a cause two levels down, and in validation details nested deep.
  app.post("/test/fail", { config: { public: true } }, async (request) => {
    const { phone, idNumber } = request.body as { phone: string; idNumber: string };
    const error = new Error(`insert failed for phone ${phone}`, {
      cause: new Error("constraint", { cause: new Error(`duplicate key (id_number)=(${idNumber})`) }),
    });
    Object.assign(error, {
      validation: [{ path: ["a", "b", "c", "d"], details: { deeper: { deepest: { value: `+86 ${phone}` } } } }],
    });
    throw error;
  });
  // A statement that fails in the database: the driver's error carries the statement, its
  // parameters and PostgreSQL's detail, which quotes the failing row.
  app.post("/test/db-fail", { config: { public: true } }, async (request) => {
    const { name, note } = request.body as { name: string; note: string };
    await sql`insert into app_user (id, username, display_name, phone_enc)
      values (${crypto.randomUUID()}, null, ${name}, ${note})`.execute(database.db);
    return {};
  });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await database?.close();
});

describe("the server log", () => {
  it("masks ID and phone numbers in errors: message, stack, causes and nested details", async () => {
    output = "";
    const res = await app.inject({
      method: "POST",
      url: "/test/fail",
      payload: { phone: PHONE, idNumber: ID_NUMBER },
    });
    expect(res.statusCode).toBe(500);
    const lines = output.trim().split("\n");
    const failure = lines.map((l) => JSON.parse(l)).find((l) => l.msg === "unhandled error");
    expect(failure.err.message).toContain(`insert failed for phone ${PHONE_MASKED}`);
    expect(failure.err.stack).toContain(`duplicate key (id_number)=(${ID_MASKED})`);
    expect(JSON.stringify(failure.err.validation)).toContain(PHONE_MASKED);
    expect(output).not.toContain(PHONE);
    expect(output).not.toContain(ID_NUMBER);
  });

  it("masks them in the request URL that is logged", async () => {
    output = "";
    await app.inject({ method: "GET", url: `/api/v1/people?q=${ID_NUMBER}&phone=${PHONE}` });
    expect(output).toContain(`/api/v1/people?q=${ID_MASKED}`);
    expect(output).not.toContain(PHONE);
    expect(output).not.toContain(ID_NUMBER);
  });

  it("masks them in a percent-encoded query, where an escape ending in a digit sits right before the number", async () => {
    output = "";
    const spaced = `${PHONE.slice(0, 3)} ${PHONE.slice(3, 7)} ${PHONE.slice(7)}`;
    const name = encodeURIComponent(`身份证${ID_NUMBER}电话${spaced}.jpg`);
    expect(name).toContain(`%81${ID_NUMBER}`);
    await app.inject({ method: "GET", url: `/api/v1/people?q=${name}` });
    expect(output).toContain(`身份证${ID_MASKED}电话${PHONE_MASKED}.jpg`);
    expect(output).not.toContain(ID_NUMBER);
    expect(output).not.toContain(encodeURIComponent(spaced));
    for (const line of output.trim().split("\n")) JSON.parse(line);
  });

  it.each([
    ["spaced, the spaces escaped", "4508%200219%206006%201536%2020"],
    ["every digit escaped", [...ID_NUMBER].map((c) => `%${c.charCodeAt(0).toString(16)}`).join("")],
    ["spaced with +", "4508+0219+9003+0712+3X"],
    ["with a letter typed after it", `${ID_NUMBER.slice(0, 17)}0x`],
    ["in full-width digits, escaped", encodeURIComponent("４５０８０２１９９００３０７１２３Ｘ")],
    ["hyphenated in a path segment", "4508-0219-9003-0712-3X"],
  ])("masks an ID number in the logged URL %s", async (_case, spelled) => {
    output = "";
    await app.inject({ method: "GET", url: `/api/v1/people/${spelled}?q=${spelled}&phone=138%2D1234%2D5678` });
    const urls = output
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).req?.url)
      .filter(Boolean);
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) {
      expect(url).not.toContain(spelled);
      expect(url.replace(/\D/g, "")).not.toMatch(/0219900307|0219600615|12345678/);
      expect(url).toContain("138****5678");
    }
  });

  it("drops a database error's statement, parameters and the row PostgreSQL quotes", async () => {
    output = "";
    const name = "金丝雀 王小明";
    const note = "住 金丝雀路 8 号";
    const res = await app.inject({ method: "POST", url: "/test/db-fail", payload: { name, note } });
    expect(res.statusCode).toBe(500);
    const failure = output
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
      .find((l) => l.msg === "unhandled error");
    expect(failure.err.message).toMatch(/null value in column "username"/);
    expect(output).not.toContain("金丝雀");
    for (const key of ["query", "params", "parameters", "values", "detail"])
      expect(failure.err).not.toHaveProperty(key);
  });

  it("keeps every line JSON, numbers included", () => {
    const line = `{"level":30,"n":${PHONE},"msg":"tel ${PHONE} and \\"${ID_NUMBER}\\""}`;
    const redacted = redactLogLine(line);
    expect(JSON.parse(redacted)).toEqual({
      level: 30,
      n: Number(PHONE),
      msg: `tel ${PHONE_MASKED} and "${ID_MASKED}"`,
    });
  });
});
