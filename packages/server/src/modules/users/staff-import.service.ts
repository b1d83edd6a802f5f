import {
  authorId,
  bothWords,
  DomainError,
  ERROR_TEXTS,
  type FieldIssue,
  fieldIssue,
  normalizeMobile,
  type Principal,
  parseStaffPost,
  principalScope,
} from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { uuidv7 } from "../../ids.ts";
import { getAreaInScope } from "../areas/areas.service.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { drawNumberLookups } from "../registry/number-lookups.ts";
import { grantAssignment } from "./assignments.service.ts";
import type { StaffRow } from "./staff-file.ts";
import { canSeeAccount } from "./user-access.service.ts";
import { findUserByPhoneIndex, listAssignmentsOfUsers } from "./users.queries.ts";
import { createUser } from "./users.service.ts";

/** Staff rosters: posts for sunk officials and grid staff, many at once, from a CSV or XLSX file. */
export type StaffRowOutcome =
  | { row: number; outcome: "created"; username: string; temporaryPassword: string }
  | { row: number; outcome: "assigned" | "unchanged"; username: string }
  | { row: number; outcome: "rejected"; errors: FieldIssue[] };

/**
 * Each row gives a person a post in a grid. A person is recognised by their mobile number (blind
 * index): known people get the new post, new people get an account with a temporary password shown
 * once in this report. Every row is checked and reported on its own; a rejected row changes nothing.
 * A number held by an account the importer cannot see (another township's worker, a resident) is
 * refused in the same words whoever holds it — never named, nor its account's id — and is one look-up
 * from the importer's allowance of look-ups by number (registry/number-lookups.ts), since it tells
 * that the number is somebody's; once the allowance is spent, every number not of an account the
 * importer sees is refused in one wording. The import is audited with how many rows were refused so.
 * A cell with text the database cannot hold (NUL, a control character, broken UTF-8) refuses its row.
 */
export async function importStaffPosts(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  rows: StaffRow[],
): Promise<StaffRowOutcome[]> {
  const out: StaffRowOutcome[] = [];
  const scope = principalScope(actor, "user.manage");
  let refusedNumbers = 0;
  let limitedNumbers = 0;
  for (const r of rows) {
    const errors: FieldIssue[] = [];
    const at = (field: string) => `rows.${r.row}.${field}`;
    for (const field of r.unstorable) errors.push(fieldIssue(at(field), "FIELD_UNSTORABLE_TEXT"));
    if (!r.name) errors.push(fieldIssue(at("name"), "FIELD_NAME_REQUIRED"));
    const phone = normalizeMobile(r.phone);
    if (!phone) errors.push(fieldIssue(at("phone"), "FIELD_MOBILE_FORM"));
    const post = parseStaffPost(r.role);
    const roleKey = post?.roleKey;
    if (!roleKey) errors.push(fieldIssue(at("role"), "FIELD_STAFF_ROLE"));
    if (roleKey === "grid_instructor" && !r.homeUnit)
      errors.push(fieldIssue(at("homeUnit"), "FIELD_HOME_UNIT_REQUIRED"));
    const area = r.gridCode ? await findAreaForStaff(ctx, r.gridCode) : undefined;
    if (!area || !(scope.isGlobal || scope.view.some((p) => area.path.startsWith(p)))) {
      errors.push(fieldIssue(at("gridCode"), "FIELD_NO_GRID", { code: r.gridCode || "—" }));
    }
    if (errors.length > 0 || !phone || !roleKey || !area) {
      out.push({ row: r.row, outcome: "rejected", errors });
      continue;
    }
    try {
      const existing = await findUserByPhoneIndex(ctx.db, ctx.crypto.blindIndex(phone));
      const visible = existing ? await canSeeAccount(ctx, actor, existing.id) : false;
      // A number held out of sight is a look-up from the importer's allowance; once none is left,
      // every number not of an account they see is refused alike, somebody's or not.
      let outcome: "go" | "refused" | "limited" = "go";
      if (!visible)
        await drawNumberLookups(ctx, actor, (left) => {
          outcome = left <= 0 ? "limited" : existing ? "refused" : "go";
          return outcome === "refused" ? 1 : 0;
        });
      if (outcome !== "go") {
        if (outcome === "refused") refusedNumbers++;
        else limitedNumbers++;
        const code = outcome === "refused" ? "FIELD_PHONE_NOT_USABLE" : "REGISTRY_FIELD_LOOKUPS_SPENT";
        out.push({ row: r.row, outcome: "rejected", errors: [fieldIssue(at("phone"), code)] });
      } else if (existing) {
        const before = (await listAssignmentsOfUsers(ctx.db, [existing.id])).length;
        await grantAssignment(ctx, actor, meta, {
          id: uuidv7(),
          userId: existing.id,
          roleKey,
          areaCode: r.gridCode,
          homeUnit: r.homeUnit || undefined,
          employment: post?.employment,
        });
        const after = (await listAssignmentsOfUsers(ctx.db, [existing.id])).length;
        out.push({ row: r.row, outcome: after > before ? "assigned" : "unchanged", username: existing.username });
      } else {
        const username = `staff-${uuidv7().slice(-8)}`;
        const { initialPassword } = await createUser(ctx, actor, meta, {
          id: uuidv7(),
          username,
          displayName: r.name,
          phone,
          assignment: {
            roleKey,
            areaCode: r.gridCode,
            homeUnit: r.homeUnit || undefined,
            employment: post?.employment,
          },
        });
        out.push({ row: r.row, outcome: "created", username, temporaryPassword: initialPassword as string });
      }
    } catch (error) {
      // A domain refusal says why; anything else is logged, and the row says no more than that it failed.
      if (!(error instanceof DomainError)) ctx.log.warn({ err: error, row: r.row }, "a staff roster row failed");
      const issue =
        error instanceof DomainError
          ? fieldIssue(`rows.${r.row}`, "FIELD_ROW_REFUSED", {
              code: error.code,
              reason: bothWords(ERROR_TEXTS[error.code]?.["zh-CN"] ?? error.message, error.message),
            })
          : fieldIssue(`rows.${r.row}`, "FIELD_ROW_NOT_SAVED");
      out.push({ row: r.row, outcome: "rejected", errors: [issue] });
    }
  }
  const count = (outcome: StaffRowOutcome["outcome"]) => out.filter((o) => o.outcome === outcome).length;
  await recordAudit(ctx, ctx.db, {
    action: "user.import.staff",
    outcome: "success",
    actor: { userId: authorId(actor), username: actor.username },
    meta,
    targetType: "user",
    details: {
      rows: rows.length,
      created: count("created"),
      assigned: count("assigned"),
      unchanged: count("unchanged"),
      rejected: count("rejected"),
      refusedNumbers,
      limitedNumbers,
    },
  });
  return out;
}

async function findAreaForStaff(ctx: AppContext, code: string) {
  const scope = { isGlobal: true, view: [], workSubtrees: [], workAreas: [] };
  return getAreaInScope(ctx.db, code, scope).catch(() => undefined);
}
