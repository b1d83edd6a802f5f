import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { authorId, DomainError, type FieldIssue, fieldIssue, type Principal, systemPrincipal } from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { uuidv7 } from "../../ids.ts";
import { findArea } from "../areas/areas.service.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { checkAttachment, saveAttachment } from "./attachments.service.ts";
import { getCategory } from "./categories.service.ts";
import { type EventView, reportEvent } from "./events.service.ts";
import type { IntakeDeviceRow } from "./events.table.ts";
import {
  findDeviceByKey,
  forgetNoncesBefore,
  insertDeviceIfKeyFree,
  listDeviceRows,
  retireDeviceRow,
  spendNonce,
  touchDevice,
} from "./intake.queries.ts";

/**
 * Cameras and sensors that report events by webhook. Each device has a secret (shown once, kept
 * encrypted) and signs every request: HMAC-SHA256 over "<timestamp>.<nonce>.<body>". A request more
 * than five minutes old or new, or with a nonce the device used before, is refused — a recorded
 * request cannot be replayed. The device's own id for what it saw makes retries idempotent.
 */
export const SIGNATURE_WINDOW_S = 300;

export function toDeviceView(d: IntakeDeviceRow) {
  return {
    id: d.id,
    deviceKey: d.device_key,
    name: d.name,
    categoryKey: d.category_key,
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
  return (await listDeviceRows(ctx.db)).map(toDeviceView);
}

export async function retireDevice(ctx: AppContext, actor: Principal, meta: RequestMeta, id: string) {
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await retireDeviceRow(trx, id, ctx.now())))
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

/** The signature a device sends: hex HMAC-SHA256 of "<timestamp>.<nonce>.<raw body>". */
export function signDeviceRequest(secret: string, timestamp: string, nonce: string, body: Buffer | string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${nonce}.`).update(body).digest("hex");
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

/** The device keys a registration accepts (RegisterDeviceBodySchema): anything else names no device. */
const DEVICE_KEY = /^[A-Za-z0-9_.-]{3,64}$/;

export interface DeviceRequestHeaders {
  timestamp?: string | undefined;
  nonce?: string | undefined;
  signature?: string | undefined;
}

/**
 * What a webhook must be before its body is read: for an active device, with a fresh timestamp and a
 * well-formed nonce and signature. An unknown device or a stale or unsigned request is refused
 * without the server reading (and holding) what it sends; the body itself, once read, must then be
 * what the signature covers (verifyDeviceSignature). Everything that fails is answered without saying
 * more than needed to an unauthenticated caller.
 */
export async function admitDeviceRequest(
  ctx: AppContext,
  deviceKey: string,
  headers: DeviceRequestHeaders,
): Promise<IntakeDeviceRow> {
  // Checked before the request edge looks at the path's text: a key that no device can have is not looked up.
  const device = DEVICE_KEY.test(deviceKey)
    ? await findDeviceByKey(ctx.db, deviceKey, { activeOnly: true })
    : undefined;
  if (!device) throw new DomainError("DEVICE_NOT_FOUND", `no active device ${deviceKey}`);
  const { timestamp, nonce, signature } = headers;
  const invalid = (why: string) => new DomainError("DEVICE_SIGNATURE_INVALID", why);
  if (!timestamp || !/^\d{9,11}$/.test(timestamp)) throw invalid("X-Wangge-Timestamp: unix seconds");
  if (Math.abs(ctx.now().getTime() / 1000 - Number(timestamp)) > SIGNATURE_WINDOW_S)
    throw invalid("X-Wangge-Timestamp is more than 5 minutes from the server's time");
  if (!nonce || !/^[A-Za-z0-9_-]{8,64}$/.test(nonce)) throw invalid("X-Wangge-Nonce: 8–64 letters, digits, - or _");
  if (!signature || !/^(sha256=)?[0-9a-fA-F]{64}$/.test(signature))
    throw invalid("X-Wangge-Signature: sha256=<64 hex digits>");
  return device;
}

/** The signature over the body as read, then the nonce spent: a second use is a replay. */
export async function verifyDeviceSignature(
  ctx: AppContext,
  device: IntakeDeviceRow,
  headers: DeviceRequestHeaders,
  rawBody: Buffer,
): Promise<void> {
  const timestamp = headers.timestamp ?? "";
  const nonce = headers.nonce ?? "";
  const given = Buffer.from((headers.signature ?? "").replace(/^sha256=/, ""), "hex");
  const expected = Buffer.from(
    signDeviceRequest(ctx.crypto.decrypt(device.secret_enc), timestamp, nonce, rawBody),
    "hex",
  );
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new DomainError("DEVICE_SIGNATURE_INVALID", "X-Wangge-Signature does not match");
  // The nonce is spent only by a correctly signed request; a second use is a replay.
  if (!(await spendNonce(ctx.db, device.id, nonce, ctx.now())))
    throw new DomainError("DEVICE_REQUEST_REPLAYED", "this nonce was used before");
  await forgetNoncesBefore(ctx.db, device.id, new Date(ctx.now().getTime() - 2 * SIGNATURE_WINDOW_S * 1000));
  await touchDevice(ctx.db, device.id, ctx.now());
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
    categoryKey: input.categoryKey ?? device.category_key,
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
