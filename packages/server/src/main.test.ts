import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";
import { createLogger } from "./logger.ts";
import { type RunningServer, startServer } from "./main.ts";
import { recordAudit } from "./modules/audit/audit.service.ts";
import { checkpointFile } from "./modules/audit/audit-checkpoints.service.ts";
import { prepareTestDatabase, type TestDatabaseLocation } from "./test/test-database.ts";

let location: TestDatabaseLocation;
let server: RunningServer;
beforeAll(async () => {
  location = await prepareTestDatabase();
  const config = loadConfig({ ...location.env, PORT: "0", HOST: "127.0.0.1", WANGGE_WEB_DIST: "/nonexistent" });
  server = await startServer(config, createLogger("silent"), { demo: true });
});
afterAll(async () => {
  await location?.remove();
});

function rawRequest(port: number, head: string): { socket: ReturnType<typeof connect>; response: Promise<string> } {
  const socket = connect(port, "127.0.0.1");
  socket.write(head);
  const response = new Promise<string>((resolve) => {
    let data = "";
    socket.on("data", (d) => {
      data += d;
    });
    socket.on("close", () => resolve(data));
    socket.on("end", () => resolve(data));
  });
  return { socket, response };
}

describe("stopping the server", () => {
  it("finishes a request still uploading when the stop begins, then closes the database", async () => {
    const port = (server.app.server.address() as { port: number }).port;
    const body = JSON.stringify({
      id: crypto.randomUUID(),
      app: "field",
      message: "slow upload from a hamlet",
      url: "/field",
      occurredAt: new Date().toISOString(),
    });
    const half = Math.floor(body.length / 2);
    // The stop begins once the server has the request's head (not after a guessed pause: a loaded
    // machine may take longer to read it, and a request not yet begun is rightly refused).
    const begun = new Promise((resolve) => server.app.server.once("request", resolve));
    const { socket, response } = rawRequest(
      port,
      `POST /api/v1/client-errors HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, half)}`,
    );
    await begun;
    const stopped = server.stop();
    await new Promise((r) => setTimeout(r, 100));
    socket.write(body.slice(half));
    const text = await response;
    expect(text).toMatch(/^HTTP\/1.1 201/);
    await stopped;
    await expect(server.database.db.selectFrom("app_meta").selectAll().execute()).rejects.toThrow();
  });
});

describe("the audit checkpoint at the stop", () => {
  it("is written after the last change and before the database closes", async () => {
    const own = await prepareTestDatabase();
    const dataDir =
      own.config.kind === "pglite" ? own.config.dataDir : mkdtempSync(path.join(tmpdir(), "wangge-main-"));
    try {
      const config = loadConfig({
        WANGGE_DATA_DIR: dataDir,
        ...own.env,
        PORT: "0",
        HOST: "127.0.0.1",
        WANGGE_WEB_DIST: "/nonexistent",
      });
      const running = await startServer(config, createLogger("silent"));
      const seq = await recordAudit({ config, now: () => new Date() }, running.database.db, {
        action: "test.last-before-stop",
        outcome: "success",
      });
      await running.stop();
      const lines = readFileSync(checkpointFile(dataDir), "utf8").trim().split("\n");
      expect(JSON.parse(lines.at(-1) ?? "{}")).toMatchObject({ seq });
    } finally {
      await own.remove();
      if (own.config.kind === "postgres") rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
