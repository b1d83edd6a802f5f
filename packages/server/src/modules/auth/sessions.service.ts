import { randomBytes } from "node:crypto";
import { accountRestriction, isSessionAlive, type Principal, type Restriction } from "@wangge/core";
import type { Kysely, Transaction } from "kysely";
import type { AppContext, RequestMeta } from "../../context.ts";
import { sha256 } from "../../crypto/digest.ts";
import type { DB } from "../../db/schema.ts";
import { type AuditEntry, recordAudit } from "../audit/audit.service.ts";
import { recheckStreamsOf } from "../events/live-inbox.ts";
import { loadPrincipal } from "../users/users.service.ts";
import type { AppUserRow } from "../users/users.table.ts";
import { findSessionWithAccount, insertSession, revokeSession, touchSession } from "./auth.queries.ts";
import type { SessionRow } from "./auth.table.ts";

/**
 * Server-side sessions: started by every way of signing in (auth.service's password and TOTP steps,
 * sms-sign-in.service's codes), answered as a finished sign-in, checked on each request and ended at
 * sign-out. The cookie's token is stored only as its SHA-256; the CSRF token is a MAC of it.
 */

export interface Authenticated {
  principal: Principal;
  restriction: Restriction;
  session?: SessionRow;
  csrfToken?: string;
  /** Set when the caller is a big-screen link (screen-links.service): it may open the screen's routes only. */
  screenLinkId?: string;
}

/** An audit record of something a user did with their own account. */
export function auditSelf(
  ctx: AppContext,
  db: Kysely<DB> | Transaction<DB>,
  user: { id: string; username: string },
  meta: RequestMeta,
  entry: Omit<AuditEntry, "actor" | "meta" | "targetType" | "targetId">,
): Promise<number> {
  return recordAudit(ctx, db, {
    ...entry,
    actor: { userId: user.id, username: user.username },
    meta,
    targetType: "user",
    targetId: user.id,
  });
}

export function csrfTokenFor(ctx: AppContext, sessionToken: string): string {
  return ctx.crypto.mac(`csrf:${sessionToken}`);
}

export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

function restrictionFor(
  user: Pick<AppUserRow, "totp_enabled" | "must_change_password">,
  principal: Principal,
): Restriction {
  return accountRestriction(
    { totpEnabled: user.totp_enabled, mustChangePassword: user.must_change_password },
    principal,
  );
}

export async function startSession(
  ctx: AppContext,
  trx: Transaction<DB>,
  user: AppUserRow,
  stage: SessionRow["stage"],
  meta: RequestMeta,
) {
  const token = newSecret();
  const now = ctx.now();
  await insertSession(trx, {
    id_hash: sha256(token),
    user_id: user.id,
    stage,
    created_at: now,
    last_seen_at: now,
    ip: meta.ip,
    user_agent: meta.userAgent?.slice(0, 512) ?? null,
    revoked_at: null,
  });
  return token;
}

export type LoginResult =
  | { step: "done"; sessionToken: string; csrfToken: string; principal: Principal; restriction: Restriction }
  | { step: "totp"; sessionToken: string; csrfToken: string };

/** The end of every successful sign-in: audited, and answered with who the user is and what they must do first. */
export async function signedIn(
  ctx: AppContext,
  trx: Transaction<DB>,
  user: AppUserRow,
  meta: RequestMeta,
  sessionToken: string,
  details: Record<string, unknown>,
): Promise<LoginResult> {
  await auditSelf(ctx, trx, user, meta, {
    action: "auth.login",
    outcome: "success",
    details,
  });
  const principal = await loadPrincipal(trx, user, "session");
  return {
    step: "done",
    sessionToken,
    csrfToken: csrfTokenFor(ctx, sessionToken),
    principal,
    restriction: restrictionFor(user, principal),
  };
}

export function toTimes(s: SessionRow) {
  return { createdAt: s.created_at, lastSeenAt: s.last_seen_at };
}

/** The user behind a session cookie, or undefined when it is unknown, revoked, expired or half-done. */
export async function authenticateSession(ctx: AppContext, sessionToken: string): Promise<Authenticated | undefined> {
  const idHash = sha256(sessionToken);
  const row = await findSessionWithAccount(ctx.db, idHash);
  const now = ctx.now();
  if (!row || row.revoked_at || row.stage !== "active" || !isSessionAlive(toTimes(row), ctx.config.session, now)) {
    return undefined;
  }
  const { username, display_name, user_status, totp_enabled, must_change_password, ...session } = row;
  if (user_status !== "active") return undefined;
  const user = { id: session.user_id, username, display_name, totp_enabled, must_change_password };
  // Writing last_seen_at on every request would turn reads into writes; once a minute is enough for a 30-minute idle limit.
  if (now.getTime() - session.last_seen_at.getTime() > 60_000) await touchSession(ctx.db, idHash, now);
  const principal = await loadPrincipal(ctx.db, user, "session");
  return {
    principal,
    restriction: restrictionFor(user, principal),
    session,
    csrfToken: csrfTokenFor(ctx, sessionToken),
  };
}

/** Ends a session; the sign-out is audited when the cookie still named a live session. */
export async function logout(ctx: AppContext, meta: RequestMeta, sessionToken: string): Promise<void> {
  const signedInAs = await authenticateSession(ctx, sessionToken);
  await ctx.db.transaction().execute(async (trx) => {
    await revokeSession(trx, sha256(sessionToken), ctx.now());
    if (signedInAs) {
      const { principal } = signedInAs;
      await recordAudit(ctx, trx, {
        action: "auth.logout",
        outcome: "success",
        actor: { userId: principal.userId, username: principal.username },
        meta,
        targetType: "user",
        targetId: principal.userId,
      });
    }
  });
  // The session's live streams end now rather than at their next re-check (a wall signed out says so at once).
  if (signedInAs) await recheckStreamsOf(ctx, signedInAs.principal.userId);
}
