import {
  authorId,
  canView,
  canWork,
  DomainError,
  fieldIssue,
  type Principal,
  principalScope,
  redactPersonalNumbers,
} from "@wangge/core";
import { pinyin } from "pinyin-pro";
import type { AppContext, RequestMeta } from "../../context.ts";
import { findArea } from "../areas/areas.service.ts";
import { recordAudit, refusal } from "../audit/audit.service.ts";
import { areaInSight, inScope } from "./disclosure-access.ts";
import { isPublicComment, publicComment } from "./disclosure-views.service.ts";
import { findAreaById, listCommentsOn } from "./disclosures.queries.ts";
import type { ProcedureRow } from "./disclosures.table.ts";
import {
  findProcedure,
  insertProcedureIfNew,
  listProceduresUnder,
  listPublishedProcedures,
  updateProcedureRow,
} from "./procedures.queries.ts";

/**
 * Procedure guides (办事指南) of a township or village: what to bring, where, fees, time limits and a
 * contact. Residents find them by Chinese words or pinyin (full or initials, spelled by pinyin-pro as
 * the registry spells names) among their village's and the areas above it; staff who work at the area
 * write and publish them. Texts are official, published as written except that ID and mobile numbers
 * are masked (an office landline stays).
 */
export interface ProcedureInput {
  title: string;
  materials: string[];
  location: string;
  fees: string;
  timeLimit: string;
  contact: string;
  body: string;
  published: boolean;
}

const HAN = /\p{Script=Han}/u;

function spell(text: string): { pinyin: string; initials: string } {
  const syllables = pinyin(text, { toneType: "none", type: "array", v: true, nonZh: "removed" })
    .map((s) => s.toLowerCase().replace(/[^a-z]/g, ""))
    .filter(Boolean);
  return { pinyin: syllables.join(""), initials: syllables.map((s) => s[0]).join("") };
}

function columns(input: ProcedureInput) {
  const mask = redactPersonalNumbers;
  const title = mask(input.title);
  const materials = input.materials.map(mask);
  const keys = spell(title);
  return {
    title,
    materials: JSON.stringify(materials),
    location: mask(input.location),
    fees: mask(input.fees),
    time_limit: mask(input.timeLimit),
    contact: mask(input.contact),
    body: mask(input.body),
    published: input.published,
    search_text: [title, ...materials].join(" ").toLowerCase(),
    title_pinyin: keys.pinyin,
    title_initials: keys.initials,
  };
}

function view(r: ProcedureRow & { area_code: string; area_name: string }) {
  return {
    id: r.id,
    areaCode: r.area_code,
    areaName: r.area_name,
    title: r.title,
    materials: r.materials as unknown as string[],
    location: r.location,
    fees: r.fees,
    timeLimit: r.time_limit,
    contact: r.contact,
    body: r.body,
    published: r.published,
    updatedAt: r.updated_at.toISOString(),
  };
}

const notFound = (id: string) => new DomainError("PROCEDURE_NOT_FOUND", `no procedure ${id} in your scope`);

async function withArea(ctx: AppContext, r: ProcedureRow) {
  const a = await findAreaById(ctx.db, r.area_id);
  return view({ ...r, area_code: a?.code ?? "", area_name: a?.name ?? "" });
}

