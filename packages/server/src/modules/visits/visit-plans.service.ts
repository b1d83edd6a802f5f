import {
  authorId,
  type ChecklistItem,
  DEFAULT_HOUSEHOLD_VISIT_DAYS,
  DomainError,
  defaultChecklistOf,
  fieldIssue,
  HOUSEHOLD_PLAN_KEY,
  type Principal,
} from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { findPlanRow, listTagPlanRows, updateTagPlan, upsertPlanRow } from "./visits.queries.ts";

/**
 * Visit plans: "every household yearly" (the household plan) and the rhythm and checklist of each care
 * or service tag. Deployment-wide data an official edits in the console; until edited, core's defaults.
 * Sensitive tags have no plan here: a due list must not tell who carries one.
 */
export interface VisitPlan {
  key: string;
  subject: "household" | "tag";
  category: "household" | "care" | "service";
  name: { "zh-CN": string; en: string };
  everyDays: number | null;
  checklist: ChecklistItem[];
}

type Db = Pick<AppContext, "db">;

export async function householdPlan(ctx: Db): Promise<VisitPlan> {
  const row = await findPlanRow(ctx.db, HOUSEHOLD_PLAN_KEY);
  return {
    key: HOUSEHOLD_PLAN_KEY,
    subject: "household",
    category: "household",
    name: { "zh-CN": "每户走访", en: "Every household" },
    everyDays: row?.every_days ?? DEFAULT_HOUSEHOLD_VISIT_DAYS,
    checklist: row ? (row.checklist as ChecklistItem[]) : [...defaultChecklistOf(HOUSEHOLD_PLAN_KEY)],
  };
}

export async function listVisitPlans(ctx: Db): Promise<VisitPlan[]> {
  const tags = await listTagPlanRows(ctx.db);
  return [
    await householdPlan(ctx),
    ...tags.map((t) => ({
      key: t.key,
      subject: "tag" as const,
      category: t.category as "care" | "service",
      name: { "zh-CN": t.name_zh, en: t.name_en },
      everyDays: t.visit_every_days,
      checklist: (t.visit_checklist as ChecklistItem[] | null) ?? [...defaultChecklistOf(t.key)],
    })),
  ];
}

export async function updateVisitPlan(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  key: string,
  input: { everyDays: number | null; checklist: ChecklistItem[] },
): Promise<VisitPlan> {
  const plans = await listVisitPlans(ctx);
  const plan = plans.find((p) => p.key === key);
  if (!plan) throw new DomainError("VISIT_PLAN_NOT_FOUND", `no visit plan ${key}`);
  if (plan.subject === "household" && input.everyDays === null)
    throw new DomainError("VALIDATION_FAILED", "every household is visited on a rhythm", {
      errors: [fieldIssue("body.everyDays", "VISIT_FIELD_EVERY_DAYS")],
    });
  const checklist = JSON.stringify(input.checklist);
  await ctx.db.transaction().execute(async (trx) => {
    if (plan.subject === "household")
      await upsertPlanRow(trx, {
        key,
        every_days: input.everyDays as number,
        checklist,
        updated_at: ctx.now(),
        updated_by: authorId(actor),
      });
    else await updateTagPlan(trx, key, input.everyDays, checklist);
    await recordAudit(ctx, trx, {
      action: "visit_plan.update",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "visit_plan",
      targetId: key,
      areaPath: null,
      details: { everyDays: input.everyDays, checklist: input.checklist.map((i) => i.key) },
    });
  });
  return (await listVisitPlans(ctx)).find((p) => p.key === key) as VisitPlan;
}
