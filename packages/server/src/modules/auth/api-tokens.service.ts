import { DomainError, type Principal, SCREEN_LINK_PREFIX } from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { sha256 } from "../../crypto/digest.ts";
import { constantTimeEqual } from "../../crypto/field-crypto.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { authenticateScreenLink } from "../screen/screen-links.service.ts";
import { loadPrincipal } from "../users/users.service.ts";
import {
  findApiTokenById,
  findApiTokenWithAccount,
  insertApiToken,
  listApiTokensOfUser,
  markApiTokenUsed,
  revokeApiToken as revokeApiTokenRow,
} from "./auth.queries.ts";
import type { ApiTokenRow } from "./auth.table.ts";
import { type Authenticated, newSecret } from "./sessions.service.ts";

/**
 * Personal API tokens for scripts (`Authorization: Bearer wgt_…`): shown once, only their SHA-256
 * stored, expiring and revocable; made only from a signed-in session (a token that could mint tokens
 * would outlive its own expiry and revocation), revoked with the account's sessions when someone else
 * resets its password or it is locked or disabled (auth.service's revokeCredentials).
 */
const TOKEN_PREFIX = "wgt_";

export interface ApiTokenView {
  id: string;
  name: string;
  prefix: string;
  expiresAt: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

function toTokenView(row: Awaited<ReturnType<typeof findApiTokenById>> & object): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    expiresAt: row.expires_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

/** A personal token for scripts. Shown once; only its SHA-256 is stored. A retry (same id) does not show it again. */
export async function createApiToken(
  ctx: AppContext,
  principal: Principal,
  meta: RequestMeta,
  input: { id: string; name: string; expiresInDays: number },
): Promise<{ token: string | null; view: ApiTokenView; created: boolean }> {
  // A token that could mint tokens would outlive its own expiry and revocation.
  if (principal.via !== "session")
    throw new DomainError("AUTH_SESSION_REQUIRED", "API tokens are created from a signed-in session, not with a token");
  const existing = await findApiTokenById(ctx.db, input.id);
  if (existing) return { token: null, view: toTokenView(retriedToken(principal, existing, input)), created: false };
  const secret = newSecret();
  const prefix = secret.slice(0, 8);
  const token = `${TOKEN_PREFIX}${secret}`;
  const now = ctx.now();
  const row = await ctx.db.transaction().execute(async (trx) => {
    const inserted = await insertApiToken(trx, {
      id: input.id,
      user_id: principal.userId,
      name: input.name.trim(),
      token_hash: sha256(token),
      prefix: `${TOKEN_PREFIX}${prefix}`,
      expires_at: new Date(now.getTime() + input.expiresInDays * 86_400_000),
    });
    await recordAudit(ctx, trx, {
      action: "auth.token.create",
      outcome: "success",
      actor: { userId: principal.userId, username: principal.username },
      meta,
      targetType: "api_token",
      targetId: input.id,
      details: { name: input.name, expiresInDays: input.expiresInDays },
    });
    return inserted;
  });
  if (!row) {
    // The same id created at once by another request: answered as that one's retry, or refused as above.
    const other = (await findApiTokenById(ctx.db, input.id)) as ApiTokenRow;
    return { token: null, view: toTokenView(retriedToken(principal, other, input)), created: false };
  }
  return { token, view: toTokenView(row), created: true };
}

/**
 * The stored token a create with its id retries — or the refusal: a conflict if it is the caller's
 * own (another name), else the answer a revocation of that id gives (not found), since only its owner
 * sees a token and a conflict would tell that it exists.
 */
function retriedToken(principal: Principal, existing: ApiTokenRow, input: { id: string; name: string }): ApiTokenRow {
  if (existing.user_id !== principal.userId) throw new DomainError("RESOURCE_NOT_FOUND", `no token ${input.id}`);
  if (existing.name !== input.name) throw new DomainError("USER_ID_CONFLICT", `token id ${input.id} is taken`);
  return existing;
}

export async function listApiTokens(ctx: AppContext, principal: Principal): Promise<ApiTokenView[]> {
  return (await listApiTokensOfUser(ctx.db, principal.userId)).map(toTokenView);
}

export async function revokeApiToken(
  ctx: AppContext,
  principal: Principal,
  meta: RequestMeta,
  id: string,
): Promise<void> {
  const row = await findApiTokenById(ctx.db, id);
  if (!row || row.user_id !== principal.userId) throw new DomainError("RESOURCE_NOT_FOUND", `no token ${id}`);
  await ctx.db.transaction().execute(async (trx) => {
    await revokeApiTokenRow(trx, id, ctx.now());
    await recordAudit(ctx, trx, {
      action: "auth.token.revoke",
      outcome: "success",
      actor: { userId: principal.userId, username: principal.username },
      meta,
      targetType: "api_token",
      targetId: id,
    });
  });
}

/** The caller behind a bearer secret: a personal API token (wgt_…) or a big-screen link (wgs_…). */
export async function authenticateBearer(ctx: AppContext, token: string): Promise<Authenticated | undefined> {
  if (token.startsWith(SCREEN_LINK_PREFIX)) return authenticateScreenLink(ctx, token);
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const row = await findApiTokenWithAccount(ctx.db, sha256(token));
  const now = ctx.now();
  if (!row || row.revoked_at || row.expires_at <= now || !constantTimeEqual(row.token_hash, sha256(token)))
    return undefined;
  if (row.user_status !== "active") return undefined;
  const user = { id: row.user_id, username: row.username, display_name: row.display_name };
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000)
    await markApiTokenUsed(ctx.db, row.id, now);
  return { principal: await loadPrincipal(ctx.db, user, "token"), restriction: null };
}
