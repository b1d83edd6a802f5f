import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config.ts";
import { createLogger } from "../../logger.ts";
import { startServer } from "../../main.ts";
import { prepareTestDatabase } from "../../test/test-database.ts";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

describe("the development SMS sender", () => {
  it("runs only when chosen, and the server says so once at start", async () => {
    const location = await prepareTestDatabase();
    cleanups.push(() => location.remove());
    const lines: { level: number; msg: string }[] = [];
    const capture = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const config = loadConfig({ ...location.env, PORT: "0", HOST: "127.0.0.1", WANGGE_SMS_SENDER: "log" });
    const server = await startServer(config, createLogger("info", capture));
    try {
      const warnings = lines.filter((l) => l.level === 40 && l.msg.includes("WANGGE_SMS_SENDER=log"));
      expect(warnings).toHaveLength(1);
      const sent = await server.app.inject({
        method: "POST",
        url: "/api/v1/auth/otp/request",
        payload: { phone: "13912345678" },
      });
      expect(sent.statusCode).toBe(202);
      const codeLine = lines.find((l) => l.msg.includes("the code is here")) as { sms?: string; phone?: string };
      expect(codeLine.sms).toMatch(/验证码 \d{6}/);
      expect(codeLine.phone).toBe("139****5678");
    } finally {
      await server.stop();
    }
  });
});
