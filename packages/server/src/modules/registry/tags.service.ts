import {
  authorId,
  bothWords,
  canView,
  chinaDate,
  DEFAULT_TAGS,
  DomainError,
  type FieldIssue,
  fieldIssue,
  type Principal,
  principalPermissions,
  principalScope,
  tagInForce,
} from "@wangge/core";
import type { Kysely, Transaction } from "kysely";
import type { AppContext, RequestMeta } from "../../context.ts";
import type { DB } from "../../db/schema.ts";
import { uuidv7 } from "../../ids.ts";
import { recordAudit } from "../audit/audit.service.ts";
import {
  endTag,
  findHousehold,
  findPerson,
  findTag,
  insertTags,
  listTagDefinitions,
  upsertTagDefinitions,
} from "./registry.queries.ts";
import type { SubjectTagRow, TagDefinitionRow } from "./registry.table.ts";
import { requireWork } from "./registry-work.ts";

/**
 * Tags on people and households. Sensitive tags exist only for those allowed to see them: without
 * `tag.sensitive.read` they are absent from definitions, records and search results alike.
 */
export interface TagInput {
  key: string;
  validFrom?: string | undefined;
  validTo?: string | undefined;
  note?: string | undefined;
  source?: string | undefined;
}

export async function ensureDefaultTags(db: Kysely<DB>): Promise<void> {
  await upsertTagDefinitions(
    db,
    DEFAULT_TAGS.map((t) => ({
      key: t.key,
      category: t.category,
      name_zh: t.name["zh-CN"],
      name_en: t.name.en,
      visit_every_days: t.visitEveryDays,
      requires_end_date: t.requiresEndDate,
    })),
  );
}

/** Definitions the caller may know of: sensitive ones only with `tag.sensitive.read` somewhere. */
export async function visibleTagDefinitions(
  ctx: Pick<AppContext, "db">,
  actor: Principal,
): Promise<Map<string, TagDefinitionRow>> {
  const sensitive = principalPermissions(actor).includes("tag.sensitive.read");
  const rows = await listTagDefinitions(ctx.db);
  return new Map(rows.filter((r) => sensitive || r.category !== "sensitive").map((r) => [r.key, r]));
}

export function tagViews(
  rows: SubjectTagRow[],
  definitions: Map<string, TagDefinitionRow>,
  sensitiveHere: boolean,
  today: string,
) {
  return rows.flatMap((r) => {
    const d = definitions.get(r.tag_key);
    if (!d || (d.category === "sensitive" && !sensitiveHere)) return [];
    if (!tagInForce({ validFrom: r.valid_from, validTo: r.valid_to }, today)) return [];
    return [
      {
        id: r.id,
        key: r.tag_key,
        category: d.category,
        name: { "zh-CN": d.name_zh, en: d.name_en },
        visitEveryDays: d.visit_every_days,
        validFrom: r.valid_from,
        validTo: r.valid_to,
        source: r.source,
        note: r.note,
      },
    ];
  });
}

export function listTagDefinitionViews(definitions: Map<string, TagDefinitionRow>) {
  return [...definitions.values()].map((d) => ({
    key: d.key,
    category: d.category,
    name: { "zh-CN": d.name_zh, en: d.name_en },
    visitEveryDays: d.visit_every_days,
    requiresEndDate: d.requires_end_date,
  }));
}

function checkTags(
  definitions: Map<string, TagDefinitionRow>,
  tags: TagInput[],
  today: string,
  path: (i: number) => string,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const [i, t] of tags.entries()) {
    const d = definitions.get(t.key);
    if (!d) {
      issues.push(fieldIssue(`${path(i)}.key`, "REGISTRY_FIELD_NO_TAG", { key: t.key }));
      continue;
    }
    const from = t.validFrom ?? today;
    if (d.requires_end_date && !t.validTo)
      issues.push(
        fieldIssue(`${path(i)}.validTo`, "REGISTRY_FIELD_TAG_NEEDS_END", { tag: bothWords(d.name_zh, d.name_en) }),
      );
    if (t.validTo && t.validTo < from)
      issues.push(fieldIssue(`${path(i)}.validTo`, "REGISTRY_FIELD_ENDS_BEFORE_START"));
  }
  return issues;
}

