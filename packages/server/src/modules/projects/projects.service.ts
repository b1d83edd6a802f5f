import {
  type AcceptanceResult,
  type AcceptanceSignatory,
  acceptanceIssues,
  authorId,
  canView,
  canWork,
  chinaDate,
  DomainError,
  type FieldIssue,
  fieldIssue,
  type MilestoneState,
  type Principal,
  principalScope,
  readyForAcceptance,
  redactPersonalNumbers,
} from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { getAreaInScope } from "../areas/areas.service.ts";
import { recordAudit, refusal } from "../audit/audit.service.ts";
import { projectNotFound, workedProject } from "./project-access.ts";
import { managedProject } from "./project-views.service.ts";
import {
  findAcceptance,
  findMilestone,
  findProject,
  findProjectFile,
  insertAcceptanceIfNew,
  insertMilestoneIfNew,
  insertProjectIfNew,
  insertVersion,
  listAcceptances,
  listMilestones,
  listVersions,
  lockProject,
  updateMilestoneRow,
  updateProjectRow,
} from "./projects.queries.ts";
import type { ProjectRow } from "./projects.table.ts";

/**
 * Livelihood projects (民生项目) of a village or township. A draft changes freely; publishing (with one
 * milestone at least) makes version 1 public; after that the budget, funding source, contractor, dates
 * and text change only by a correction with a reason residents see, the earlier version kept. Progress
 * is told by milestones (planned and actual dates) and photos; the completion acceptance (验收) is
 * recorded once every milestone is done — a failed one kept in the public record with what is to be
 * rectified, the next recorded after it — and a passed acceptance closes the record. Texts are official
 * and published as written, except that ID and mobile numbers are masked.
 */
export interface ProjectContent {
  title: string;
  body: string;
  budgetFen: number;
  fundingSource: string;
  contractor: string;
  startOn: string | null;
  plannedEndOn: string | null;
}

const mask = redactPersonalNumbers;

function contentColumns(input: ProjectContent) {
  if (input.startOn && input.plannedEndOn && input.plannedEndOn < input.startOn)
    throw new DomainError("VALIDATION_FAILED", "the planned end is before the start", {
      errors: [fieldIssue("body.plannedEndOn", "PROJECT_FIELD_END_BEFORE_START")],
    });
  const title = mask(input.title);
  return {
    title,
    title_search: title.toLowerCase(),
    body: mask(input.body),
    budget_fen: input.budgetFen,
    funding_source: mask(input.fundingSource),
    contractor: mask(input.contractor),
    start_on: input.startOn,
    planned_end_on: input.plannedEndOn,
  };
}

type Columns = ReturnType<typeof contentColumns>;
const CONTENT_KEYS = [
  "title",
  "body",
  "budget_fen",
  "funding_source",
  "contractor",
  "start_on",
  "planned_end_on",
] as const;
const sameContent = (row: ProjectRow, cols: Columns) => CONTENT_KEYS.every((k) => row[k] === cols[k]);

const closedIfAccepted = (row: ProjectRow) => {
  if (row.acceptance_result === "passed")
    throw new DomainError("PROJECT_ACCEPTED", `project ${row.id} passed its completion acceptance`);
};

function versionRow(row: ProjectRow, actor: Principal, version: number, reason: string | null, at: Date) {
  return {
    project_id: row.id,
    version,
    title: row.title,
    body: row.body,
    budget_fen: row.budget_fen,
    funding_source: row.funding_source,
    contractor: row.contractor,
    start_on: row.start_on,
    planned_end_on: row.planned_end_on,
    reason,
    published_at: at,
    published_by: authorId(actor),
    published_by_name: actor.displayName || actor.username,
  };
}

const who = (actor: Principal) => ({ userId: authorId(actor), username: actor.username });

