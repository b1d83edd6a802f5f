import {
  type Candidate,
  canWork,
  codeOfPath,
  type Permission,
  type Principal,
  parentCodeOf,
  principalScope,
} from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { refusal } from "../audit/audit.service.ts";
import { writableDispute } from "./disputes.service.ts";
import { findLikelyDuplicates } from "./duplicates.service.ts";
import { dispatchTargets, mergeRefusal } from "./event-actions.service.ts";
import { listWhoMayWork } from "./event-handlers.service.ts";
import { listEventsByIds } from "./events.queries.ts";
import { listEvents, visibleEvent } from "./events.service.ts";
import type { EventRow } from "./events.table.ts";

/**
 * What the pickers of an event's work offer, each exactly what the server accepts for that event:
 * the people it may be assigned to or mediated by, the areas it may be dispatched down to, the open
 * events it may be merged into. Asked by someone who sees the event (else not found) and may do that
 * work where it is (else refused, audited) — the lists hold names of staff and other events.
 */
async function workableEvent(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  permission: Permission,
  action: string,
): Promise<EventRow> {
  const row = await visibleEvent(ctx, actor, id);
  if (!canWork(principalScope(actor, permission), row.area_path))
    throw await refusal(
      ctx,
      actor,
      meta,
      { action, type: "event", id, areaPath: row.area_path },
      `you may not ${permission === "event.handle" ? "handle" : "mediate"} events of this area`,
    );
  return row;
}

export interface CandidateQuery {
  q?: string | undefined;
  limit: number;
  offset: number;
}

/** Whom the event may be assigned to (派遣's 处置人). */
export async function listAssignees(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  query: CandidateQuery,
): Promise<{ items: Candidate[]; total: number }> {
  const row = await workableEvent(ctx, actor, meta, id, "event.handle", "event.assignees");
  return listWhoMayWork(ctx, row.area_path, "event.handle", query);
}

/** Who may mediate the dispute. */
export async function listMediators(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  query: CandidateQuery,
): Promise<{ items: Candidate[]; total: number }> {
  const row = await writableDispute(ctx, actor, meta, id, "mediators");
  return listWhoMayWork(ctx, row.area_path, "mediation.handle", query);
}

/** The areas below the event's that it may be dispatched down to, in tree order. */
export async function listDispatchTargets(ctx: AppContext, actor: Principal, meta: RequestMeta, id: string) {
  const row = await workableEvent(ctx, actor, meta, id, "event.handle", "event.dispatch_targets");
  return (await dispatchTargets(ctx, actor, row)).map((a) => ({
    code: a.code,
    name: a.name,
    level: a.level,
    parentCode: parentCodeOf(a.path),
  }));
}

/**
 * The open events the event may be merged into: its likely duplicates (the same category, near in
 * place and time, similar text — as intake finds them), then, with `q`, open events of the asker's
 * areas by number or words — each one the merge would accept.
 */
export async function listMergeTargets(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  query: { q?: string | undefined },
) {
  const row = await workableEvent(ctx, actor, meta, id, "event.handle", "event.merge_targets");
  const likely = await findLikelyDuplicates(ctx, actor, {
    categoryKey: row.category_key,
    description: row.description,
    ...(row.lng !== null && row.lat !== null
      ? { lng: row.lng, lat: row.lat }
      : { areaCode: codeOfPath(row.area_path) ?? "" }),
    excludeId: row.id,
  });
  const q = query.q?.trim();
  const found = q ? await listEvents(ctx, actor, { box: "area", q, limit: 20, offset: 0 }) : [];
  const byLikely = new Map(likely.map((d) => [d.id, d]));
  const ids = [...new Set([...likely.map((d) => d.id), ...found.map((e) => e.id)])];
  const rows = new Map((await listEventsByIds(ctx.db, ids)).map((r) => [r.id, r]));
  return ids
    .map((i) => rows.get(i))
    .filter((r): r is EventRow => r !== undefined && !mergeRefusal(actor, row, r))
    .map((r) => {
      const d = byLikely.get(r.id);
      return {
        id: r.id,
        number: r.number,
        title: r.title,
        state: r.state,
        areaCode: codeOfPath(r.area_path) ?? "",
        createdAt: r.created_at.toISOString(),
        likelyDuplicate: Boolean(d),
        similarity: d?.similarity ?? null,
        distanceM: d?.distanceM ?? null,
      };
    });
}
