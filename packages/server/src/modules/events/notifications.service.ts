import { AlertNotificationSchema, type Principal } from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { countUnreadNotifications, listNotificationsOf, markNotificationsReadOf } from "./events.queries.ts";

/** A user's notifications, newest first, with the number still unread. */
export async function listNotifications(
  ctx: AppContext,
  actor: Principal,
  query: { unreadOnly: boolean; limit: number },
) {
  const rows = await listNotificationsOf(ctx.db, actor.userId, query);
  return {
    unread: await countUnreadNotifications(ctx.db, actor.userId),
    items: rows.map((r) => {
      const body = parseBody(r.body);
      const alert = r.kind === "alert" ? AlertNotificationSchema.safeParse(body.alert) : undefined;
      return {
        id: r.id,
        eventId: r.event_id,
        kind: r.kind,
        title: r.title,
        // An alert's state at raising ("open", in rows told before alerts were data) is stale once
        // it is handled: none is given, the risk page shows the state it is in now.
        state: r.kind === "alert" || r.kind === "alert_task" ? null : (body.state ?? null),
        level: body.level ?? null,
        note: body.note ?? null,
        alert: alert?.success ? alert.data : null,
        createdAt: r.created_at.toISOString(),
        readAt: r.read_at?.toISOString() ?? null,
      };
    }),
  };
}

function parseBody(body: string): { state?: string; level?: string; note?: string | null; alert?: unknown } {
  try {
    return JSON.parse(body);
  } catch {
    return {};
  }
}

/** Marks the user's own notifications read (the ids given, or all unread). */
export async function markNotificationsRead(ctx: AppContext, actor: Principal, ids?: string[]): Promise<number> {
  return markNotificationsReadOf(ctx.db, actor.userId, ids, ctx.now());
}
