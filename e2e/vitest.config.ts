import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "e2e",
    include: ["specs/**/*.spec.ts"],
    globalSetup: ["support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    retry: 1,
  },
});
