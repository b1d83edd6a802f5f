import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "server",
    include: ["src/**/*.test.ts"],
    globalSetup: ["src/test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Each file opens its own PGlite (~hundreds of MB, seconds to start): two at a time on two cores.
    maxWorkers: 2,
  },
});
