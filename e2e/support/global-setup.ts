import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

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
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(root, "packages/server/bin/wangge.mjs"), "serve", "--demo", "--port", "0", "--host", "127.0.0.1"],
    {
      env: {
        ...process.env,
        WANGGE_DATA_DIR: dataDir,
        ...(dbUrl ? { DATABASE_URL: dbUrl } : {}),
        WANGGE_ADMIN_PASSWORD: E2E_ADMIN_PASSWORD,
        // Every journey signs in from 127.0.0.1; the per-address limit on sign-ins (tested by the server
        // tests) would otherwise cut the suite off once it passes 20 journeys a minute.
        WANGGE_LOGIN_RATE_LIMIT_PER_MINUTE: "600",
        // The resident journeys read their sign-in code from the log: the development sender, chosen by name.
        WANGGE_SMS_SENDER: "log",
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  const baseUrl = await new Promise<string>((resolve, reject) => {
    // The demo seed takes a minute or more on a busy two-core machine.
    const timer = setTimeout(() => reject(new Error(`server did not start in 180 s:\n${output}`)), 180_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      appendFileSync(serverLog, chunk);
      const match = output.match(/is running: (http:\/\/localhost:\d+)/);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1].replace("localhost", "127.0.0.1"));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  project.provide("baseUrl", baseUrl);
  const demoPassword = output.match(/Demo password \(shown once, for all of them\): (\S+)/)?.[1];
  if (!demoPassword) throw new Error(`the server did not print the demo password:\n${output}`);
  project.provide("demoPassword", demoPassword);
  project.provide("adminPassword", E2E_ADMIN_PASSWORD);
  project.provide("serverLog", serverLog);
  return async () => {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  };
}
