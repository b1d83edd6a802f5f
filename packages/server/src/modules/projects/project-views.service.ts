import {
  codeOfPath,
  DomainError,
  fieldIssue,
  milestoneLate,
  type Principal,
  principalScope,
  projectStage,
} from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { findArea } from "../areas/areas.service.ts";
import {
  areaById,
  commentsOn,
  isPublicComment,
  publicComment,
  staffComment,
} from "../disclosures/disclosure-views.service.ts";
import { projectNotFound, staffProject } from "./project-access.ts";
import {
  findProject,
  listAcceptances,
  listMilestones,
  listProjectFiles,
  listProjectsUnder,
  listPublishedProjects,
  listVersions,
  type ProjectListRow,
} from "./projects.queries.ts";
import type {
  ProjectAcceptanceRow,
  ProjectFileRow,
  ProjectMilestoneRow,
  ProjectRow,
  ProjectVersionRow,
} from "./projects.table.ts";

/**
 * What readers see of livelihood projects. Anyone (signed in or not) reads a published project: its
 * current version with earlier ones and their correction reasons, milestones, progress photos, the
 * completion acceptances in order (a failed one too) and the answered questions — never who in the office changed what. Staff of
 * the area see drafts, every file, and every comment with its author.
 */
const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Today in the deployment's time zone, as YYYY-MM-DD (a milestone is late from the day after). */
export function today(ctx: Pick<AppContext, "config" | "now">): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: ctx.config.timezone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(ctx.now());
}

function fileView(f: ProjectFileRow) {
  return {
    id: f.id,
    purpose: f.purpose,
    milestoneId: f.milestone_id,
    fileName: f.file_name,
    caption: f.caption,
    contentType: f.content_type,
    size: f.size,
    createdAt: f.created_at.toISOString(),
  };
}

function milestoneView(m: ProjectMilestoneRow, day: string) {
  return {
    id: m.id,
    position: m.position,
    title: m.title,
    plannedOn: m.planned_on,
    actualOn: m.actual_on,
    status: m.status,
    note: m.note,
    late: milestoneLate({ status: m.status, plannedOn: m.planned_on }, day),
  };
}

function versionView(v: ProjectVersionRow, staff: boolean) {
  return {
    version: v.version,
    title: v.title,
    body: v.body,
    budgetFen: v.budget_fen,
    fundingSource: v.funding_source,
    contractor: v.contractor,
    startOn: v.start_on,
    plannedEndOn: v.planned_end_on,
    reason: v.reason,
    publishedAt: v.published_at.toISOString(),
    publishedBy: staff ? v.published_by_name : null,
  };
}

function acceptanceView(a: ProjectAcceptanceRow, index: number, files: ProjectFileRow[]) {
  const doc = files.find((f) => f.id === a.document_file_id);
  return {
    id: a.id,
    number: index + 1,
    acceptedOn: a.accepted_on,
    acceptedBy: a.accepted_by,
    result: a.result,
    note: a.note,
    rectifications: a.rectifications,
    signatories: a.signatories,
    document: doc ? fileView(doc) : null,
    recordedAt: a.recorded_at.toISOString(),
  };
}

function core(
  p: ProjectRow,
  area: { code: string; name: string },
  milestones: { status: ProjectMilestoneRow["status"] }[],
  counts?: { done: number; total: number; started: boolean },
) {
  const done = counts?.done ?? milestones.filter((m) => m.status === "done").length;
  const total = counts?.total ?? milestones.length;
  const stageMilestones = counts
    ? // The list knows counts only: enough to tell not started, under way and all done apart.
      Array.from({ length: total }, (_, i) =>
        i < done
          ? { status: "done" as const }
          : { status: counts.started ? ("in_progress" as const) : ("planned" as const) },
      )
    : milestones;
  return {
    id: p.id,
    areaCode: area.code,
    areaName: area.name,
    title: p.title,
    budgetFen: p.budget_fen,
    fundingSource: p.funding_source,
    contractor: p.contractor,
    stage: projectStage({
      published: p.published_version !== null,
      milestones: stageMilestones,
      acceptanceResult: p.acceptance_result,
    }),
    milestonesDone: done,
    milestonesTotal: total,
  };
}

function summaryView(r: ProjectListRow) {
  return {
    ...core(r, { code: r.area_code, name: r.area_name }, [], {
      done: r.milestones_done,
      total: r.milestones_total,
      started: r.started,
    }),
    version: r.published_version,
    publishedAt: iso(r.last_published_at),
    updatedAt: r.updated_at.toISOString(),
  };
}

async function areaOf(ctx: AppContext, row: ProjectRow) {
  const area = await areaById(ctx, row.area_id);
  return { code: area?.code ?? codeOfPath(row.area_path) ?? "", name: area?.name ?? "" };
}

