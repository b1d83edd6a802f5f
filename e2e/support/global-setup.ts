import { appendFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startOwnServer } from "./own-server.ts";

/**
 * One real server process for the journeys: the CLI's `serve --demo`, on a free port, over a fresh
 * embedded database (or the PostgreSQL server in WANGGE_E2E_DATABASE_URL), serving the built apps.
 */
declare module "vitest" {
  interface ProvidedContext {
    baseUrl: string;
    /** The password of every demo account, as the server printed it once at first start. */
    demoPassword: string;
    adminPassword: string;
    /** Where the server's output goes (the development SMS sender writes codes there). */
    serverLog: string;
  }
}

export const E2E_ADMIN_PASSWORD = "e2e chief passphrase 2026";

const root = path.resolve(import.meta.dirname, "../..");
const WEB_DIST = path.join(root, "packages/web/dist");

export default async function setup(project: TestProject) {
  if (!existsSync(path.join(WEB_DIST, "index.html"))) {
    throw new Error(`the web apps are not built in ${WEB_DIST}: run "npm run build" first (npm run e2e does)`);
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), "wangge-e2e-"));
  const serverLog = path.join(dataDir, "server.log");
  const dbUrl = process.env.WANGGE_E2E_DATABASE_URL;
  const server = await startOwnServer(dataDir, 0, {
    env: {
      ...(dbUrl ? { DATABASE_URL: dbUrl } : {}),
      WANGGE_ADMIN_PASSWORD: E2E_ADMIN_PASSWORD,
      // The resident journeys read their sign-in code from the log: the development sender, chosen by name.
      WANGGE_SMS_SENDER: "log",
    },
    onOutput: (chunk) => appendFileSync(serverLog, chunk),
  });
  const { baseUrl, output } = server;
  project.provide("baseUrl", baseUrl);
  const demoPassword = output.match(/Demo password \(shown once, for all of them\): (\S+)/)?.[1];
  if (!demoPassword) throw new Error(`the server did not print the demo password:\n${output}`);
  project.provide("demoPassword", demoPassword);
  project.provide("adminPassword", E2E_ADMIN_PASSWORD);
  project.provide("serverLog", serverLog);
  return async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
