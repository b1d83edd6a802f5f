import { Writable } from "node:stream";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../app.ts";
import { createLogger } from "../logger.ts";
import { buildTestApp, type TestApp } from "./build-test-app.ts";
import { buildUser, signIn } from "./factories.ts";

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
});
