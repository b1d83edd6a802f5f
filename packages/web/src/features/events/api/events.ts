import type { Candidate, EventAction, FeatureCollection, HandlingLevel } from "@wangge/core";
import { apiFetch } from "../../../lib/api-client.ts";

export interface LocalText {
  "zh-CN": string;
  en: string;
}
export interface CategoryAttribute {
  code: string;
  datatype: "string" | "number" | "datetime" | "text" | "singlevaluelist" | "multivaluelist";
  required: boolean;
  description: LocalText;
  values?: { key: string; name: LocalText }[];
}
export interface EventCategory {
  key: string;
  parentKey: string | null;
  name: LocalText;
  closeLevel: HandlingLevel;
  deadlines: Record<HandlingLevel, number>;
  priority: "low" | "normal" | "high" | "urgent";
  attributes: CategoryAttribute[];
  active: boolean;
}
export interface EventItem {
  id: string;
  number: string;
  categoryKey: string;
  title: string;
  description: string;
  lng: number | null;
  lat: number | null;
  areaCode: string;
  areaPath: string;
  level: HandlingLevel;
  state: string;
  priority: string;
  source: string;
  reporterName: string | null;
  assigneeUserId: string | null;
  dueAt: string | null;
  remainingMinutes: number | null;
  supervised: boolean;
  /** Its deadline passed with no level above: kept overdue (dueAt in the past) and supervised. */
  overdueAt: string | null;
  resolvedLevel: string | null;
  attributes: Record<string, unknown>;
  address: string | null;
  contactName: string | null;
  contactPhone: string | null;
  consentNote: string | null;
  /** Shown on Open311 (numbers masked, a resident's point rounded): the reporter agreed, or staff marked it. */
  public: boolean;
  mergedInto: string | null;
  coHandlers: { unit: string; note: string; by: string | null; at: string }[];
  satisfaction: string | null;
  feedback: string | null;
  /** When it was seen or reported (a report queued on a phone keeps the time it was made). */
  occurredAt: string;
  /** When it reached the system: its deadline counts from here. */
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}
export interface TimelineStep {
  action: string;
  fromState: string | null;
  toState: string;
  level: string;
  areaCode: string;
  actorName: string | null;
  note: string | null;
  lng: number | null;
  lat: number | null;
  at: string;
}
export interface EventDetail extends EventItem {
  timeline: TimelineStep[];
  /** What the signed-in user may do to it now, as the server decides (the buttons shown). */
  allowedActions: EventAction[];
  /** What is shown masked here, and whether the user may see it in clear with a reason. */
  hidden: { text: boolean; contact: boolean; mayReveal: boolean };
}
/** An event's free text and contact in clear (POST /events/{id}/reveal, audited with the reason). */
export interface EventReveal {
  title: string;
  description: string;
  address: string | null;
  contactName: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
  consentNote: string | null;
  feedback: string | null;
  timeline: { at: string; action: string; note: string | null }[];
  attachments: { id: string; fileName: string }[];
}
export interface Attachment {
  id: string;
  eventId: string;
  fileName: string;
  contentType: string;
  size: number;
  hadLocation: boolean;
  createdAt: string;
}
export interface Duplicate {
  id: string;
  number: string;
  title: string;
  description: string;
  state: string;
  createdAt: string;
  distanceM: number | null;
  similarity: number;
  score: number;
}
export interface SettledShare {
  settled: number;
  open: number;
  byLevel: Record<HandlingLevel, number>;
  sharePercent: { grid: number; village: number; above: number };
}
export interface Party {
  id: string;
  role: "applicant" | "respondent" | "third_party";
  personId: string | null;
  name: string;
  idNumber: string | null;
  phone: string | null;
  address: string | null;
}
export interface Obligation {
  party: string;
  obligation: string;
  method: string;
  deadline: string;
}
export interface Dispute {
  eventId: string;
  number: string;
  riskGrade: "simple" | "general" | "major";
  mediatorUserId: string | null;
  mediatorName: string | null;
  performance: string | null;
  parties: Party[];
  sessions: {
    id: string;
    heldAt: string;
    place: string;
    mediators: string;
    attendees: string;
    record: string;
    outcome: string;
  }[];
  agreement: {
    number: string;
    committee: string;
    facts: string;
    matters: string;
    obligations: Obligation[];
    signedOn: string;
    mediatorName: string;
  } | null;
  followups: {
    id: string;
    kind: string;
    at: string;
    byName: string | null;
    result: string;
    satisfaction: string | null;
  }[];
}
export interface CalendarDay {
  day: string;
  kind: "holiday" | "workday";
  note: string | null;
}
export interface Open311Key {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  /** Whether the requests its client makes are public (the GeoReport convention, the default). */
  requestsPublic: boolean;
}
export interface IntakeDevice {
  id: string;
  deviceKey: string;
  name: string;
  categoryKey: string;
  areaCode: string | null;
  createdAt: string;
  revokedAt: string | null;
  lastSeenAt: string | null;
}

