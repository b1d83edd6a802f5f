import { createHash } from "node:crypto";
import { type FieldIssue, fieldIssue, type Principal, systemPrincipal } from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { findArea } from "../areas/areas.service.ts";
import { checkAttachment, saveAttachment } from "./attachments.service.ts";
import { getCategory } from "./categories.service.ts";
import { devicesOfKind, registerDeviceOfKind, retireDeviceOfKind } from "./device-registry.service.ts";
import { type EventView, reportEvent } from "./events.service.ts";
import type { IntakeDeviceRow } from "./events.table.ts";

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
  const { row, secret } = await registerDeviceOfKind(
    ctx,
    actor,
    meta,
    {
      kind: "intake",
      deviceKey: input.deviceKey,
      name: input.name,
      categoryKey: input.categoryKey,
      areaCode: input.areaCode ?? null,
      lng: input.lng ?? null,
      lat: input.lat ?? null,
    },
    {
      issues,
      audit: { action: "device.register", details: { deviceKey: input.deviceKey, category: input.categoryKey } },
    },
  );
  return { ...toDeviceView(row), secret };
}

export async function listDevices(ctx: AppContext) {
  return (await devicesOfKind(ctx, "intake")).map(toDeviceView);
}

export const retireDevice = (ctx: AppContext, actor: Principal, meta: RequestMeta, id: string) =>
  retireDeviceOfKind(ctx, actor, meta, id, "intake");

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