export async function createProcedure(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: ProcedureInput & { id: string; areaCode: string },
) {
  const existing = await findProcedure(ctx.db, input.id);
  const scope = principalScope(actor, "disclosure.manage");
  if (existing) {
    if (existing.created_by === authorId(actor)) return { procedure: await withArea(ctx, existing), created: false };
    if (!canView(scope, existing.area_path)) throw notFound(input.id);
    throw new DomainError("PROCEDURE_ID_CONFLICT", `procedure id ${input.id} already holds another guide`);
  }
  const area = await areaInSight(ctx, input.areaCode, "body.areaCode", inScope(scope));
  if (!canWork(scope, area.path))
    throw await refusal(
      ctx,
      actor,
      meta,
      { action: "procedure.create", type: "area", id: area.code, areaPath: area.path },
      "procedure guides are written by the area's own staff",
    );
  if (area.level === "grid" || area.level === "microgrid")
    throw new DomainError("VALIDATION_FAILED", "a grid offers no procedures", {
      errors: [fieldIssue("body.areaCode", "DISCLOSURE_FIELD_VILLAGE_ONLY")],
    });
  const now = ctx.now();
  const created = await ctx.db.transaction().execute(async (trx) => {
    const wrote = await insertProcedureIfNew(trx, {
      id: input.id,
      area_id: area.id,
      area_path: area.path,
      ...columns(input),
      created_by: authorId(actor),
      created_at: now,
      updated_at: now,
    });
    if (wrote)
      await recordAudit(ctx, trx, {
        action: "procedure.create",
        outcome: "success",
        actor: { userId: authorId(actor), username: actor.username },
        meta,
        targetType: "procedure",
        targetId: input.id,
        areaPath: area.path,
      });
    return wrote;
  });
  const stored = (await findProcedure(ctx.db, input.id)) as ProcedureRow;
  if (!created && stored.created_by !== authorId(actor))
    throw new DomainError("PROCEDURE_ID_CONFLICT", `procedure id ${input.id} already holds another guide`);
  return { procedure: await withArea(ctx, stored), created };
}

export async function updateProcedure(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  input: ProcedureInput,
) {
  const row = await findProcedure(ctx.db, id);
  const scope = principalScope(actor, "disclosure.manage");
  if (!row || !canView(scope, row.area_path)) throw notFound(id);
  if (!canWork(scope, row.area_path))
    throw await refusal(
      ctx,
      actor,
      meta,
      { action: "procedure.update", type: "procedure", id, areaPath: row.area_path },
      "procedure guides are written by the area's own staff",
    );
  await ctx.db.transaction().execute(async (trx) => {
    await updateProcedureRow(trx, id, { ...columns(input), updated_at: ctx.now() });
    await recordAudit(ctx, trx, {
      action: "procedure.update",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "procedure",
      targetId: id,
      areaPath: row.area_path,
      details: { published: input.published },
    });
  });
  return withArea(ctx, (await findProcedure(ctx.db, id)) as ProcedureRow);
}

/** A village's procedures and those of the areas above it (public), by Chinese words or pinyin. */
export async function searchProcedures(ctx: AppContext, query: { areaCode: string; q?: string | undefined }) {
  const area = await findArea(ctx.db, query.areaCode);
  if (!area || area.abolished_at)
    throw new DomainError("AREA_NOT_FOUND", `no area ${query.areaCode}`, {
      errors: [fieldIssue("query.areaCode", "FIELD_UNKNOWN_AREA")],
    });
  const parts = area.path.split("/").filter(Boolean);
  const paths = parts.map((_, i) => `/${parts.slice(0, i + 1).join("/")}/`);
  const q = query.q?.toLowerCase();
  const isPinyin = q !== undefined && !HAN.test(q) && /^[a-z\s']+$/.test(q);
  const rows = await listPublishedProcedures(ctx.db, {
    paths,
    ...(q && !isPinyin ? { words: q } : {}),
    ...(isPinyin ? { pinyin: q.replace(/[\s']/g, "") } : {}),
  });
  return rows.map(view);
}

/** A published guide (public) with the residents' questions that were answered. */
export async function getPublishedProcedure(ctx: AppContext, id: string) {
  const row = await findProcedure(ctx.db, id);
  if (!row?.published) throw notFound(id);
  const comments = await listCommentsOn(ctx.db, { type: "procedure", id });
  return { ...(await withArea(ctx, row)), comments: comments.filter(isPublicComment).map(publicComment) };
}

export async function listManagedProcedures(
  ctx: AppContext,
  actor: Principal,
  query: { areaCode?: string | undefined },
) {
  const scope = principalScope(actor, "disclosure.manage");
  let prefixes: string[] | null = scope.isGlobal ? null : scope.view;
  if (query.areaCode) {
    prefixes = [(await areaInSight(ctx, query.areaCode, "query.areaCode", inScope(scope))).path];
  }
  if (prefixes && prefixes.length === 0) return [];
  return (await listProceduresUnder(ctx.db, prefixes)).map(view);
}