export const revealEvent = (id: string, reason: string) =>
  apiFetch<EventReveal>(`/api/v1/events/${id}/reveal`, { method: "POST", json: { reason } });

export const listCategories = () => apiFetch<EventCategory[]>("/api/v1/event-categories");
export const updateCategory = (key: string, settings: Omit<EventCategory, "key" | "parentKey">) =>
  apiFetch<EventCategory>(`/api/v1/event-categories/${encodeURIComponent(key)}`, { method: "PUT", json: settings });

export interface InboxQuery {
  box: "area" | "mine" | "overdue" | "due_soon" | "reported" | "all";
  categoryKey?: string | undefined;
  state?: string | undefined;
  q?: string | undefined;
  /** Events now under an area; with `figure`, those that arose there. */
  areaCode?: string | undefined;
  /** The events behind a figure of the 工作台 (with its period). */
  figure?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit?: number;
}
export function listEvents(query: InboxQuery): Promise<EventItem[]> {
  const params = new URLSearchParams({ box: query.box, limit: String(query.limit ?? 100) });
  for (const k of ["areaCode", "figure", "from", "to"] as const) {
    const v = query[k];
    if (v) params.set(k, v);
  }
  if (query.categoryKey) params.set("categoryKey", query.categoryKey);
  if (query.state) params.set("state", query.state);
  if (query.q?.trim()) params.set("q", query.q.trim());
  return apiFetch<EventItem[]>(`/api/v1/events?${params}`);
}
export const getEvent = (id: string) => apiFetch<EventDetail>(`/api/v1/events/${id}`);
export const reportEvent = (body: Record<string, unknown>) =>
  apiFetch<EventItem>("/api/v1/events", { method: "POST", json: body });
export const transition = (id: string, body: Record<string, unknown>) =>
  apiFetch<EventDetail>(`/api/v1/events/${id}/transitions`, { method: "POST", json: body });
/** Whom the event may be assigned to (or, for a dispute, who may mediate it), searched by name or pinyin. */
export function listCandidates(
  eventId: string,
  purpose: "assignees" | "mediators",
  q: string,
  limit = 20,
): Promise<{ items: Candidate[]; total: number }> {
  const params = new URLSearchParams({ limit: String(limit) });
  if (q.trim()) params.set("q", q.trim());
  const path = purpose === "assignees" ? "assignees" : "dispute/mediators";
  return apiFetch(`/api/v1/events/${eventId}/${path}?${params}`);
}
export interface DispatchTarget {
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
}
export const listDispatchTargets = (eventId: string) =>
  apiFetch<DispatchTarget[]>(`/api/v1/events/${eventId}/dispatch-targets`);
export interface MergeTarget {
  id: string;
  number: string;
  title: string;
  state: string;
  areaCode: string;
  createdAt: string;
  likelyDuplicate: boolean;
  similarity: number | null;
  distanceM: number | null;
}
export function listMergeTargets(eventId: string, q?: string): Promise<MergeTarget[]> {
  const params = new URLSearchParams();
  if (q?.trim()) params.set("q", q.trim());
  return apiFetch<MergeTarget[]>(`/api/v1/events/${eventId}/merge-targets?${params}`);
}
export const setEventPublic = (id: string, isPublic: boolean) =>
  apiFetch<EventDetail>(`/api/v1/events/${id}/public`, { method: "PUT", json: { public: isPublic } });
export const giveFeedback = (id: string, satisfaction: string, comment?: string) =>
  apiFetch<EventDetail>(`/api/v1/events/${id}/feedback`, {
    method: "POST",
    json: { satisfaction, ...(comment ? { comment } : {}) },
  });
export const bulkTransition = (ids: string[], action: string, extra: Record<string, unknown> = {}) =>
  apiFetch<{ results: { id: string; ok: boolean; code?: string; number?: string }[] }>(
    "/api/v1/events/bulk-transitions",
    { method: "POST", json: { ids, action, ...extra } },
  );
