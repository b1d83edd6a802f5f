import {
  type CreateScreenLink,
  canView,
  DomainError,
  type Principal,
  principalScope,
  redactPersonalNumbers,
  SCREEN_LINK_PREFIX,
  type ScreenKiosk,
  type ScreenLink,
  SYSTEM_USER_ID,
} from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { sha256 } from "../../crypto/digest.ts";
import { getAreaInScope } from "../areas/areas.service.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { type Authenticated, newSecret } from "../auth/sessions.service.ts";
import { recheckStreamsOf } from "../events/live-inbox.ts";
import {
  findScreenTokenByHash,
  findScreenTokenById,
  insertScreenToken,
  isAccountId,
  listScreenTokensUnder,
  markScreenTokenUsed,
  revokeScreenToken,
  type ScreenLinkRow,
} from "./screen-links.queries.ts";

/**
 * Read-only big-screen links (大屏链接): a kiosk wall shows one area's screen with no account, so no
 * session runs out under it. An official holding screen.manage issues one for an area they see (their
 * own or below it), names it after the wall, may give it an end, and lists and revokes the links of
 * their areas — anyone with screen.manage over the area may revoke, not only who issued it: a link
 * belongs to the command centre, not to the person. The secret (wgs_…) is shown once; only its SHA-256
 * is stored. Whoever presents it stands for exactly what a screen account of that area may do
 * (screen.view there, read through screenReader), and the authentication hook refuses it every route
 * but the screen's own. Revoking it ends the link's open streams at once.
 */
export const SCREEN_LINK_LIST_LIMIT = 500;
const USED_EVERY_MS = 60_000;

function toLink(row: ScreenLinkRow): ScreenLink {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    area: { code: row.area_code, name: row.area_name },
    createdBy: row.creator_name ?? null,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

const actorOf = (p: Principal) => ({ userId: p.userId, username: p.username });

/** A link for a wall. A retry with the same id answers the first link without its secret (shown once). */
export async function createScreenLink(
  ctx: AppContext,
  principal: Principal,
  meta: RequestMeta,
  given: CreateScreenLink,
): Promise<{ link: ScreenLink; token: string | null; created: boolean }> {
  // The name is shown on the wall itself (a public place): a number typed into it is masked.
  const input = { ...given, name: redactPersonalNumbers(given.name) };
  const scope = principalScope(principal, "screen.manage");
  const existing = await findScreenTokenById(ctx.db, input.id);
  if (existing) return { link: toLink(retried(scope, existing, input)), token: null, created: false };
  const area = await getAreaInScope(ctx.db, input.areaCode, scope);
  // A link reads as its own id (its streams, rate limit and audit rows): never an account's, nor the system's.
  if (RESERVED_IDS.has(input.id.toLowerCase()) || (await isAccountId(ctx.db, input.id)))
    throw new DomainError("SCREEN_LINK_ID_CONFLICT", `screen link id ${input.id} is taken`);
  const secret = newSecret();
  const token = `${SCREEN_LINK_PREFIX}${secret}`;
  const now = ctx.now();
  const inserted = await ctx.db.transaction().execute(async (trx) => {
    const row = await insertScreenToken(trx, {
      id: input.id,
      name: input.name,
      area_id: area.id,
      token_hash: sha256(token),
      prefix: `${SCREEN_LINK_PREFIX}${secret.slice(0, 6)}`,
      created_by: principal.userId,
      expires_at: input.expiresInDays === null ? null : new Date(now.getTime() + input.expiresInDays * 86_400_000),
    });
    if (row)
      await recordAudit(ctx, trx, {
        action: "screen.link.create",
        outcome: "success",
        actor: actorOf(principal),
        meta,
        targetType: "screen_token",
        targetId: input.id,
        areaPath: area.path,
        details: { name: input.name, areaCode: area.code, expiresInDays: input.expiresInDays },
      });
    return row;
  });
  const row = (await findScreenTokenById(ctx.db, input.id)) as ScreenLinkRow;
  // The same id created at once by another request: answered as that one's retry.
  if (!inserted) return { link: toLink(retried(scope, row, input)), token: null, created: false };
  return { link: toLink(row), token, created: true };
}

/** The stored link a create retries, or the refusal: not found outside the caller's areas, else a conflict. */
function retried(
  scope: ReturnType<typeof principalScope>,
  existing: ScreenLinkRow,
  input: Pick<CreateScreenLink, "id" | "name" | "areaCode">,
): ScreenLinkRow {
  if (!canView(scope, existing.area_path))
    throw new DomainError("SCREEN_LINK_NOT_FOUND", `no screen link ${input.id} in your areas`);
  if (existing.name !== input.name || existing.area_code !== input.areaCode)
    throw new DomainError("SCREEN_LINK_ID_CONFLICT", `screen link id ${input.id} is taken by another link`);
  return existing;
}

const RESERVED_IDS = new Set([SYSTEM_USER_ID, "ffffffff-ffff-ffff-ffff-ffffffffffff"]);

/** The links of the caller's areas (screen.manage), newest first; never their secrets. */
export async function listScreenLinks(ctx: AppContext, principal: Principal): Promise<ScreenLink[]> {
  const scope = principalScope(principal, "screen.manage");
  const rows = await listScreenTokensUnder(ctx.db, scope.isGlobal ? "all" : scope.view, SCREEN_LINK_LIST_LIMIT);
  return rows.map(toLink);
}

/** Revokes a link of the caller's areas (again: no change); its open streams end at once. */
export async function revokeScreenLink(
  ctx: AppContext,
  principal: Principal,
  meta: RequestMeta,
  id: string,
): Promise<ScreenLink> {
  const row = await findScreenTokenById(ctx.db, id);
  if (!row || !canView(principalScope(principal, "screen.manage"), row.area_path))
    throw new DomainError("SCREEN_LINK_NOT_FOUND", `no screen link ${id} in your areas`);
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await revokeScreenToken(trx, id, ctx.now(), principal.userId))) return;
    await recordAudit(ctx, trx, {
      action: "screen.link.revoke",
      outcome: "success",
      actor: actorOf(principal),
      meta,
      targetType: "screen_token",
      targetId: id,
      areaPath: row.area_path,
      details: { name: row.name },
    });
  });
  // The streams re-check their reader every 30 s; a revoked wall should go dark now, not then.
  await recheckStreamsOf(ctx, id);
  return toLink((await findScreenTokenById(ctx.db, id)) as ScreenLinkRow);
}

