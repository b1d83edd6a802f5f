import type { Kysely } from "kysely";
import type { Config } from "./config.ts";
import type { FieldCrypto } from "./crypto/field-crypto.ts";
import type { Bulk } from "./db/bulk.ts";
import type { DatabaseKind } from "./db/database.ts";
import type { DB } from "./db/schema.ts";
import type { SmsSender } from "./modules/auth/sms-sender.ts";

/**
 * What services need from the outside world, passed explicitly: the database, configuration, the
 * field-encryption keys, a clock (so timer and expiry tests need no waiting) and the SMS sender.
 */
export interface AppContext {
  db: Kysely<DB>;
  dbKind: DatabaseKind;
  /** Transactions that COPY rows in, their statements sent at once (imports). */
  bulk: Bulk;
  config: Config;
  crypto: FieldCrypto;
  now: () => Date;
  sms: SmsSender;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

/** Who is asking, from where: every audit record carries it. */
export interface RequestMeta {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
}
