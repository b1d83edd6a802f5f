import { chmodSync, lstatSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { systemPrincipal } from "@wangge/core";
import { afterAll, describe, expect, it } from "vitest";
import { createContext } from "../app.ts";
import { loadConfig } from "../config.ts";
import { uuidv7 } from "../ids.ts";
import { createLogger } from "../logger.ts";
import { type RunningServer, startServer } from "../main.ts";
import { attachmentsDir, saveAttachment } from "../modules/events/attachments.service.ts";
import { reportEvent } from "../modules/events/events.service.ts";
import { buildAreaTree } from "../test/factories.ts";
import { prepareTestDatabase, type TestDatabaseLocation } from "../test/test-database.ts";
import { openDatabase } from "./database.ts";

/** Everything under `dir` whose mode is not 0700 (directories) or 0600 (files). */
function notPrivate(dir: string): string[] {
  const wrong: string[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop() as string;
    const stat = lstatSync(current);
    if (stat.isSymbolicLink()) continue;
    const mode = stat.mode & 0o777;
    if (mode !== (stat.isDirectory() ? 0o700 : 0o600)) wrong.push(`${path.relative(dir, current)} ${mode.toString(8)}`);
    if (stat.isDirectory()) for (const name of readdirSync(current)) stack.push(path.join(current, name));
  }
  return wrong;
}

function openUp(dir: string): void {
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop() as string;
    const stat = lstatSync(current);
    chmodSync(current, stat.isDirectory() ? 0o755 : 0o666);
    if (stat.isDirectory()) for (const name of readdirSync(current)) stack.push(path.join(current, name));
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe("the data directory", () => {
  it("holds an embedded database readable by the server's user only, once openDatabase has opened it", async (context) => {
    const location = await prepareTestDatabase();
    cleanups.push(() => location.remove());
    if (location.config.kind !== "pglite") {
      context.skip();
      return;
    }
    // As an existing deployment's data directory is: PGlite's files 0666, directories 0755.
    openUp(location.config.dataDir);
    expect(notPrivate(location.config.dataDir).length).toBeGreaterThan(100);
    const database = await openDatabase(location.config);
    expect(notPrivate(location.config.dataDir)).toEqual([]);
    await database.close();
    expect(notPrivate(location.config.dataDir)).toEqual([]);
  });

  it("and everything the server writes there (keys, attachments) is private too", async () => {
    const location: TestDatabaseLocation = await prepareTestDatabase();
    cleanups.push(() => location.remove());
    const dataDir =
      location.config.kind === "pglite" ? location.config.dataDir : mkdtempSync(path.join(tmpdir(), "wangge-modes-"));
    if (location.config.kind !== "pglite") cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const previousUmask = process.umask();
    cleanups.push(() => {
      process.umask(previousUmask);
    });
    const config = loadConfig({
      ...location.env,
      WANGGE_DATA_DIR: dataDir,
      PORT: "0",
      HOST: "127.0.0.1",
      WANGGE_WEB_DIST: "/nonexistent",
    });
    const server: RunningServer = await startServer(config, createLogger("silent"));
    try {
      const ctx = createContext({ config, database: server.database });
      const tree = await buildAreaTree(ctx);
      const eventId = uuidv7();
      const meta = { requestId: "modes", ip: null, userAgent: null };
      await reportEvent(ctx, systemPrincipal(), meta, {
        id: eventId,
        categoryKey: "dispute.neighbour",
        description: "权限测试",
        areaCode: tree.grid.code,
        source: "console",
      });
      await saveAttachment(ctx, null, { eventId, fileName: "note.pdf", data: Buffer.from("%PDF-1.4\n%%EOF\n") });
      expect(readdirSync(attachmentsDir(ctx)).length).toBeGreaterThan(0);
      expect(notPrivate(dataDir)).toEqual([]);
    } finally {
      await server.stop();
    }
    expect(notPrivate(dataDir)).toEqual([]);
  });
});