export async function createProject(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: ProjectContent & { id: string; areaCode: string },
) {
  const scope = principalScope(actor, "project.manage");
  const retried = async (existing: ProjectRow) => {
    if (!canView(scope, existing.area_path)) throw projectNotFound(input.id);
    if (existing.created_by !== authorId(actor))
      throw new DomainError("PROJECT_ID_CONFLICT", `project id ${input.id} already holds another project`);
    return { project: await managedProject(ctx, actor, existing.id), created: false };
  };
  const existing = await findProject(ctx.db, input.id);
  if (existing) return retried(existing);
  const area = await getAreaInScope(ctx.db, input.areaCode, scope).catch((e: unknown) => {
    if (e instanceof DomainError && e.code === "AREA_NOT_FOUND")
      throw new DomainError("AREA_NOT_FOUND", `no area ${input.areaCode} in your scope`, {
        errors: [fieldIssue("body.areaCode", "FIELD_UNKNOWN_AREA")],
      });
    throw e;
  });
  if (!canWork(scope, area.path))
    throw await refusal(
      ctx,
      actor,
      meta,
      { action: "project.create", type: "area", id: area.code, areaPath: area.path },
      "projects are run by the village's or township's own staff",
    );
  if (area.level !== "village" && area.level !== "township")
    throw new DomainError("VALIDATION_FAILED", "a project belongs to a village or a township", {
      errors: [fieldIssue("body.areaCode", "PROJECT_FIELD_AREA_LEVEL")],
    });
  const cols = contentColumns(input);
  const now = ctx.now();
  const created = await ctx.db.transaction().execute(async (trx) => {
    const wrote = await insertProjectIfNew(trx, {
      id: input.id,
      area_id: area.id,
      area_path: area.path,
      ...cols,
      created_by: authorId(actor),
      created_at: now,
      updated_at: now,
    });
    if (wrote)
      await recordAudit(ctx, trx, {
        action: "project.create",
        outcome: "success",
        actor: who(actor),
        meta,
        targetType: "project",
        targetId: input.id,
        areaPath: area.path,
        details: { budgetFen: input.budgetFen },
      });
    return wrote;
  });
  if (!created) return retried((await findProject(ctx.db, input.id)) as ProjectRow);
  return { project: await managedProject(ctx, actor, input.id), created: true };
}

/** Edits a draft; corrects a published project (a new version, with the reason residents see). */
export async function updateProject(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  input: ProjectContent & { reason?: string | undefined },
) {
  await workedProject(ctx, actor, meta, id, "project.update");
  const cols = contentColumns(input);
  const reason = input.reason ? mask(input.reason) : null;
  await ctx.db.transaction().execute(async (trx) => {
    const row = (await lockProject(trx, id)) as ProjectRow;
    closedIfAccepted(row);
    const now = ctx.now();
    if (row.published_version === null) {
      await updateProjectRow(trx, id, { ...cols, updated_at: now });
      await recordAudit(ctx, trx, {
        action: "project.update",
        outcome: "success",
        actor: who(actor),
        meta,
        targetType: "project",
        targetId: id,
        areaPath: row.area_path,
        details: { budgetFen: input.budgetFen },
      });
      return;
    }
    if (!reason)
      throw new DomainError("VALIDATION_FAILED", "a published project changes only with a reason", {
        errors: [fieldIssue("body.reason", "PROJECT_FIELD_REASON")],
      });
    if (sameContent(row, cols)) {
      const latest = (await listVersions(trx, id))[0];
      if (latest?.reason === reason) return; // a retry of the same correction
      throw new DomainError("VALIDATION_FAILED", "nothing changed", {
        errors: [fieldIssue("body", "PROJECT_FIELD_UNCHANGED")],
      });
    }
    const version = row.published_version + 1;
    const next = { ...row, ...cols };
    await updateProjectRow(trx, id, { ...cols, published_version: version, last_published_at: now, updated_at: now });
    await insertVersion(trx, versionRow(next, actor, version, reason, now));
    await recordAudit(ctx, trx, {
      action: "project.correct",
      outcome: "success",
      actor: who(actor),
      meta,
      targetType: "project",
      targetId: id,
      areaPath: row.area_path,
      reason,
      details: { version, budgetFenBefore: row.budget_fen, budgetFen: input.budgetFen },
    });
  });
  return managedProject(ctx, actor, id);
}

