import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { authorId, codeOfPath, DomainError, EVENT_TIME_MAX_AGE_DAYS, type Principal } from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { openFreeText } from "../../privacy/free-text.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, sniffType, stripLocation } from "../events/attachment-files.ts";
import { reportEvent } from "../events/events.service.ts";
import { photoHash } from "./photo-hash.ts";
import {
  findAddressOfHousehold,
  findCurrentLeadHousehold,
  findNeedForUpdate,
  findVisit,
  handNeed,
  setVisitPhoto,
} from "./visits.queries.ts";
import { getVisit, visibleVisit, workedVisit } from "./visits.service.ts";

/**
 * What a visit leads to: a need found becomes, with one call, a pre-filled event (its text, the
 * household's place and grid) or a service request to the party-member lead household that looks
 * after the household (党员中心户). A need is handed on once. A photo of a visit is stored without its
 * location metadata; its digest lets a supervisor see a photo used on two visits.
 */
/** A need handed on, and its record in the audit trail, together. */
async function handOn(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  visit: { id: string; area_path: string },
  needId: string,
  set: { event_id: string } | { lead_household_id: string },
) {
  const at = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    await handNeed(trx, needId, { ...set, handed_at: at, handed_by: authorId(actor) });
    await recordAudit(ctx, trx, {
      action: "event_id" in set ? "visit.need.event" : "visit.need.lead",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "visit",
      targetId: visit.id,
      areaPath: visit.area_path,
      details: {
        needId,
        ...("event_id" in set ? { eventId: set.event_id } : { leadHouseholdId: set.lead_household_id }),
      },
    });
  });
}

async function needOf(ctx: AppContext, visitId: string, needId: string) {
  const need = await ctx.db.transaction().execute((trx) => findNeedForUpdate(trx, visitId, needId));
  if (!need) throw new DomainError("VISIT_NEED_NOT_FOUND", `visit ${visitId} has no need ${needId}`);
  return need;
}

export async function needToEvent(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  visitId: string,
  needId: string,
  input: { id: string; categoryKey: string; title?: string | undefined },
) {
  const visit = await workedVisit(ctx, actor, meta, visitId, "visit.need.event");
  const need = await needOf(ctx, visitId, needId);
  if (need.event_id === input.id) return getVisit(ctx, actor, visitId);
  if (need.event_id || need.lead_household_id)
    throw new DomainError("VISIT_NEED_ALREADY_HANDED", "this need was already handed on");
  const place = await findAddressOfHousehold(ctx.db, visit.household_id);
  const { event } = await reportEvent(ctx, actor, meta, {
    id: input.id,
    categoryKey: input.categoryKey,
    title: input.title,
    description: openFreeText(ctx, { redacted: need.text, sealed: need.text_sealed }),
    areaCode: codeOfPath(visit.area_path) ?? undefined,
    ...(place?.lng !== null && place?.lng !== undefined && place.lat !== null
      ? { lng: place.lng, lat: place.lat }
      : {}),
    address: place?.address ?? undefined,
    // The need was found at the visit: the event happened then, when that is not too long ago.
    ...(ctx.now().getTime() - visit.visited_at.getTime() < EVENT_TIME_MAX_AGE_DAYS * 86_400_000
      ? { occurredAt: visit.visited_at }
      : {}),
    source: "field",
  });
  await handOn(ctx, actor, meta, visit, needId, { event_id: event.id });
  return getVisit(ctx, actor, visitId);
}

export async function needToLeadHousehold(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  visitId: string,
  needId: string,
) {
  const visit = await workedVisit(ctx, actor, meta, visitId, "visit.need.lead");
  const need = await needOf(ctx, visitId, needId);
  const lead = await findCurrentLeadHousehold(ctx.db, visit.household_id);
  if (need.lead_household_id && need.lead_household_id === lead?.id) return getVisit(ctx, actor, visitId);
  if (need.event_id || need.lead_household_id)
    throw new DomainError("VISIT_NEED_ALREADY_HANDED", "this need was already handed on");
  if (!lead) throw new DomainError("VISIT_NO_LEAD_HOUSEHOLD", "no lead household looks after this household");
  await handOn(ctx, actor, meta, visit, needId, { lead_household_id: lead.id });
  return getVisit(ctx, actor, visitId);
}

const PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp"] as const;
const photoPath = (ctx: AppContext, id: string, type: string) =>
  path.join(ctx.config.dataDir, "visit-photos", `${id}.${ATTACHMENT_TYPES[type as keyof typeof ATTACHMENT_TYPES]}`);

export async function saveVisitPhoto(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  visitId: string,
  data: Uint8Array,
): Promise<{ created: boolean }> {
  const visit = await workedVisit(ctx, actor, meta, visitId, "visit.photo");
  const sha256 = createHash("sha256").update(data).digest("hex");
  if (visit.photo_sha256 === sha256) return { created: false };
  const reject = (message: string) =>
    new DomainError("VISIT_PHOTO_REJECTED", message, { errors: [{ path: "body", message }] });
  if (visit.photo_sha256) throw reject("the visit has another photo");
  if (data.length === 0) throw reject("empty file");
  if (data.length > MAX_ATTACHMENT_BYTES) throw reject(`at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MiB`);
  const type = sniffType(data);
  if (!type || !(PHOTO_TYPES as readonly string[]).includes(type)) throw reject("accepted: JPEG, PNG, WebP photos");
  // Where the photo was taken stays off the server: the visit has its own position.
  const stripped = stripLocation(type, data);
  // What the picture shows, as a perceptual hash: the same photo saved again or resized is found too.
  const dhash = photoHash(type, stripped.data);
  // The file under a name of this upload, then the row (two uploads at once: the first row wins), then
  // the file in place; the loser drops its file and is answered as a retry or refused.
  const file = photoPath(ctx, visitId, type);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(tmp, stripped.data, { mode: 0o600, flag: "wx" });
  try {
    const stored = await ctx.db.transaction().execute(async (trx) => {
      if (!(await setVisitPhoto(trx, visitId, { sha256, type, dhash }))) return false;
      await recordAudit(ctx, trx, {
        action: "visit.photo",
        outcome: "success",
        actor: { userId: authorId(actor), username: actor.username },
        meta,
        targetType: "visit",
        targetId: visitId,
        areaPath: visit.area_path,
        details: { sha256, type, hadLocation: stripped.hadLocation },
      });
      return true;
    });
    if (stored) {
      await rename(tmp, file);
      return { created: true };
    }
  } finally {
    await rm(tmp, { force: true });
  }
  if ((await findVisit(ctx.db, visitId))?.photo_sha256 === sha256) return { created: false };
  throw reject("the visit has another photo");
}

/** A visit's photo shows people in their home: every look at it is in the audit trail. */
export async function readVisitPhoto(ctx: AppContext, actor: Principal, meta: RequestMeta, visitId: string) {
  const visit = await visibleVisit(ctx, actor, visitId);
  if (!visit.photo_type) throw new DomainError("VISIT_NOT_FOUND", "this visit has no photo");
  const data = await readFile(photoPath(ctx, visit.id, visit.photo_type));
  await recordAudit(ctx, ctx.db, {
    action: "visit.photo.read",
    outcome: "success",
    actor: { userId: authorId(actor), username: actor.username },
    meta,
    targetType: "visit",
    targetId: visit.id,
    areaPath: visit.area_path,
  });
  return { type: visit.photo_type, data };
}
