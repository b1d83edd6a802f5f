import { createHash, randomBytes } from "node:crypto";
import {
  DomainError,
  EVENT_STATE_NAMES,
  type EventState,
  isPublicCategory,
  type Principal,
  redactPersonalNumbers,
  SETTLED_STATES,
  systemPrincipal,
} from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { findArea } from "../areas/areas.service.ts";
import { listPhotosOf } from "./attachments.queries.ts";
import { saveAttachment } from "./attachments.service.ts";
import { listCategories } from "./categories.service.ts";
import {
  findEventByOpen311Token,
  listEventsByIds,
  listPublicEvents,
  listPublicEventsByNumbers,
} from "./events.queries.ts";
import { reportEvent } from "./events.service.ts";
import type { EventRow } from "./events.table.ts";
import { verifyOpen311Key } from "./open311-keys.service.ts";

/**
 * Open311 service requests are events: a POST (with a valid API key) reports one, routed by its
 * point like any other; GET answers them by number, or lists the public ones. The API keys are in
 * open311-keys.service.ts.
 *
 * What anyone may read without signing in (issue #16, item 12): only public events — those whose
 * reporter agreed (the resident app asks, off by default), that staff marked public, or that an
 * Open311 client whose key publishes made (the GeoReport convention) — never disputes or public-order
 * matters. Their free text has ID and phone numbers masked; a report from a resident (the resident
 * app or an Open311 client) has its point rounded to 3 decimals (about 100 m) and no address; photos
 * only of public events. Any other number — a dispute, a private report, one never issued — is
 * answered exactly alike, so counting through the numbers tells nothing.
 */

// ---- POST requests ------------------------------------------------------------------------------------

export interface Open311Post {
  service_code?: string;
  lat?: string;
  long?: string;
  address_string?: string;
  address_id?: string;
  email?: string;
  device_id?: string;
  account_id?: string;
  first_name?: string;
  last_name?: string;
  phone?: string;
  description?: string;
  media_url?: string;
  attributes: Record<string, string | string[]>;
  files: { fileName: string; data: Buffer }[];
}

/** One Open311 error: the specification's {code, description}, with the status to answer. */
export class Open311Failure extends Error {
  constructor(
    readonly status: number,
    readonly errors: { code: number; description: string }[],
  ) {
    super(errors.map((e) => e.description).join("; "));
  }
}

/** A Chinese name is written without a space; "San" + "Zhang" with one. */
export function fullName(first: string | undefined, last: string | undefined): string {
  const a = first?.trim() ?? "";
  const b = last?.trim() ?? "";
  if (!a || !b) return a || b;
  return /\p{Script=Han}$/u.test(a) && /^\p{Script=Han}/u.test(b) ? `${a}${b}` : `${a} ${b}`;
}

/**
 * The id of the event an Open311 POST makes: derived from the key and the content, so a client that
 * retries (it did not get our answer) gets the request it already made instead of a second one.
 */
