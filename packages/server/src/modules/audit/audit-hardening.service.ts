import { DomainError } from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { type AuditTableGuard, findAuditTableGuard, hardenAuditTableSql, roleExists } from "./audit.queries.ts";
import { recordAudit } from "./audit.service.ts";

/**
 * On PostgreSQL the append-only triggers of audit_log hold only against roles that do not own the
 * table: its owner can switch them off (ALTER TABLE … DISABLE TRIGGER), the trigger function's owner
 * can replace the function, the schema's owner can drop the table. The application's role should be
 * none of these (README, "Running on PostgreSQL"); `wangge db harden` sets it up, and the server warns
 * at start while the connected role could still do it. (The embedded database runs inside the server
 * process: there is no role to separate, and the checkpoints are what guard it.)
 */
export function tamperReasons(guard: AuditTableGuard): string[] {
  if (guard.superuser) return ["is a superuser"];
  const reasons: string[] = [];
  if (guard.ownsTable) reasons.push(`owns the table audit_log (as ${guard.tableOwner}): can disable its triggers`);
  if (guard.ownsFunction) reasons.push("owns the trigger function audit_log_append_only(): can replace it");
  if (guard.ownsSchema) reasons.push("owns the schema of audit_log: can drop the table");
  if (!guard.triggersOn) reasons.push("the append-only triggers of audit_log are missing or disabled");
  return reasons;
}

/** Why the connected role could remove audit rows without the database refusing; [] when it cannot. */
export async function auditTamperRisk(
  ctx: Pick<AppContext, "db" | "dbKind">,
): Promise<{ role: string; reasons: string[] } | null> {
  if (ctx.dbKind !== "postgres") return null;
  const guard = await findAuditTableGuard(ctx.db);
  if (!guard) return null;
  return { role: guard.role, reasons: tamperReasons(guard) };
}

/** One warning line at start when the connected role can switch the audit trail's protection off. */
export async function warnAboutAuditTamperRisk(ctx: Pick<AppContext, "db" | "dbKind" | "log">): Promise<void> {
  const risk = await auditTamperRisk(ctx);
  if (risk && risk.reasons.length > 0)
    ctx.log.warn(
      { role: risk.role, reasons: risk.reasons },
      `the database role ${risk.role} can remove audit rows without the database refusing (${risk.reasons.join("; ")}): give audit_log to another role, see README "Running on PostgreSQL" (wangge db harden)`,
    );
}

/**
 * `wangge db harden --owner OWNER --app APP`, run by a superuser (or a role that owns audit_log and is a
 * member of OWNER): OWNER owns audit_log and its trigger function, APP keeps INSERT and SELECT, the
 * triggers fire always. Audited. Returns what APP could still do (the command then exits 1), e.g. as a
 * member of OWNER.
 */
export async function hardenAuditTable(
  ctx: Pick<AppContext, "db" | "dbKind" | "config" | "now">,
  meta: RequestMeta,
  owner: string,
  app: string,
): Promise<{ owner: string; app: string; reasons: string[] }> {
  if (ctx.dbKind !== "postgres")
    throw new DomainError(
      "VALIDATION_FAILED",
      "db harden is for PostgreSQL (DATABASE_URL): the embedded database has no roles to separate",
    );
  if (owner === app) throw new DomainError("VALIDATION_FAILED", "--owner and --app must be different roles");
  for (const [option, role] of [
    ["--owner", owner],
    ["--app", app],
  ] as const)
    if (!(await roleExists(ctx.db, role)))
      throw new DomainError("VALIDATION_FAILED", `${option}: there is no role ${role} (create it first)`);
  if (!(await findAuditTableGuard(ctx.db)))
    throw new DomainError(
      "VALIDATION_FAILED",
      "there is no audit_log table yet: start the server (or wangge migrate) once as the application's role first",
    );
  await ctx.db.transaction().execute(async (trx) => {
    await hardenAuditTableSql(trx, owner, app);
    await recordAudit(ctx, trx, {
      action: "audit.harden",
      outcome: "success",
      actor: { userId: null, username: "system" },
      meta,
      targetType: "table",
      targetId: "audit_log",
      details: { owner, app },
    });
  });
  const guard = await findAuditTableGuard(ctx.db, app);
  return { owner, app, reasons: guard ? tamperReasons(guard) : [] };
}
