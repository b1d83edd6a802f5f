import { DomainError, type FieldIssue, fieldIssue, type Principal, redactPersonalNumbers } from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { findArea } from "../areas/areas.service.ts";
import { devicesOfKind, registerDeviceOfKind, retireDeviceOfKind } from "../events/device-registry.service.ts";
import { admitDeviceRequest, type DeviceRequestHeaders, verifyDeviceSignature } from "../events/device-signature.ts";
import type { IntakeDeviceRow } from "../events/events.table.ts";
import { findItem, finishItem, markFetched, queueRows } from "./broadcast.queries.ts";
import { readAudio } from "./broadcast-audio.service.ts";
import { findNotice } from "./notices.queries.ts";

/**
 * Cloud broadcast (云广播): village loudspeakers are devices of 接入管理 like the intake devices —
 * registered by an admin, with a secret shown once, signing every request the same way (HMAC-SHA256,
 * five-minute window, nonces never reused; events/device-signature.ts). A loudspeaker pulls its
 * queue (urgent first), plays each item and acknowledges it (played or failed); the sender sees it.
 */
export function toLoudspeakerView(d: IntakeDeviceRow) {
  return {
    id: d.id,
    deviceKey: d.device_key,
    name: d.name,
    areaCode: d.area_code ?? "",
    createdAt: d.created_at.toISOString(),
    revokedAt: d.revoked_at?.toISOString() ?? null,
    lastSeenAt: d.last_seen_at?.toISOString() ?? null,
  };
}

export async function registerLoudspeaker(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: { deviceKey: string; name: string; areaCode: string },
) {
  const area = await findArea(ctx.db, input.areaCode);
  const issues: FieldIssue[] = [];
  if (!area) issues.push(fieldIssue("body.areaCode", "FIELD_NO_SUCH_AREA"));
  else if (!["village", "grid", "microgrid"].includes(area.level))
    issues.push(fieldIssue("body.areaCode", "NOTICE_FIELD_LOUDSPEAKER_AREA"));
  const { row, secret } = await registerDeviceOfKind(
    ctx,
    actor,
    meta,
    {
      kind: "loudspeaker",
      deviceKey: input.deviceKey,
      name: input.name,
      categoryKey: null,
      areaCode: input.areaCode,
      lng: null,
      lat: null,
    },
    {
      issues,
      audit: { action: "loudspeaker.register", details: { deviceKey: input.deviceKey, area: input.areaCode } },
    },
  );
  return { ...toLoudspeakerView(row), secret };
}

export async function listLoudspeakers(ctx: AppContext) {
  return (await devicesOfKind(ctx, "loudspeaker")).map(toLoudspeakerView);
}

export const retireLoudspeaker = (ctx: AppContext, actor: Principal, meta: RequestMeta, id: string) =>
  retireDeviceOfKind(ctx, actor, meta, id, "loudspeaker");

/**
 * A loudspeaker's signed request, checked whole: what it signs is "<METHOD> <path and query>\n<raw
 * body>" (a GET has an empty body), so a signature made for one item or one device is worthless for
 * another. The device, or refused (unknown, stale, badly signed, replayed).
 */
export function loudspeakerSigned(method: string, url: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${method} ${url}\n`, "utf8"), body]);
}

export async function admitLoudspeaker(
  ctx: AppContext,
  deviceKey: string,
  headers: DeviceRequestHeaders,
  signed: Buffer,
): Promise<IntakeDeviceRow> {
  const device = await admitDeviceRequest(ctx, deviceKey, headers, "loudspeaker");
  await verifyDeviceSignature(ctx, device, headers, signed);
  return device;
}

/** What the loudspeaker has to play, urgent first; handing it over counts as delivered (fetched). */
export async function pullQueue(ctx: AppContext, device: IntakeDeviceRow) {
  const rows = await queueRows(ctx.db, device.id, 20);
  await markFetched(
    ctx.db,
    rows.map((r) => r.id),
    ctx.now(),
  );
  return {
    items: rows.map((r) => ({
      itemId: r.id,
      noticeId: r.notice_id,
      urgent: r.urgent,
      title: r.title,
      // The text was refused at sending if it held a number; masked again on the way out all the same.
      text: redactPersonalNumbers(`${r.title}。${r.body}`),
      // The recording is fetched with a signed GET of its own (the same headers as this request).
      audioUrl: r.audio_id ? `/api/v1/broadcast/devices/${device.device_key}/queue/${r.id}/audio` : null,
      queuedAt: r.queued_at.toISOString(),
    })),
  };
}

/** The recording of an item in this loudspeaker's queue; any other item is not found. */
export async function itemAudio(ctx: AppContext, device: IntakeDeviceRow, itemId: string) {
  const item = await findItem(ctx.db, device.id, itemId);
  const notice = item ? await findNotice(ctx.db, item.notice_id) : undefined;
  if (!notice?.audio_id) throw new DomainError("BROADCAST_ITEM_NOT_FOUND", `no recording for item ${itemId}`);
  return readAudio(ctx, notice.audio_id);
}

/** The device's word on an item: played or failed. A second word on the same item is refused. */
export async function acknowledge(
  ctx: AppContext,
  device: IntakeDeviceRow,
  itemId: string,
  input: { outcome: "played" | "failed"; detail?: string | undefined },
) {
  const item = await findItem(ctx.db, device.id, itemId);
  if (!item) throw new DomainError("BROADCAST_ITEM_NOT_FOUND", `no item ${itemId} for this loudspeaker`);
  const detail = input.detail ? redactPersonalNumbers(input.detail) : null;
  // A device that lost the answer sends the same word again (with a new nonce): the same answer.
  if (item.state === input.outcome) return { itemId: item.id, state: input.outcome };
  if (!(await finishItem(ctx.db, { id: item.id, state: input.outcome, detail }, ctx.now())))
    throw new DomainError("BROADCAST_ITEM_NOT_FOUND", `item ${itemId} was already acknowledged as ${item.state}`);
  return { itemId: item.id, state: input.outcome };
}
