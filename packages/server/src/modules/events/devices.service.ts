import { createHash, randomBytes } from "node:crypto";
import { authorId, DomainError, type FieldIssue, fieldIssue, type Principal, systemPrincipal } from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { uuidv7 } from "../../ids.ts";
import { findArea } from "../areas/areas.service.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { checkAttachment, saveAttachment } from "./attachments.service.ts";
import { getCategory } from "./categories.service.ts";
import { type EventView, reportEvent } from "./events.service.ts";
import type { DeviceKind, IntakeDeviceRow } from "./events.table.ts";
import { findDeviceByKey, insertDeviceIfKeyFree, listDeviceRows, retireDeviceRow } from "./intake.queries.ts";

export {
  admitDeviceRequest,
  type DeviceRequestHeaders,
  SIGNATURE_WINDOW_S,
  signDeviceRequest,
  verifyDeviceSignature,
} from "./device-signature.ts";

/**
 * Cameras and sensors that report events by webhook. Each device has a secret (shown once, kept
 * encrypted) and signs every request: HMAC-SHA256 over "<timestamp>.<nonce>.<body>". A request more
 * than five minutes old or new, or with a nonce the device used before, is refused — a recorded
 * request cannot be replayed. The device's own id for what it saw makes retries idempotent.
 */

export function toDeviceView(d: IntakeDeviceRow) {
  return {
    id: d.id,
    deviceKey: d.device_key,
    name: d.name,
    categoryKey: d.category_key ?? "",
    areaCode: d.area_code,
    lng: d.lng,
    lat: d.lat,
    createdAt: d.created_at.toISOString(),
    revokedAt: d.revoked_at?.toISOString() ?? null,
    lastSeenAt: d.last_seen_at?.toISOString() ?? null,
  };
}

export interface DeviceInput {
  deviceKey: string;
  name: string;
  categoryKey: string;
  areaCode?: string | undefined;
  lng?: number | undefined;
  lat?: number | undefined;
}

export async function registerDevice(ctx: AppContext, actor: Principal, meta: RequestMeta, input: DeviceInput) {
  const issues: FieldIssue[] = [];
  const category = await getCategory(ctx.db, input.categoryKey).catch(() => undefined);
  if (!category?.parentKey) issues.push(fieldIssue("body.categoryKey", "EVENT_FIELD_NO_CATEGORY"));
  if (input.areaCode && !(await findArea(ctx.db, input.areaCode)))
    issues.push(fieldIssue("body.areaCode", "FIELD_NO_SUCH_AREA"));
  if (!input.areaCode && (input.lng === undefined || input.lat === undefined))
    issues.push(fieldIssue("body.areaCode", "EVENT_FIELD_DEVICE_WHERE"));
  const taken = await findDeviceByKey(ctx.db, input.deviceKey);
  if (taken) issues.push(fieldIssue("body.deviceKey", "EVENT_FIELD_DEVICE_TAKEN"));
  if (issues.length > 0)
    throw new DomainError("VALIDATION_FAILED", "the device cannot be registered", { errors: issues });
  const secret = randomBytes(32).toString("base64url");
  const now = ctx.now();
  const row: IntakeDeviceRow = {
    id: uuidv7(now.getTime()),
    device_key: input.deviceKey,
    name: input.name,
    secret_enc: ctx.crypto.encrypt(secret),
    category_key: input.categoryKey,
    kind: "intake",
    area_code: input.areaCode ?? null,
    lng: input.lng ?? null,
    lat: input.lat ?? null,
    created_by: authorId(actor),
    created_at: now,
    revoked_at: null,
    last_seen_at: null,
  };
  await ctx.db.transaction().execute(async (trx) => {
    // Registered twice at once: the second finds the key taken.
    if (!(await insertDeviceIfKeyFree(trx, row)))
      throw new DomainError("VALIDATION_FAILED", "the device cannot be registered", {
        errors: [fieldIssue("body.deviceKey", "EVENT_FIELD_DEVICE_TAKEN")],
      });
    await recordAudit(ctx, trx, {
      action: "device.register",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "intake_device",
      targetId: row.id,
      details: { deviceKey: input.deviceKey, category: input.categoryKey },
    });
  });
  return { ...toDeviceView(row), secret };
}

export async function listDevices(ctx: AppContext) {
  return (await listDeviceRows(ctx.db, "intake")).map(toDeviceView);
}

export async function retireDevice(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  kind: DeviceKind = "intake",
) {
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await retireDeviceRow(trx, id, ctx.now(), kind)))
      throw new DomainError("DEVICE_NOT_FOUND", `no active device ${id}`);
    await recordAudit(ctx, trx, {
      action: "device.retire",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "intake_device",
      targetId: id,
    });
  });
}

export interface DeviceReport {
  externalId: string;
  description: string;
  categoryKey?: string | undefined;
  lng?: number | undefined;
  lat?: number | undefined;
  attributes?: Record<string, string | number | string[]> | undefined;
  snapshot?: { fileName: string; base64: string } | undefined;
}

export async function reportFromDevice(
  ctx: AppContext,
  meta: RequestMeta,
  device: IntakeDeviceRow,
  input: DeviceReport,
): Promise<{ event: EventView; created: boolean }> {
  const h = createHash("sha256").update(`${device.id}:${input.externalId}`).digest("hex");
  const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-b${h.slice(17, 20)}-${h.slice(20, 32)}`;
  const actor: Principal = { ...systemPrincipal(), displayName: `设备 · ${device.name}` };
  const snapshot = input.snapshot ? Buffer.from(input.snapshot.base64, "base64") : undefined;
  if (snapshot) checkAttachment(snapshot, "body.snapshot.base64");
  const lng = input.lng ?? device.lng ?? undefined;
  const lat = input.lat ?? device.lat ?? undefined;
  const result = await reportEvent(ctx, actor, meta, {
    id,
    categoryKey: input.categoryKey ?? device.category_key ?? "",
    description: input.description,
    lng,
    lat,
    areaCode: device.area_code ?? undefined,
    source: "device",
    attributes: input.attributes,
    deviceId: device.id,
  });
  if (input.snapshot && snapshot && result.created)
    await saveAttachment(ctx, null, {
      eventId: id,
      fileName: input.snapshot.fileName,
      data: snapshot,
      field: "body.snapshot.base64",
    });
  return result;
}

/**
 * For the other kinds of device of 接入管理 (the loudspeakers of notices/broadcast.service.ts): their
 * rows live beside the intake devices' (one namespace of keys, one secret and nonce scheme).
 */
export const deviceWithKey = (ctx: AppContext, deviceKey: string) => findDeviceByKey(ctx.db, deviceKey);
export const devicesOfKind = (ctx: AppContext, kind: DeviceKind) => listDeviceRows(ctx.db, kind);
export const insertDeviceUnlessKeyTaken = (trx: Parameters<typeof insertDeviceIfKeyFree>[0], row: IntakeDeviceRow) =>
  insertDeviceIfKeyFree(trx, row);
