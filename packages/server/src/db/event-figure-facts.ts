import { type RawBuilder, sql } from "kysely";

/**
 * What each event counts in the figures, and when — the one definition behind the figures kept as
 * each change commits (modules/figures), their count again from the raw tables, and the events list
 * behind a figure (modules/events): a figure and its list agree because both read these facts.
 *
 * One row per event and figure (column name `k`, as in figure_day), at the moment it happened, under
 * the path the event arose in (its first area, wherever it went after), with `step_id` the timeline
 * step that made it (null for the report, verdicts, dispute grades and agreements):
 * - reported: the report (event created);
 * - accepted, returned, reopened, escalated, overdue (the timer found it past a deadline), settled:
 *   the FIRST time that happened to the event — an event accepted again after a return, or settled
 *   again after a reopening, is already counted, so a figure over any period is a count of distinct
 *   events, the same as its list;
 * - settled_grid / settled_village / settled_above, settled_on_time / settled_late: the level of that
 *   first settlement, and whether the timer had found it past a deadline since it was last reported
 *   or reopened;
 * - satisfied / basically_satisfied / unsatisfied: the reporter's verdict (given once);
 * - disputes_<grade>: a dispute's current risk grade, on the day the event was reported;
 * - agreements: a mediation agreement drawn up.
 * An event merged into another (a duplicate) counts in none: the matter is counted once, in the event
 * it joined.
 *
 * `where` filters the events (alias `ev`).
 */
export function eventFigureFacts(
  where: RawBuilder<boolean>,
  options: { includeMerged?: boolean } = {},
): RawBuilder<{ event_id: string; step_id: string | null; path: string; at: Date; category_key: string; k: string }> {
  const base = options.includeMerged ? where : sql<boolean>`ev.merged_into is null and ${where}`;
  const path = sql`coalesce(ev.origin_path, ev.area_path)`;
  return sql`
    select ev.id as event_id, null::uuid as step_id, ${path} as path, ev.created_at as at, ev.category_key, 'reported' as k
    from event ev where ${base}
    union all
    select f.event_id, f.step_id, f.path, f.at, f.category_key, y.k
    from (
      select distinct on (s.event_id, x.kind)
        s.event_id, s.id as step_id, ${path} as path, s.at, ev.category_key, s.level, x.kind
      from event ev join event_step s on s.event_id = ev.id
      cross join lateral (values
        (case s.action when 'accept' then 'accepted' when 'return' then 'returned' when 'reopen' then 'reopened'
          when 'escalate' then 'escalated' when 'resolve' then 'settled' end),
        (case when s.action in ('escalate', 'overdue') and s.actor_user_id is null then 'overdue' end)
      ) as x (kind)
      where ${base} and s.action in ('accept', 'return', 'reopen', 'escalate', 'resolve', 'overdue') and x.kind is not null
      order by s.event_id, x.kind, s.at, s.id
    ) f
    cross join lateral (values
      (f.kind),
      (case when f.kind = 'settled' then
        case f.level when 'grid' then 'settled_grid' when 'village' then 'settled_village' else 'settled_above' end end),
      (case when f.kind = 'settled' then
        case when ${lateSince(sql`f.event_id`, sql`f.at`)} then 'settled_late' else 'settled_on_time' end end)
    ) as y (k)
    where y.k is not null
    union all
    select ev.id, null::uuid, ${path}, ev.feedback_at, ev.category_key,
      case ev.satisfaction when 'satisfied' then 'satisfied' when 'basically' then 'basically_satisfied' else 'unsatisfied' end
    from event ev where ${base} and ev.satisfaction is not null and ev.feedback_at is not null
    union all
    select ev.id, null::uuid, ${path}, ev.created_at, ev.category_key, 'disputes_' || d.risk_grade
    from dispute d join event ev on ev.id = d.event_id where ${base}
    union all
    select ev.id, null::uuid, ${path}, a.created_at, ev.category_key, 'agreements'
    from mediation_agreement a join event ev on ev.id = a.event_id where ${base}`;
}

/**
 * Whether the timer found an event past a deadline (escalated it or flagged it overdue: its steps by
 * no one) since it was last reported or reopened, as of `at`: its settlement then counts as late.
 */
function lateSince(eventId: RawBuilder<unknown>, at: RawBuilder<unknown>) {
  return sql<boolean>`exists (
    select 1 from event_step t
    where t.event_id = ${eventId} and t.action in ('escalate', 'overdue') and t.actor_user_id is null and t.at <= ${at}
      and t.at >= coalesce(
        (select max(r.at) from event_step r where r.event_id = ${eventId} and r.action in ('report', 'reopen') and r.at <= ${at}),
        '-infinity'::timestamptz))`;
}