export async function addTagsInTransaction(
  ctx: AppContext,
  trx: Transaction<DB>,
  actor: Principal,
  subjectType: "person" | "household",
  subjectId: string,
  areaPath: string,
  tags: TagInput[],
): Promise<void> {
  if (tags.length === 0) return;
  const definitions = await visibleTagDefinitions({ db: trx }, actor);
  const day = chinaDate(ctx.now());
  const issues = checkTags(definitions, tags, day, (i) => `body.tags.${i}`);
  if (issues.length > 0) throw new DomainError("VALIDATION_FAILED", "the tags are not valid", { errors: issues });
  await insertTags(
    trx,
    tags.map((t) => ({
      id: uuidv7(ctx.now().getTime()),
      subject_type: subjectType,
      subject_id: subjectId,
      tag_key: t.key,
      area_path: areaPath,
      source: t.source ?? "manual",
      note: t.note ?? null,
      valid_from: t.validFrom ?? day,
      valid_to: t.validTo ?? null,
      created_by: authorId(actor),
    })),
  );
}

/** The person or household to tag, if the caller sees it (else not found) and works on it (else refused). */
async function subjectInScope(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  subjectType: "person" | "household",
  subjectId: string,
  action: string,
) {
  const scope = principalScope(actor, "person.manage");
  const row = subjectType === "person" ? await findPerson(ctx.db, subjectId) : await findHousehold(ctx.db, subjectId);
  if (!row || !canView(scope, row.area_path) || !canView(principalScope(actor, "person.read"), row.area_path))
    throw new DomainError(
      subjectType === "person" ? "PERSON_NOT_FOUND" : "HOUSEHOLD_NOT_FOUND",
      `no ${subjectType} ${subjectId} in your scope`,
    );
  await requireWork(ctx, actor, meta, { action, type: subjectType, id: subjectId, areaPath: row.area_path });
  return row;
}

export async function tagSubject(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  subjectType: "person" | "household",
  subjectId: string,
  tags: TagInput[],
) {
  const row = await subjectInScope(ctx, actor, meta, subjectType, subjectId, `${subjectType}.tag`);
  const definitions = await visibleTagDefinitions(ctx, actor);
  // A sensitive tag may be set only where its holder may see it.
  const sensitiveHere = canView(principalScope(actor, "tag.sensitive.read"), row.area_path);
  const hidden = tags.findIndex((t) => definitions.get(t.key)?.category === "sensitive" && !sensitiveHere);
  if (hidden >= 0)
    throw new DomainError("VALIDATION_FAILED", "the tags are not valid", {
      errors: [fieldIssue(`body.tags.${hidden}.key`, "REGISTRY_FIELD_NO_TAG", { key: String(tags[hidden]?.key) })],
    });
  await ctx.db.transaction().execute(async (trx) => {
    await addTagsInTransaction(ctx, trx, actor, subjectType, subjectId, row.area_path, tags);
    await recordAudit(ctx, trx, {
      action: `${subjectType}.tag`,
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: subjectType,
      targetId: subjectId,
      areaPath: row.area_path,
      // Which tag is recorded for sensitive ones too: the audit trail is read only by auditors.
      details: { tags: tags.map((t) => t.key) },
    });
  });
}

/** Ends a tag today (it stays in history, gone from everyday views). */
export async function endSubjectTag(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  subjectType: "person" | "household",
  subjectId: string,
  tagId: string,
) {
  const row = await subjectInScope(ctx, actor, meta, subjectType, subjectId, `${subjectType}.untag`);
  const tag = await findTag(ctx.db, tagId);
  const definitions = await visibleTagDefinitions(ctx, actor);
  const d = tag ? definitions.get(tag.tag_key) : undefined;
  const visible =
    d && (d.category !== "sensitive" || canView(principalScope(actor, "tag.sensitive.read"), row.area_path));
  if (!tag || tag.subject_id !== subjectId || !visible)
    throw new DomainError("TAG_NOT_FOUND", `no tag ${tagId} on this ${subjectType}`);
  const day = chinaDate(ctx.now(), -1);
  await ctx.db.transaction().execute(async (trx) => {
    await endTag(trx, tagId, day);
    await recordAudit(ctx, trx, {
      action: `${subjectType}.untag`,
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: subjectType,
      targetId: subjectId,
      areaPath: row.area_path,
      details: { tag: tag.tag_key },
    });
  });
}
