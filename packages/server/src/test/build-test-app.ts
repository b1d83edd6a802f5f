import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { buildApp, createContext, fieldCryptoFor } from "../app.ts";
import { type Config, loadConfig } from "../config.ts";
import type { AppContext } from "../context.ts";
import { createFieldCrypto } from "../crypto/field-crypto.ts";
import type { SmsSender } from "../modules/auth/sms-sender.ts";
import { createTestDatabase, type TestDatabase } from "./test-database.ts";

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  config: Config;
  ctx: AppContext;
  /** Messages the app "sent" by SMS. */
  sms: { phone: string; message: string }[];
  /** Moves the app's clock (sessions, lockouts, codes expire without waiting). */
  clock: { now: Date; advanceMinutes(minutes: number): void };
  close(): Promise<void>;
}

export const TEST_DATA_KEY = Buffer.alloc(32, 7);

/** A real app over a real, migrated database (see test-database.ts); drive it with `app.inject()`. */
export async function buildTestApp(
  env: Record<string, string> = {},
  options: { keyFiles?: boolean; configuredSms?: boolean } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  // Uploads and key files of this app go to a directory of its own, removed on close.
  const dataDir = await mkdtemp(path.join(tmpdir(), "wangge-test-data-"));
  const config = loadConfig({
    WANGGE_DATA_DIR: dataDir,
    WANGGE_WEB_DIST: "/nonexistent-web-dist",
    WANGGE_LOGIN_RATE_LIMIT_PER_MINUTE: "100000",
    WANGGE_RATE_LIMIT_PER_MINUTE: "100000",
    // The configuration names the database the app really uses (audit checkpoints name it).
    ...(database.kind === "postgres" ? { DATABASE_URL: database.location } : {}),
    ...env,
  });
  const sent: { phone: string; message: string }[] = [];
  const sms: SmsSender = {
    kind: "test",
    async send(phone, message) {
      sent.push({ phone, message });
    },
  };
  const clock = {
    offsetMs: 0,
    get now() {
      return new Date(Date.now() + this.offsetMs);
    },
    advanceMinutes(minutes: number) {
      this.offsetMs += minutes * 60_000;
    },
  };
  // keyFiles: the deployment's own key files in the data directory (key rotation tests).
  const crypto = options.keyFiles ? fieldCryptoFor(config) : createFieldCrypto(TEST_DATA_KEY);
  // configuredSms: the sender the configuration chooses (WANGGE_SMS_SENDER), not the recording one.
  const deps = { config, database, crypto, now: () => clock.now, ...(options.configuredSms ? {} : { sms }) };
  const app = await buildApp(deps);
  await app.ready();
  return {
    app,
    database,
    config,
    ctx: createContext(deps),
    sms: sent,
    clock,
    async close() {
      await app.close();
      await database.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
