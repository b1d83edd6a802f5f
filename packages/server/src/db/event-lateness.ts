import { type RawBuilder, sql } from "kysely";

/**
 * Whether the timer found an event past a deadline (escalated it or flagged it overdue: its steps by
 * no one) since it was last reported or reopened, as of `at`: its settlement then counts as late.
 * One rule for the figures kept at each resolution, their count from the raw tables and the events
 * list behind the figure (modules/figures, modules/events).
 */
export function lateSince(eventId: RawBuilder<unknown>, at: RawBuilder<unknown>) {
  return sql<boolean>`exists (
    select 1 from event_step t
    where t.event_id = ${eventId} and t.action in ('escalate', 'overdue') and t.actor_user_id is null and t.at <= ${at}
      and t.at >= coalesce(
        (select max(r.at) from event_step r where r.event_id = ${eventId} and r.action in ('report', 'reopen') and r.at <= ${at}),
        '-infinity'::timestamptz))`;
}
