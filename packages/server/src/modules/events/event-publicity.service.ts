import {
  authorId,
  canWork,
  DomainError,
  fieldIssue,
  isPublicCategory,
  type Principal,
  principalScope,
} from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { uuidv7 } from "../../ids.ts";
import { recordAudit, refusal } from "../audit/audit.service.ts";
import { sealNote } from "./event-free-text.ts";
import { insertSteps, setEventPublic } from "./events.queries.ts";
import { detailOf, visibleEvent } from "./events.service.ts";

/**
 * Whether an event is shown on Open311 (issue #16, item 12). The reporter decides at intake (the
 * resident app asks, off by default) and may change their mind; staff who may handle events where it
 * is may show it or take it off. Disputes and public-order matters are about people: never public.
 * Every change is on the timeline (publish / unpublish) and in the audit trail.
 */
export async function setEventPublicity(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  input: { public: boolean; note?: string | undefined },
) {
  const row = await visibleEvent(ctx, actor, id);
  const action = input.public ? "publish" : "unpublish";
  const reporter = row.reporter_user_id !== null && row.reporter_user_id === authorId(actor);
  if (!reporter && !canWork(principalScope(actor, "event.handle"), row.area_path))
    throw await refusal(
      ctx,
      actor,
      meta,
      { action: `event.${action}`, type: "event", id, areaPath: row.area_path },
      "you may not change whether events of this area are public",
    );
  if (input.public && !isPublicCategory(row.category_key))
    throw new DomainError("VALIDATION_FAILED", "disputes and public-order matters are never public", {
      errors: [fieldIssue("body.public", "EVENT_FIELD_NEVER_PUBLIC")],
    });
  const now = ctx.now();
  const after = await ctx.db.transaction().execute(async (trx) => {
    const after = await setEventPublic(trx, id, input.public, now);
    if (!after) return undefined; // already so: nothing to record
    await insertSteps(trx, [
      {
        id: uuidv7(now.getTime()),
        event_id: id,
        action,
        from_state: row.state,
        to_state: row.state,
        level: row.level,
        area_path: row.area_path,
        actor_user_id: authorId(actor),
        actor_name: actor.displayName,
        ...sealNote(ctx, input.note),
        lng: null,
        lat: null,
        at: now,
      },
    ]);
    await recordAudit(ctx, trx, {
      action: `event.${action}`,
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "event",
      targetId: id,
      areaPath: row.area_path,
      details: { public: input.public, byReporter: reporter },
    });
    return after;
  });
  return detailOf(ctx, actor, after ?? row);
}
