import { defineConfig } from "vitest/config";

/** One Vitest run, several projects: `npm test` runs core, server and web; e2e runs on its own. */
export default defineConfig({
  test: {
    projects: ["packages/core", "packages/server", "packages/web", "e2e"],
    // Two cores: each server test file opens its own database (PGlite: hundreds of MB, ~0.5 s).
    maxWorkers: 2,
  },
});
