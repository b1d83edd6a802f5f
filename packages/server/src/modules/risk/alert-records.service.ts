import {
  type AlertRecord,
  canView,
  codeOfPath,
  type DataScope,
  maskName,
  type Principal,
  principalScope,
} from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { listEventsByIds, listHouseholdsByIds, listPeopleByIds } from "./alerts.queries.ts";

/**
 * The records behind an alert or a backtest item, as the reader may see them: an event's number and
 * category key always (numbers of events are not personal; the app names the category in the
 * reader's language), its title (numbers masked) only to who may read the event; a person's or household's name only to who may read people, else masked. A record
 * the reader may not open is marked so (the console shows it without a link).
 */
export interface RecordRef {
  type: "event" | "person" | "household";
  id: string;
  at: Date | null;
}

/** Where an alert's records are (their areas' paths), for who a task about them should reach. */
export async function recordPaths(ctx: AppContext, refs: RecordRef[]): Promise<string[]> {
  const ids = (type: RecordRef["type"]) => [...new Set(refs.filter((r) => r.type === type).map((r) => r.id))];
  const rows = [
    ...(await listEventsByIds(ctx.db, ids("event"))),
    ...(await listPeopleByIds(ctx.db, ids("person"))),
    ...(await listHouseholdsByIds(ctx.db, ids("household"))),
  ];
  return [...new Set(rows.map((r) => r.area_path))];
}

export async function presentRecords(
  ctx: AppContext,
  actor: Principal,
  refs: RecordRef[],
): Promise<Map<string, AlertRecord>> {
  const events = principalScope(actor, "event.read");
  const people = principalScope(actor, "person.read");
  const ids = (type: RecordRef["type"]) => [...new Set(refs.filter((r) => r.type === type).map((r) => r.id))];
  const out = new Map<string, AlertRecord>();
  const at = new Map(refs.map((r) => [`${r.type}:${r.id}`, r.at]));
  for (const e of await listEventsByIds(ctx.db, ids("event"))) {
    const visible = canView(events, e.area_path);
    out.set(`event:${e.id}`, {
      type: "event",
      id: e.id,
      label: e.number,
      categoryKey: e.category_key,
      detail: visible ? e.title : null,
      state: e.state,
      at: (at.get(`event:${e.id}`) ?? new Date(e.created_at)).toISOString(),
      areaCode: codeOfPath(e.area_path),
      visible,
    });
  }
  const person = (scope: DataScope, path: string, name: string | null) => {
    const visible = canView(scope, path);
    return { visible, label: name ? (visible ? name : maskName(name)) : "—" };
  };
  for (const p of await listPeopleByIds(ctx.db, ids("person"))) {
    const { visible, label } = person(people, p.area_path, p.name);
    out.set(`person:${p.id}`, {
      type: "person",
      id: p.id,
      label,
      categoryKey: null,
      detail: null,
      state: null,
      at: at.get(`person:${p.id}`)?.toISOString() ?? null,
      areaCode: codeOfPath(p.area_path),
      visible,
    });
  }
  for (const h of await listHouseholdsByIds(ctx.db, ids("household"))) {
    const { visible, label } = person(people, h.area_path, h.head_name);
    out.set(`household:${h.id}`, {
      type: "household",
      id: h.id,
      label,
      categoryKey: null,
      detail: null,
      state: null,
      at: at.get(`household:${h.id}`)?.toISOString() ?? null,
      areaCode: codeOfPath(h.area_path),
      visible,
    });
  }
  return out;
}

export function recordsInOrder(refs: RecordRef[], shown: Map<string, AlertRecord>): AlertRecord[] {
  return refs.map((r) => shown.get(`${r.type}:${r.id}`)).filter((r): r is AlertRecord => r !== undefined);
}