function contentId(keyId: string, post: Open311Post): string {
  const canonical = JSON.stringify([
    keyId,
    post.service_code,
    post.lat,
    post.long,
    post.address_string,
    post.address_id,
    post.email,
    post.phone,
    post.first_name,
    post.last_name,
    post.description,
    Object.entries(post.attributes).sort(([a], [b]) => a.localeCompare(b)),
    post.files.map((f) => createHash("sha256").update(f.data).digest("hex")),
  ]);
  const h = createHash("sha256").update(canonical).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h[16] as string, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export async function createOpen311Request(
  ctx: AppContext,
  meta: RequestMeta,
  apiKey: string | undefined,
  post: Open311Post,
): Promise<{ service_request_id: string; service_notice: string; account_id: string | null }[]> {
  const key = await verifyOpen311Key(ctx, apiKey);
  if (!key) throw new Open311Failure(403, [{ code: 403, description: "api_key is missing, invalid or revoked" }]);
  const problems: string[] = [];
  const categories = await listCategories(ctx.db, { activeOnly: true });
  const category = categories.find((c) => c.key === post.service_code && c.parentKey);
  if (!post.service_code) problems.push("service_code is required");
  else if (!category)
    throw new Open311Failure(404, [{ code: 404, description: `service_code ${post.service_code} not found` }]);
  const lat = post.lat !== undefined && post.lat !== "" ? Number(post.lat) : undefined;
  const lng = post.long !== undefined && post.long !== "" ? Number(post.long) : undefined;
  if ((lat === undefined) !== (lng === undefined)) problems.push("lat and long are given together");
  if (lat !== undefined && (!Number.isFinite(lat) || lat < 3 || lat > 54))
    problems.push("lat must be a latitude in China");
  if (lng !== undefined && (!Number.isFinite(lng) || lng < 73 || lng > 136))
    problems.push("long must be a longitude in China");
  const areaCode = post.address_id?.trim() || undefined;
  if (lat === undefined && !areaCode)
    problems.push("a location is required: lat and long, or address_id (the code of a grid or village)");
  if (areaCode && !(await findArea(ctx.db, areaCode))) problems.push(`address_id ${areaCode} is not an area code`);
  const description = post.description?.trim() ?? "";
  if (description.length < 2) problems.push("description is required");
  if (description.length > 4000) problems.push("description is at most 4000 characters");
  if (problems.length > 0)
    throw new Open311Failure(
      400,
      problems.map((d) => ({ code: 400, description: d })),
    );

  const name = fullName(post.first_name, post.last_name);
  const actor: Principal = { ...systemPrincipal(), displayName: `Open311 · ${key.name}` };
  const id = contentId(key.id, post);
  try {
    const { event } = await reportEvent(ctx, actor, meta, {
      id,
      categoryKey: post.service_code as string,
      description,
      lng,
      lat,
      areaCode: lat === undefined ? areaCode : undefined,
      address: post.address_string,
      source: "open311",
      attributes: post.attributes,
      contact: { name: name || undefined, phone: post.phone || undefined, email: post.email || undefined },
      open311KeyId: key.id,
      open311Token: randomBytes(12).toString("base64url"),
      public: key.requests_public,
    });
    for (const [i, file] of post.files.entries())
      await saveAttachment(ctx, null, {
        id: contentIdOfFile(id, i),
        eventId: event.id,
        fileName: file.fileName,
        data: file.data,
        field: `media${i + 1}`,
      });
    return [
      {
        service_request_id: event.number,
        service_notice: `已转 ${event.areaCode} 办理 / routed to area ${event.areaCode}`,
        account_id: post.account_id ?? null,
      },
    ];
  } catch (err) {
    if (err instanceof DomainError && err.code === "VALIDATION_FAILED") {
      const issues = err.errors ?? [];
      throw new Open311Failure(
        400,
        issues.length > 0
          ? issues.map((i) => ({ code: 400, description: `${open311Field(i.path)}: ${i.message}` }))
          : [{ code: 400, description: err.message }],
      );
    }
    if (err instanceof DomainError && err.code === "EVENT_ATTACHMENT_REJECTED")
      throw new Open311Failure(400, [{ code: 400, description: `media: ${err.message}` }]);
    throw err;
  }
}

/** A stable attachment id per request and position, so a retried POST stores its photos once. */
function contentIdOfFile(eventId: string, index: number): string {
  const h = createHash("sha256").update(`${eventId}:${index}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Our field paths in Open311's names. */
function open311Field(path: string): string {
  return path
    .replace(/^body\.attributes\.(.+)$/, "attribute[$1]")
    .replace("body.lng", "long")
    .replace("body.lat", "lat")
    .replace("body.areaCode", "address_id")
    .replace("body.contact.phone", "phone")
    .replace("body.contact.email", "email")
    .replace("body.categoryKey", "service_code")
    .replace(/^body\./, "");
}

// ---- GET requests -------------------------------------------------------------------------------------

export interface Open311Query {
  service_request_id?: string;
  service_code?: string;
  start_date?: string;
  end_date?: string;
  status?: string;
}

export async function findOpen311Requests(
  ctx: AppContext,
  query: Open311Query,
  baseUrl: string,
  locale: "zh-CN" | "en",
) {
  const problems: string[] = [];
  const start = query.start_date ? new Date(query.start_date) : undefined;
  const end = query.end_date ? new Date(query.end_date) : undefined;
  if (start && Number.isNaN(start.getTime())) problems.push("start_date must be a w3c date-time");
  if (end && Number.isNaN(end.getTime())) problems.push("end_date must be a w3c date-time");
  const statuses = query.status?.split(",").map((s) => s.trim().toLowerCase()) ?? [];
  if (statuses.some((s) => s !== "open" && s !== "closed")) problems.push("status is open or closed");
  if (problems.length > 0)
    throw new Open311Failure(
      400,
      problems.map((d) => ({ code: 400, description: d })),
    );

  const ids = query.service_request_id
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  // Asked by number: only public requests; any other number is left out, as an unknown one is.
  const rows =
    ids && ids.length > 0
      ? await listPublicEventsByNumbers(ctx.db, ids)
      : await listPublicEvents(ctx.db, {
          from: start ?? new Date((end ?? ctx.now()).getTime() - 90 * 86_400_000),
          to: end,
          categoryKeys: query.service_code ? query.service_code.split(",").map((s) => s.trim()) : undefined,
          states: statuses.length === 1 ? (statuses[0] === "open" ? { notIn: CLOSED } : { in: CLOSED }) : undefined,
        });
  return renderRequests(ctx, rows, baseUrl, locale);
}

const CLOSED: EventState[] = [...SETTLED_STATES, "cancelled"];

/** Reports made by residents (in the resident app, or through an Open311 client): located roughly, no address. */
const FROM_RESIDENTS = new Set(["resident", "open311"]);

/** A coordinate rounded to 3 decimals: about 110 m north–south, 100 m east–west in China. */
const rough = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);

/** Whether an event may be shown on Open311 at all. */
export function isPublished(e: Pick<EventRow, "is_public" | "category_key">): boolean {
  return e.is_public && isPublicCategory(e.category_key);
}

async function renderRequests(ctx: AppContext, rows: EventRow[], baseUrl: string, locale: "zh-CN" | "en") {
  const categories = new Map((await listCategories(ctx.db)).map((c) => [c.key, c]));
  // Followed into the request it was merged with only when that one is public too.
  const targets = new Map<string, EventRow>();
  const mergedIds = rows.map((r) => r.merged_into).filter((v): v is string => Boolean(v));
  for (const t of await listEventsByIds(ctx.db, mergedIds)) if (isPublished(t)) targets.set(t.id, t);
  const media = new Map<string, string>();
  const publicIds = rows.filter(isPublished).map((r) => r.id);
  for (const a of await listPhotosOf(ctx.db, publicIds)) media.set(a.event_id, `${baseUrl}/open311/v2/media/${a.id}`);
  const areaNames = new Map<string, string>();
  for (const r of rows) {
    const code = r.area_path.split("/").filter(Boolean).at(-1) ?? "";
    if (!areaNames.has(code)) areaNames.set(code, (await findArea(ctx.db, code))?.name ?? code);
  }
  return rows.filter(isPublished).map((r) => {
    const shown = r.merged_into ? (targets.get(r.merged_into) ?? r) : r;
    const open = !CLOSED.includes(shown.state as EventState) && shown.state !== "merged";
    const resident = FROM_RESIDENTS.has(r.source);
    const stateName = EVENT_STATE_NAMES[shown.state as EventState] ?? { "zh-CN": shown.state, en: shown.state };
    const notes =
      r.merged_into && shown !== r
        ? `已与 ${shown.number} 合并，${stateName["zh-CN"]} / merged into ${shown.number}, ${stateName.en}`
        : `${stateName["zh-CN"]} / ${stateName.en}`;
    const code = shown.area_path.split("/").filter(Boolean).at(-1) ?? "";
    return {
      service_request_id: r.number,
      status: open ? ("open" as const) : ("closed" as const),
      status_notes: notes,
      service_name: categories.get(r.category_key)?.name[locale] ?? r.category_key,
      service_code: r.category_key,
      // Stored masked already; masked again for rows written before sealing reached them.
      description: redactPersonalNumbers(r.description),
      agency_responsible: areaNames.get(code) ?? code,
      service_notice: null,
      // "When the service request was made": the reporter's time (a report queued on a phone keeps
      // the time it was made), not when it reached the server.
      requested_datetime: r.occurred_at.toISOString(),
      updated_datetime: shown.updated_at.toISOString(),
      expected_datetime: open && shown.due_at ? shown.due_at.toISOString() : null,
      address: resident || r.address === null ? null : redactPersonalNumbers(r.address),
      address_id: r.area_path.split("/").filter(Boolean).at(-1) ?? null,
      zipcode: null,
      lat: resident ? rough(r.lat) : r.lat,
      long: resident ? rough(r.lng) : r.lng,
      media_url: media.get(r.id) ?? null,
    };
  });
}

/** The request a token stands for (we create requests at once, so every token has its id). */
export async function findByToken(ctx: AppContext, token: string) {
  const row = await findEventByOpen311Token(ctx.db, token);
  if (!row) throw new Open311Failure(404, [{ code: 404, description: `token ${token} not found` }]);
  return [{ service_request_id: row.number, token }];
}
