import { describe, expect, it } from "vitest";
import { createTestDatabase } from "../../test/test-database.ts";
import { LocateIndex, notifyBoundariesChanged } from "./area-boundaries.service.ts";

describe("a locate index whose database has closed", () => {
  it("keeps the index it had when a boundary change elsewhere in the process sets off a rebuild", async () => {
    const database = await createTestDatabase();
    const index = new LocateIndex(database.db);
    await index.ready();
    const size = index.size;
    await database.close();
    // Another app of this process changed a boundary: this index tries to rebuild from a closed database.
    notifyBoundariesChanged();
    // An unhandled rejection here would fail the run.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(index.refresh(true)).rejects.toThrow();
    expect(index.size).toBe(size);
    index.stop();
  });
});
