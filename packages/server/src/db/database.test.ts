import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { prepareTestDatabase } from "../test/test-database.ts";
import { openDatabase } from "./database.ts";

describe("openDatabase", () => {
  it("gives PGlite the buffer cache it is configured with", async (context) => {
    const location = await prepareTestDatabase();
    try {
      if (location.config.kind !== "pglite") {
        context.skip();
        return;
      }
      const database = await openDatabase({ ...location.config, sharedBuffers: "160MB" });
      try {
        const shown = await sql<{ shared_buffers: string }>`show shared_buffers`.execute(database.db);
        expect(shown.rows[0]?.shared_buffers).toBe("160MB");
      } finally {
        await database.close();
      }
    } finally {
      await location.remove();
    }
  });
});