/** A village's published projects and those of the areas above it (public), newest first. */
export async function listPublishedProjectViews(ctx: AppContext, query: { areaCode: string; q?: string | undefined }) {
  const area = await findArea(ctx.db, query.areaCode);
  if (!area || area.abolished_at)
    throw new DomainError("AREA_NOT_FOUND", `no area ${query.areaCode}`, {
      errors: [fieldIssue("query.areaCode", "FIELD_UNKNOWN_AREA")],
    });
  const parts = area.path.split("/").filter(Boolean);
  const paths = parts.map((_, i) => `/${parts.slice(0, i + 1).join("/")}/`);
  return (await listPublishedProjects(ctx.db, { paths, q: query.q?.toLowerCase() })).map(summaryView);
}

/** A published project as anyone reads it; a draft or an unknown id: not found alike. */
export async function publicProject(ctx: AppContext, id: string) {
  const row = await findProject(ctx.db, id);
  if (!row || row.published_version === null) throw projectNotFound(id);
  const [versions, milestones, files, acceptances, comments, area] = await Promise.all([
    listVersions(ctx.db, id),
    listMilestones(ctx.db, id),
    listProjectFiles(ctx.db, id),
    listAcceptances(ctx.db, id),
    commentsOn(ctx, { type: "project", id }),
    areaOf(ctx, row),
  ]);
  const day = today(ctx);
  const current = versions[0] as ProjectVersionRow;
  return {
    ...core(row, area, milestones),
    // What residents read is the published version, not an edit in progress.
    title: current.title,
    budgetFen: current.budget_fen,
    fundingSource: current.funding_source,
    contractor: current.contractor,
    body: current.body,
    startOn: current.start_on,
    plannedEndOn: current.planned_end_on,
    version: current.version,
    correctionReason: current.reason,
    publishedAt: current.published_at.toISOString(),
    earlier: versions.slice(1).map((v) => versionView(v, false)),
    milestones: milestones.map((m) => milestoneView(m, day)),
    photos: files.filter((f) => f.purpose === "photo").map(fileView),
    acceptances: acceptances.map((a, i) => acceptanceView(a, i, files)),
    comments: comments.filter(isPublicComment).map(publicComment),
  };
}

/** Every acceptance of a published project, in order (public): a draft or an unknown id is not found. */
export async function publicAcceptances(ctx: AppContext, id: string) {
  const row = await findProject(ctx.db, id);
  if (!row || row.published_version === null) throw projectNotFound(id);
  const [acceptances, files] = await Promise.all([listAcceptances(ctx.db, id), listProjectFiles(ctx.db, id)]);
  return acceptances.map((a, i) => acceptanceView(a, i, files));
}

/** Everything of a project, for staff of its area. */
export async function managedProject(ctx: AppContext, actor: Principal, id: string) {
  const row = await staffProject(ctx, actor, id);
  const [versions, milestones, files, acceptances, comments, area] = await Promise.all([
    listVersions(ctx.db, id),
    listMilestones(ctx.db, id),
    listProjectFiles(ctx.db, id),
    listAcceptances(ctx.db, id),
    commentsOn(ctx, { type: "project", id }),
    areaOf(ctx, row),
  ]);
  const day = today(ctx);
  const now = ctx.now();
  return {
    ...core(row, area, milestones),
    body: row.body,
    startOn: row.start_on,
    plannedEndOn: row.planned_end_on,
    version: row.published_version,
    versions: versions.map((v) => versionView(v, true)),
    milestones: milestones.map((m) => milestoneView(m, day)),
    files: files.map(fileView),
    acceptances: acceptances.map((a, i) => acceptanceView(a, i, files)),
    comments: comments.map((c) => staffComment(c, { title: row.title, areaCode: area.code }, now)),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Projects under the caller's areas (or one area of them), published or not. */
export async function listManagedProjects(
  ctx: AppContext,
  actor: Principal,
  query: { areaCode?: string | undefined; limit: number },
) {
  const scope = principalScope(actor, "project.manage");
  let prefixes: string[] | null = scope.isGlobal ? null : scope.view;
  if (query.areaCode) {
    const area = await findArea(ctx.db, query.areaCode);
    if (!area || !(scope.isGlobal || scope.view.some((p) => area.path.startsWith(p))))
      throw new DomainError("AREA_NOT_FOUND", `no area ${query.areaCode} in your scope`, {
        errors: [fieldIssue("query.areaCode", "FIELD_UNKNOWN_AREA")],
      });
    prefixes = [area.path];
  }
  if (prefixes && prefixes.length === 0) return [];
  return (await listProjectsUnder(ctx.db, prefixes, query.limit)).map(summaryView);
}
