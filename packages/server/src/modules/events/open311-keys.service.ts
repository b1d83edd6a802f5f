import { createHash, randomBytes } from "node:crypto";
import { DomainError, fieldIssue, Open311KeyNameSchema } from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { uuidv7 } from "../../ids.ts";
import { recordAudit } from "../audit/audit.service.ts";
import {
  findActiveOpen311Key,
  findOpen311KeyByName,
  insertOpen311KeyIfNameFree,
  listOpen311KeyRows,
  revokeOpen311KeyRow,
  touchOpen311Key,
} from "./intake.queries.ts";

/**
 * The API keys of Open311 clients: kept as a hash; the key itself is shown once, when it is created.
 * Managed by admins over HTTP and on the server with `wangge open311 key`. A key says whether the
 * requests its client makes are public: by the GeoReport convention they are (the default); a client
 * that collects private reports gets a key with `requestsPublic: false` (`--private`).
 */
const hashKey = (key: string) => createHash("sha256").update(key).digest("hex");

export async function createOpen311Key(
  ctx: AppContext,
  actor: { userId: string | null; username: string },
  meta: RequestMeta,
  name: string,
  options: { requestsPublic?: boolean | undefined } = {},
): Promise<{ id: string; name: string; requestsPublic: boolean; key: string; prefix: string; createdAt: string }> {
  const requestsPublic = options.requestsPublic ?? true;
  // The CLI calls here without the route's schema: the same rule either way.
  const parsed = Open311KeyNameSchema.safeParse(name);
  if (!parsed.success)
    throw new DomainError("VALIDATION_FAILED", "a key needs a printable name", {
      errors: parsed.error.issues.map((i) => ({ path: "body.name", message: i.message, schemaIssue: i })),
    });
  const clean = parsed.data;
  const taken = () => new DomainError("OPEN311_KEY_NAME_TAKEN", `a key named ${clean} exists`);
  if (await findOpen311KeyByName(ctx.db, clean)) throw taken();
  const key = `o311_${randomBytes(24).toString("base64url")}`;
  const now = ctx.now();
  const id = uuidv7(now.getTime());
  await ctx.db.transaction().execute(async (trx) => {
    // The same name asked for twice at once: the second finds it taken.
    if (
      !(await insertOpen311KeyIfNameFree(trx, {
        id,
        name: clean,
        key_hash: hashKey(key),
        key_prefix: key.slice(0, 9),
        created_by: actor.userId,
        created_at: now,
        revoked_at: null,
        last_used_at: null,
        requests_public: requestsPublic,
      }))
    )
      throw taken();
    await recordAudit(ctx, trx, {
      action: "open311.key.create",
      outcome: "success",
      actor,
      meta,
      targetType: "open311_key",
      targetId: id,
      details: { name: clean, requestsPublic },
    });
  });
  return { id, name: clean, requestsPublic, key, prefix: key.slice(0, 9), createdAt: now.toISOString() };
}

export async function listOpen311Keys(ctx: AppContext) {
  const rows = await listOpen311KeyRows(ctx.db);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.key_prefix,
    createdAt: r.created_at.toISOString(),
    revokedAt: r.revoked_at?.toISOString() ?? null,
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    requestsPublic: r.requests_public,
  }));
}

export async function revokeOpen311Key(
  ctx: AppContext,
  actor: { userId: string | null; username: string },
  meta: RequestMeta,
  id: string,
) {
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await revokeOpen311KeyRow(trx, id, ctx.now())))
      throw new DomainError("RESOURCE_NOT_FOUND", `no active Open311 key ${id}`, {
        errors: [fieldIssue("id", "EVENT_FIELD_UNKNOWN_KEY")],
      });
    await recordAudit(ctx, trx, {
      action: "open311.key.revoke",
      outcome: "success",
      actor,
      meta,
      targetType: "open311_key",
      targetId: id,
    });
  });
}

/** The active key matching the one given, or undefined. */
export async function verifyOpen311Key(ctx: AppContext, key: string | undefined) {
  if (!key) return undefined;
  const row = await findActiveOpen311Key(ctx.db, hashKey(key));
  if (row) await touchOpen311Key(ctx.db, row.id, ctx.now());
  return row;
}