export async function publishProject(ctx: AppContext, actor: Principal, meta: RequestMeta, id: string) {
  await workedProject(ctx, actor, meta, id, "project.publish");
  await ctx.db.transaction().execute(async (trx) => {
    const row = (await lockProject(trx, id)) as ProjectRow;
    if (row.published_version !== null) return; // published already (a retry)
    if ((await listMilestones(trx, id)).length === 0)
      throw new DomainError("PROJECT_NO_MILESTONES", `project ${id} has no milestone`);
    const now = ctx.now();
    await updateProjectRow(trx, id, {
      published_version: 1,
      first_published_at: now,
      last_published_at: now,
      updated_at: now,
    });
    await insertVersion(trx, versionRow(row, actor, 1, null, now));
    await recordAudit(ctx, trx, {
      action: "project.publish",
      outcome: "success",
      actor: who(actor),
      meta,
      targetType: "project",
      targetId: id,
      areaPath: row.area_path,
      details: { budgetFen: row.budget_fen },
    });
  });
  return managedProject(ctx, actor, id);
}

export async function addMilestone(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  projectId: string,
  input: { id: string; title: string; plannedOn: string; note: string },
) {
  const row = await workedProject(ctx, actor, meta, projectId, "project.milestone");
  const existing = await findMilestone(ctx.db, input.id);
  if (existing) {
    if (existing.project_id !== projectId || existing.title !== mask(input.title))
      throw new DomainError("PROJECT_ID_CONFLICT", `milestone id ${input.id} already holds another milestone`);
    return { project: await managedProject(ctx, actor, projectId), created: false };
  }
  closedIfAccepted(row);
  const now = ctx.now();
  const created = await ctx.db.transaction().execute(async (trx) => {
    await lockProject(trx, projectId); // positions are counted under the project's lock
    const wrote = await insertMilestoneIfNew(trx, {
      id: input.id,
      project_id: projectId,
      title: mask(input.title),
      planned_on: input.plannedOn,
      status: "planned",
      note: mask(input.note),
      created_at: now,
      updated_at: now,
    });
    if (wrote) {
      await updateProjectRow(trx, projectId, { updated_at: now });
      await recordAudit(ctx, trx, {
        action: "project.milestone",
        outcome: "success",
        actor: who(actor),
        meta,
        targetType: "project",
        targetId: projectId,
        areaPath: row.area_path,
        details: { milestoneId: input.id, plannedOn: input.plannedOn },
      });
    }
    return wrote;
  });
  if (!created) {
    const stored = await findMilestone(ctx.db, input.id);
    if (stored?.project_id !== projectId)
      throw new DomainError("PROJECT_ID_CONFLICT", `milestone id ${input.id} already holds another milestone`);
  }
  return { project: await managedProject(ctx, actor, projectId), created };
}

export async function updateMilestone(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  projectId: string,
  milestoneId: string,
  input: { title: string; plannedOn: string; actualOn: string | null; status: MilestoneState; note: string },
) {
  const row = await workedProject(ctx, actor, meta, projectId, "project.milestone");
  const m = await findMilestone(ctx.db, milestoneId);
  if (m?.project_id !== projectId)
    throw new DomainError("PROJECT_MILESTONE_NOT_FOUND", `project ${projectId} has no milestone ${milestoneId}`);
  closedIfAccepted(row);
  if (input.status === "done" && !input.actualOn)
    throw new DomainError("VALIDATION_FAILED", "a milestone that is done has the date it was done", {
      errors: [fieldIssue("body.actualOn", "PROJECT_FIELD_ACTUAL_DATE")],
    });
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    await updateMilestoneRow(trx, milestoneId, {
      title: mask(input.title),
      planned_on: input.plannedOn,
      actual_on: input.status === "done" ? input.actualOn : null,
      status: input.status,
      note: mask(input.note),
      updated_at: now,
    });
    await updateProjectRow(trx, projectId, { updated_at: now });
    await recordAudit(ctx, trx, {
      action: "project.milestone",
      outcome: "success",
      actor: who(actor),
      meta,
      targetType: "project",
      targetId: projectId,
      areaPath: row.area_path,
      details: { milestoneId, status: input.status, statusBefore: m.status, plannedOnBefore: m.planned_on },
    });
  });
  return managedProject(ctx, actor, projectId);
}