export function findDuplicates(q: {
  categoryKey: string;
  description: string;
  lng?: number | undefined;
  lat?: number | undefined;
  areaCode?: string | undefined;
}): Promise<Duplicate[]> {
  const params = new URLSearchParams({ categoryKey: q.categoryKey, description: q.description });
  if (q.lng !== undefined && q.lat !== undefined) {
    params.set("lng", String(q.lng));
    params.set("lat", String(q.lat));
  } else if (q.areaCode) params.set("areaCode", q.areaCode);
  return apiFetch<Duplicate[]>(`/api/v1/events/duplicates?${params}`);
}
export const listAttachments = (id: string) => apiFetch<Attachment[]>(`/api/v1/events/${id}/attachments`);
export async function uploadAttachment(
  eventId: string,
  file: File,
  attachmentId: string = crypto.randomUUID(),
): Promise<Attachment> {
  const params = new URLSearchParams({ fileName: file.name, attachmentId });
  return apiFetch<Attachment>(`/api/v1/events/${eventId}/attachments?${params}`, {
    method: "POST",
    headers: { "content-type": "application/octet-stream" },
    body: file,
  });
}
export function settledShare(q: { areaCode?: string; from?: string; to?: string }): Promise<SettledShare> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v) params.set(k, v);
  return apiFetch<SettledShare>(`/api/v1/events/settled-levels?${params}`);
}
export const getDispute = (id: string) => apiFetch<Dispute>(`/api/v1/events/${id}/dispute`);
export const gradeDispute = (id: string, riskGrade: string, mediatorUserId?: string | null) =>
  apiFetch<Dispute>(`/api/v1/events/${id}/dispute`, {
    method: "PUT",
    json: { riskGrade, ...(mediatorUserId !== undefined ? { mediatorUserId } : {}) },
  });
export const addParty = (id: string, body: Record<string, unknown>) =>
  apiFetch<Dispute>(`/api/v1/events/${id}/dispute/parties`, {
    method: "POST",
    json: { id: crypto.randomUUID(), ...body },
  });
export const recordSession = (id: string, body: Record<string, unknown>) =>
  apiFetch<Dispute>(`/api/v1/events/${id}/dispute/sessions`, {
    method: "POST",
    json: { id: crypto.randomUUID(), ...body },
  });
export const saveAgreement = (id: string, body: Record<string, unknown>) =>
  apiFetch<Dispute>(`/api/v1/events/${id}/dispute/agreement`, { method: "PUT", json: body });
export const recordFollowup = (id: string, body: Record<string, unknown>) =>
  apiFetch<Dispute>(`/api/v1/events/${id}/dispute/followups`, {
    method: "POST",
    json: { id: crypto.randomUUID(), ...body },
  });
export const getCalendar = (year: number) => apiFetch<CalendarDay[]>(`/api/v1/work-calendar/${year}`);
export const putCalendar = (year: number, days: CalendarDay[]) =>
  apiFetch<CalendarDay[]>(`/api/v1/work-calendar/${year}`, { method: "PUT", json: { days } });
export const listOpen311Keys = () => apiFetch<Open311Key[]>("/api/v1/open311/keys");
export const createOpen311Key = (name: string, requestsPublic: boolean) =>
  apiFetch<Open311Key & { key: string }>("/api/v1/open311/keys", { method: "POST", json: { name, requestsPublic } });
export const revokeOpen311Key = (id: string) => apiFetch<void>(`/api/v1/open311/keys/${id}`, { method: "DELETE" });
export const listDevices = () => apiFetch<IntakeDevice[]>("/api/v1/intake/devices");
export const registerDevice = (body: Record<string, unknown>) =>
  apiFetch<IntakeDevice & { secret: string }>("/api/v1/intake/devices", { method: "POST", json: body });
export const retireDevice = (id: string) => apiFetch<void>(`/api/v1/intake/devices/${id}`, { method: "DELETE" });

/** Areas one may report in (for the area choice of the report form). */
export interface AreaOption {
  code: string;
  name: string;
  level: string;
}
export const areaOptions = () => apiFetch<AreaOption[]>("/api/v1/areas?limit=2000");
/** An area's boundary (to show where an event is). */
export const areaShape = (code: string) =>
  apiFetch<FeatureCollection>(`/api/v1/areas/${encodeURIComponent(code)}/export`);

/** Where a point is, by name: the areas from the township down to its grid (none outside every grid). */
export async function placeName(lng: number, lat: number): Promise<string | null> {
  const params = new URLSearchParams({ lng: String(lng), lat: String(lat) });
  const found = await apiFetch<{ path: { name: string; level: string }[] }>(`/api/v1/areas/locate?${params}`);
  const names = found.path
    .filter((p) => ["township", "village", "grid", "microgrid"].includes(p.level))
    .map((p) => p.name);
  return names.length > 0 ? names.join(" ") : null;
}
