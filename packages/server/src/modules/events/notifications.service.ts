import type { Principal } from "@wangge/core";
import type { AppContext } from "../../context.ts";

/** A user's notifications, newest first, with the number still unread. */
export async function listNotifications(
  ctx: AppContext,
  actor: Principal,
  query: { unreadOnly: boolean; limit: number },
) {
  let q = ctx.db.selectFrom("notification").selectAll().where("user_id", "=", actor.userId);
  if (query.unreadOnly) q = q.where("read_at", "is", null);
  const rows = await q.orderBy("created_at", "desc").orderBy("id", "desc").limit(query.limit).execute();
  const unread = await ctx.db
    .selectFrom("notification")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("user_id", "=", actor.userId)
    .where("read_at", "is", null)
    .executeTakeFirstOrThrow();
  return {
    unread: Number(unread.n),
    items: rows.map((r) => {
      const body = parseBody(r.body);
      return {
        id: r.id,
        eventId: r.event_id,
        kind: r.kind,
        title: r.title,
        state: body.state ?? null,
        level: body.level ?? null,
        note: body.note ?? null,
        createdAt: r.created_at.toISOString(),
        readAt: r.read_at?.toISOString() ?? null,
      };
    }),
  };
}

function parseBody(body: string): { state?: string; level?: string; note?: string | null } {
  try {
    return JSON.parse(body);
  } catch {
    return {};
  }
}

/** Marks the user's own notifications read (the ids given, or all unread). */
export async function markNotificationsRead(ctx: AppContext, actor: Principal, ids?: string[]): Promise<number> {
  let q = ctx.db
    .updateTable("notification")
    .set({ read_at: ctx.now() })
    .where("user_id", "=", actor.userId)
    .where("read_at", "is", null);
  if (ids) {
    if (ids.length === 0) return 0;
    q = q.where("id", "in", ids);
  }
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}