/**
 * A completion acceptance (验收), once every milestone is done. Each one is kept in order: a failed one
 * (with what is to be rectified) stays public when the next is recorded; a passed one closes the record.
 */
export async function recordAcceptance(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  projectId: string,
  input: {
    id: string;
    acceptedOn: string;
    acceptedBy: string;
    result: AcceptanceResult;
    note: string;
    rectifications: string[];
    signatories: AcceptanceSignatory[];
    documentFileId: string | null;
  },
) {
  await workedProject(ctx, actor, meta, projectId, "project.acceptance");
  const retried = async () => {
    const stored = await findAcceptance(ctx.db, input.id);
    if (stored?.project_id !== projectId)
      throw new DomainError("PROJECT_ID_CONFLICT", `acceptance id ${input.id} already holds another acceptance`);
    return { project: await managedProject(ctx, actor, projectId), created: false };
  };
  if (await findAcceptance(ctx.db, input.id)) return retried();
  const refuse = (errors: FieldIssue[]) => {
    if (errors.length > 0)
      throw new DomainError("VALIDATION_FAILED", "the acceptance does not fit the project's record", { errors });
  };
  refuse(acceptanceIssues(input, null, chinaDate(ctx.now())));
  const created = await ctx.db.transaction().execute(async (trx) => {
    const row = (await lockProject(trx, projectId)) as ProjectRow;
    if (await findAcceptance(trx, input.id)) return false; // a parallel retry got the lock first
    if (row.published_version === null)
      throw new DomainError("PROJECT_NOT_PUBLISHED", `project ${projectId} is not published`);
    closedIfAccepted(row);
    if (!readyForAcceptance(await listMilestones(trx, projectId)))
      throw new DomainError("PROJECT_MILESTONES_OPEN", `project ${projectId} has milestones not done`);
    const earlier = await listAcceptances(trx, projectId);
    refuse(acceptanceIssues(input, earlier.at(-1)?.accepted_on ?? null, chinaDate(ctx.now())));
    if (input.documentFileId) {
      const doc = await findProjectFile(trx, input.documentFileId);
      if (doc?.project_id !== projectId || doc.purpose !== "acceptance")
        throw new DomainError("VALIDATION_FAILED", "not this project's acceptance document", {
          errors: [fieldIssue("body.documentFileId", "PROJECT_FIELD_DOCUMENT")],
        });
    }
    const now = ctx.now();
    // The id taken meanwhile (the same client id sent for another project at once): nothing changes.
    const inserted = await insertAcceptanceIfNew(trx, {
      id: input.id,
      project_id: projectId,
      accepted_on: input.acceptedOn,
      accepted_by: mask(input.acceptedBy),
      result: input.result,
      note: mask(input.note),
      rectifications: input.rectifications.map(mask),
      signatories: input.signatories.map((s) => ({ role: s.role, unit: mask(s.unit) })),
      document_file_id: input.documentFileId,
      recorded_at: now,
      recorded_by: authorId(actor),
    });
    if (!inserted)
      throw new DomainError("PROJECT_ID_CONFLICT", `acceptance id ${input.id} is taken by another acceptance`);
    await updateProjectRow(trx, projectId, { acceptance_result: input.result, updated_at: now });
    await recordAudit(ctx, trx, {
      action: "project.acceptance",
      outcome: "success",
      actor: who(actor),
      meta,
      targetType: "project",
      targetId: projectId,
      areaPath: row.area_path,
      details: {
        acceptanceId: input.id,
        number: earlier.length + 1,
        result: input.result,
        acceptedOn: input.acceptedOn,
        before: row.acceptance_result,
      },
    });
    return true;
  });
  if (!created) return retried();
  return { project: await managedProject(ctx, actor, projectId), created: true };
}