/** The live link behind a secret, or undefined (unknown, revoked, expired). */
async function liveLink(ctx: AppContext, token: string): Promise<ScreenLinkRow | undefined> {
  if (!token.startsWith(SCREEN_LINK_PREFIX)) return undefined;
  const hash = sha256(token);
  const row = await findScreenTokenByHash(ctx.db, hash);
  const now = ctx.now();
  if (!row || row.revoked_at || (row.expires_at && row.expires_at <= now)) return undefined;
  // Writing on every request would turn the wall's reads into writes; once a minute is enough to tell it is alive.
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > USED_EVERY_MS)
    await markScreenTokenUsed(ctx.db, row.id, now);
  return row;
}

/**
 * Who a link stands for: a screen of its area (screen.view there, nothing else), named after the link.
 * Its id is the link's, so its streams, rate limit and audit records are the link's own.
 */
function linkPrincipal(row: ScreenLinkRow): Principal {
  return {
    userId: row.id,
    username: `screen-link:${row.prefix}`,
    displayName: row.name,
    via: "token",
    assignments: [
      {
        id: row.id,
        roleKey: "screen",
        areaCode: row.area_code,
        areaName: row.area_name,
        areaPath: row.area_path,
        homeUnit: null,
        workScope: "area",
        permissions: ["screen.view"],
      },
    ],
  };
}

/** The caller behind a screen link's secret, or undefined when it is not a live link. */
export async function authenticateScreenLink(ctx: AppContext, token: string): Promise<Authenticated | undefined> {
  const row = await liveLink(ctx, token);
  return row ? { principal: linkPrincipal(row), restriction: null, screenLinkId: row.id } : undefined;
}

const kioskOf = (row: ScreenLinkRow): NonNullable<ScreenKiosk["link"]> => ({
  name: row.name,
  area: { code: row.area_code, name: row.area_name },
  expiresAt: row.expires_at?.toISOString() ?? null,
});

/** A wall opens a link (POST /screen/kiosk): audited, with the address and browser it was opened from. */
export async function openKiosk(ctx: AppContext, meta: RequestMeta, token: string) {
  const row = await liveLink(ctx, token);
  if (!row) {
    await recordAudit(ctx, ctx.db, {
      action: "screen.link.open",
      outcome: "failure",
      meta,
      targetType: "screen_token",
      reason: "unknown, revoked or expired link",
    });
    throw new DomainError("SCREEN_LINK_INVALID", "this screen link is unknown, revoked or expired");
  }
  await recordAudit(ctx, ctx.db, {
    action: "screen.link.open",
    outcome: "success",
    actor: { userId: row.id, username: `screen-link:${row.prefix}` },
    meta,
    targetType: "screen_token",
    targetId: row.id,
    areaPath: row.area_path,
  });
  return { link: kioskOf(row), expiresAt: row.expires_at };
}

/** What the wall's cookie holds now: its link, or SCREEN_LINK_INVALID once revoked or expired. */
export async function currentKiosk(ctx: AppContext, token: string) {
  const row = await liveLink(ctx, token);
  if (!row) throw new DomainError("SCREEN_LINK_INVALID", "this screen link is unknown, revoked or expired");
  return { link: kioskOf(row), expiresAt: row.expires_at };
}
