import {
  authorId,
  canWork,
  DomainError,
  fieldIssue,
  type NewSubsidyProgramSchema,
  type Principal,
  principalScope,
  redactPersonalNumbers,
  type SubsidyProgramChangeSchema,
} from "@wangge/core";
import type { z } from "zod";
import type { AppContext, RequestMeta } from "../../context.ts";
import { getAreaToWork } from "../areas/areas.service.ts";
import { recordAudit, refusal } from "../audit/audit.service.ts";
import {
  findProgram,
  findProgramNamed,
  insertProgram,
  listPrograms,
  listProgramsOver,
  type ProgramView,
  updateProgram,
} from "./subsidies.queries.ts";

/**
 * Subsidy programmes (耕地地力保护补贴, 低保, 高龄津贴 …): set by an area (a county, a township) with their
 * rules text, what the public list shows of amounts, and optionally the range an amount must lie in.
 * Managed with `disclosure.manage` where the programme is run (work scope); read by anyone managing
 * disclosures above or below it; their rules are public (payments.service publicPrograms).
 */
export function programView(p: ProgramView) {
  return {
    id: p.id,
    name: p.name,
    areaCode: p.area_code,
    areaName: p.area_name,
    rules: p.rules,
    publicAmount: p.public_amount,
    minAmountFen: p.min_amount_fen,
    maxAmountFen: p.max_amount_fen,
    createdAt: p.created_at.toISOString(),
  };
}

const notFound = (id: string) =>
  new DomainError("SUBSIDY_PROGRAM_NOT_FOUND", `no subsidy programme ${id} in your scope`);
const scopeOf = (actor: Principal) => principalScope(actor, "disclosure.manage");

/** Whether a programme run at `programPath` reaches the scope (run there, above or below it). */
const reaches = (actor: Principal, programPath: string) => {
  const scope = scopeOf(actor);
  return scope.isGlobal || scope.view.some((p) => p.startsWith(programPath) || programPath.startsWith(p));
};

export async function listSubsidyPrograms(ctx: AppContext, actor: Principal) {
  const scope = scopeOf(actor);
  return (await listPrograms(ctx.db, scope.isGlobal ? null : scope.view)).map(programView);
}

export async function createSubsidyProgram(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: z.output<typeof NewSubsidyProgramSchema>,
) {
  // A programme's name and rules are published: ID and phone numbers typed into them are masked.
  input = { ...input, name: redactPersonalNumbers(input.name), rules: redactPersonalNumbers(input.rules) };
  const existing = await findProgram(ctx.db, input.id);
  if (existing) return { created: false, program: retried(actor, existing, input.name) };
  const area = await getAreaToWork(ctx, actor, meta, input.areaCode, scopeOf(actor), "subsidy.program.create");
  if (await findProgramNamed(ctx.db, area.path, input.name))
    throw new DomainError("VALIDATION_FAILED", "a programme of that name is already run here", {
      errors: [fieldIssue("body.name", "FIELD_TAKEN")],
    });
  const now = ctx.now();
  const inserted = await ctx.db.transaction().execute(async (trx) => {
    const done = await insertProgram(trx, {
      id: input.id,
      name: input.name,
      area_id: area.id,
      area_path: area.path,
      rules: input.rules,
      public_amount: input.publicAmount,
      min_amount_fen: input.minAmountFen,
      max_amount_fen: input.maxAmountFen,
      created_by: authorId(actor),
      created_at: now,
      updated_at: now,
    });
    if (done)
      await recordAudit(ctx, trx, {
        action: "subsidy.program.create",
        outcome: "success",
        actor: { userId: authorId(actor), username: actor.username },
        meta,
        targetType: "subsidy_program",
        targetId: input.id,
        areaPath: area.path,
        details: { name: input.name },
      });
    return done;
  });
  const row = (await findProgram(ctx.db, input.id)) as ProgramView;
  return { created: inserted, program: inserted ? programView(row) : retried(actor, row, input.name) };
}

function retried(actor: Principal, existing: ProgramView, name: string) {
  if (existing.created_by !== authorId(actor) || existing.name !== name)
    throw new DomainError("SUBSIDY_ID_CONFLICT", "the id holds another programme");
  return programView(existing);
}

export async function updateSubsidyProgram(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  change: z.output<typeof SubsidyProgramChangeSchema>,
) {
  change = { ...change, name: redactPersonalNumbers(change.name), rules: redactPersonalNumbers(change.rules) };
  const existing = await findProgram(ctx.db, id);
  if (!existing || !reaches(actor, existing.area_path)) throw notFound(id);
  if (!canWork(scopeOf(actor), existing.area_path))
    throw await refusal(
      ctx,
      actor,
      meta,
      { action: "subsidy.program.update", type: "subsidy_program", id, areaPath: existing.area_path },
      "a programme is edited where it is run",
    );
  if (change.name !== existing.name && (await findProgramNamed(ctx.db, existing.area_path, change.name)))
    throw new DomainError("VALIDATION_FAILED", "a programme of that name is already run here", {
      errors: [fieldIssue("body.name", "FIELD_TAKEN")],
    });
  await ctx.db.transaction().execute(async (trx) => {
    await updateProgram(trx, id, {
      name: change.name,
      rules: change.rules,
      public_amount: change.publicAmount,
      min_amount_fen: change.minAmountFen,
      max_amount_fen: change.maxAmountFen,
      updated_at: ctx.now(),
    });
    await recordAudit(ctx, trx, {
      action: "subsidy.program.update",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "subsidy_program",
      targetId: id,
      areaPath: existing.area_path,
      details: { name: change.name },
    });
  });
  return programView((await findProgram(ctx.db, id)) as ProgramView);
}

/** Programmes a batch of the area may pay (run there or above). */
export async function programsOver(ctx: AppContext, areaPath: string) {
  return listProgramsOver(ctx.db, areaPath);
}
