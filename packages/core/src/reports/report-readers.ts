import type { Principal } from "../auth/principal.ts";
import { principalScope } from "../auth/principal.ts";
import { type DataScope, intersectScopes } from "../auth/scope.ts";

/**
 * Who reads a report. A report lists matters by their titles — the daily report every matter of its
 * period, the weekly one the slow ones and the addresses where matters repeat, the monthly one the
 * risk alerts — so reading one, in the browser or as a PDF or XLSX file, and writing one on demand,
 * need report.read and event.read over the report's area: the reports scope is where both are held.
 * (The system administrator holds neither: 三员分立 keeps administration apart from the matters.)
 */
export function reportReadScope(p: Pick<Principal, "assignments">): DataScope {
  return intersectScopes(principalScope(p, "report.read"), principalScope(p, "event.read"));
}
