import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { Writable } from "node:stream";
import { checkCharacter } from "@wangge/core";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../app.ts";
import { createLogger } from "../logger.ts";
import { buildTestApp, type TestApp } from "./build-test-app.ts";
import { buildAreaTree, buildUser, signIn } from "./factories.ts";

/**
 * Passwords, session cookies, API tokens, one-time codes and phone numbers appear nowhere in clear:
 * not in any table, not in the logs (captured at the most verbose level).
 */
let t: TestApp;
const logLines: string[] = [];
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe("secrets at rest and in logs", () => {
  it("are stored only as hashes or ciphertext and never logged", async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    const app = await buildApp({
      config: t.config,
      database: t.database,
      crypto: t.ctx.crypto,
      logger: createLogger("trace", sink),
      sms: { kind: "test", async send() {} },
    });
    try {
      const phone = "13712340000";
      const user = await buildUser(t.ctx, { role: "auditor", phone, password: "plaintext canary passphrase" });
      const login = await app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        headers: { authorization: "Basic should-not-matter" },
        payload: { username: user.username, password: user.password },
      });
      const session = login.cookies.find((c) => c.name === "wangge_session")?.value as string;
      const s = await signIn({ app }, user);
      const token = (
        await app.inject({
          method: "POST",
          url: "/api/v1/auth/tokens",
          headers: s.headers,
          payload: { id: crypto.randomUUID(), name: "canary" },
        })
      ).json().token as string;
      await app.inject({ method: "GET", url: "/api/v1/auth/me", headers: { authorization: `Bearer ${token}` } });
      await app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        payload: { username: user.username, password: "wrong canary passphrase" },
      });
      await app.inject({ method: "POST", url: "/api/v1/auth/otp/request", payload: { phone } });

      const tables = await sql<{
        table_name: string;
      }>`select table_name from information_schema.tables where table_schema = 'public'`.execute(t.ctx.db);
      let dump = "";
      for (const { table_name } of tables.rows) {
        const rows = await sql`select * from ${sql.table(table_name)}`.execute(t.ctx.db);
        dump += JSON.stringify(rows.rows);
      }
      const logs = logLines.join("");
      expect(logs.length).toBeGreaterThan(1000);
      for (const secret of [
        user.password,
        "wrong canary passphrase",
        session,
        token,
        token.slice(4),
        phone,
        s.cookie.split("=")[1] as string,
      ]) {
        expect(dump).not.toContain(secret);
        expect(logs).not.toContain(secret);
      }
    } finally {
      await app.close();
    }
  });

  it("keep registry ID and phone numbers out of every table, the logs and the database files", async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    logLines.length = 0;
    const app = await buildApp({
      config: t.config,
      database: t.database,
      crypto: t.ctx.crypto,
      logger: createLogger("trace", sink),
      sms: { kind: "test", async send() {} },
    });
    try {
      const tree = await buildAreaTree(t.ctx);
      const s = await signIn(
        { app },
        await buildUser(t.ctx, {
          role: "township_official",
          areaCode: tree.township.code,
          // Registering needs the work scope (#16 item 7): the official is also the village's grid head.
          posts: [{ role: "grid_head", areaCode: tree.village.code }],
        }),
      );
      const ids = ["45080219660606001", "45080219770707002", "45080219880808003"].map(
        (x) => `${x}${checkCharacter(x)}`,
      );
      const phones = ["13977112233", "13977445566", "13977778899"];
      const created = await app.inject({
        method: "POST",
        url: "/api/v1/people",
        headers: s.headers,
        payload: {
          id: crypto.randomUUID(),
          name: "金丝雀",
          idNumber: ids[0],
          phone: phones[0],
          gridCode: tree.grid.code,
        },
      });
      expect(created.statusCode).toBe(201);
      const importId = crypto.randomUUID();
      await app.inject({
        method: "POST",
        url: `/api/v1/imports/people?id=${importId}&fileName=canary.csv`,
        headers: { ...s.headers, "content-type": "text/csv" },
        // Rows 3 and 4 are rejected (no such village): the first canary again, and one seen nowhere else.
        payload: [
          "姓名,证件号码,手机号码,村社区代码,网格代码,备注",
          `金丝雀二,${ids[1]},${phones[1]},${tree.village.code},${tree.grid.code},`,
          `金丝雀被拒,${ids[0]},${phones[0]},999999999999,,备注 ${ids[0]} ${phones[0]}`,
          `金丝雀三,${ids[2]},${phones[2]},999999999999,,联系 ${phones[2]}`,
        ].join("\n"),
      });
      for (let i = 0; i < 100; i++) {
        const job = (
          await app.inject({ method: "GET", url: `/api/v1/imports/${importId}`, headers: s.headers })
        ).json();
        if (job.status === "done") {
          expect(job).toMatchObject({ created: 1, rejected: 2, hasReport: true });
          break;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      const search = await app.inject({ method: "GET", url: `/api/v1/people?q=${ids[1]}`, headers: s.headers });
      expect(search.json()).toHaveLength(1);
      expect(search.body).not.toContain(ids[1] as string);
      const person = search.json()[0].id as string;
      const revealed = await app.inject({
        method: "POST",
        url: `/api/v1/people/${person}/reveal`,
        headers: s.headers,
        payload: { fields: ["idNumber", "phone"], reason: "金丝雀核对" },
      });
      expect(revealed.json()).toEqual({ idNumber: ids[1], phone: phones[1] });

      const tables = await sql<{ table_name: string }>`
        select table_name from information_schema.tables where table_schema = 'public'`.execute(t.ctx.db);
      let dump = "";
      for (const { table_name } of tables.rows)
        dump += JSON.stringify((await sql`select * from ${sql.table(table_name)}`.execute(t.ctx.db)).rows);
      expect(dump).toContain("金丝雀二");
      expect(dump).toContain("金丝雀三");
      const logs = logLines.join("");
      for (const secret of [...ids, ...phones, (ids[0] as string).slice(6, 14)]) {
        expect(dump).not.toContain(secret);
        expect(logs).not.toContain(secret);
      }
      if (t.database.kind === "pglite") {
        // The raw data directory, after everything is flushed to its files.
        await sql`checkpoint`.execute(t.ctx.db);
        const files = await readdir(path.join(t.database.location, "pgdata"), { recursive: true });
        expect(files.length).toBeGreaterThan(100);
        for (const file of files) {
          const full = path.join(t.database.location, "pgdata", file);
          if (!(await stat(full)).isFile()) continue;
          const bytes = await readFile(full);
          for (const secret of [...ids, ...phones]) expect(bytes.includes(secret), `${secret} in ${file}`).toBe(false);
        }
      }
    } finally {
      await app.close();
    }
  });
});
