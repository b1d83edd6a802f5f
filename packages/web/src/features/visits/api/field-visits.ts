import { VISIT_OUTCOMES, type VisitDueList, type VisitKind, type VisitOutcome, type VisitPlanView } from "@wangge/core";
import { apiFetch } from "../../../lib/api-client.ts";

/**
 * The field app's side of the visits API (server module visits, #18): what the phone keeps for visits
 * offline (the field pack: plans, due list, households and members — names, addresses, tags, never an
 * ID or phone number) and the writes it queues. The shapes are core's visits schemas'.
 */
export type { VisitKind, VisitOutcome };
export const VISIT_OUTCOME_CHOICES: readonly VisitOutcome[] = VISIT_OUTCOMES;
export type FieldVisitPlan = VisitPlanView;
export type FieldDueItem = VisitDueList["items"][number];

export interface FieldPack {
  today: string;
  areaCode: string;
  plans: FieldVisitPlan[];
  due: FieldDueItem[];
  /** More households remain: ask again with before=this (newest first, so a sync resumes). */
  nextBefore?: string | null;
  households: {
    id: string;
    address: string | null;
    lng: number | null;
    lat: number | null;
    members: { id: string; name: string; birthYear: number | null; tags: string[] }[];
  }[];
}

export interface NewVisit {
  id: string;
  householdId: string;
  personIds: string[];
  kind: VisitKind;
  outcome: VisitOutcome;
  checklist: { key: string; ok: boolean }[];
  note?: string;
  needs: { id: string; text: string }[];
  visitedAt: string;
  lng?: number;
  lat?: number;
}

export function getFieldPack(
  areaCode?: string,
  page: { before?: string; limit?: number; lng?: number; lat?: number } = {},
): Promise<FieldPack> {
  const q = new URLSearchParams();
  if (areaCode) q.set("areaCode", areaCode);
  for (const [key, value] of Object.entries(page)) if (value !== undefined) q.set(key, String(value));
  const query = q.toString();
  return apiFetch<FieldPack>(`/api/v1/visits/field-pack${query ? `?${query}` : ""}`);
}

export const recordVisit = (visit: NewVisit) => apiFetch<unknown>("/api/v1/visits", { method: "POST", json: visit });

/** A need found on a visit made an event, pre-filled from the visit (a retry with the same event id answers the first). */
export const needToEvent = (visitId: string, needId: string, body: { id: string; categoryKey: string }) =>
  apiFetch<unknown>(`/api/v1/visits/${visitId}/needs/${needId}/event`, { method: "POST", json: body });

/** A need handed to the party-member lead household that looks after the household (once). */
export const needToLeadHousehold = (visitId: string, needId: string) =>
  apiFetch<unknown>(`/api/v1/visits/${visitId}/needs/${needId}/service-request`, { method: "POST" });

export const putVisitPhoto = (visitId: string, bytes: ArrayBuffer) =>
  apiFetch<unknown>(`/api/v1/visits/${visitId}/photo`, {
    method: "PUT",
    headers: { "content-type": "image/jpeg" },
    body: bytes,
  });
