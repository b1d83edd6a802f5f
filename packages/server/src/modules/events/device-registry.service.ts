import { randomBytes } from "node:crypto";
import { authorId, DomainError, type FieldIssue, fieldIssue, type Principal } from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { uuidv7 } from "../../ids.ts";
import { recordAudit } from "../audit/audit.service.ts";
import type { DeviceKind, IntakeDeviceRow } from "./events.table.ts";
import { findDeviceByKey, insertDeviceIfKeyFree, listDeviceRows, retireDeviceRow } from "./intake.queries.ts";

/**
 * The registry of the devices of 接入管理, whatever their kind — intake cameras and sensors
 * (devices.service.ts), village loudspeakers (notices/broadcast.service.ts): one namespace of keys,
 * a secret made here and shown once (kept encrypted), listing and retiring by kind. What a kind
 * checks before registering (a category, a village) is its own; the rest is done here, once.
 */
export interface NewDevice {
  kind: DeviceKind;
  deviceKey: string;
  name: string;
  categoryKey: string | null;
  areaCode: string | null;
  lng: number | null;
  lat: number | null;
}

/**
 * Registers a device after its kind's own checks (`issues`, refused together with a taken key), audited
 * as `audit.action`. The row and its secret, which is never stored in clear nor shown again.
 */
export async function registerDeviceOfKind(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  device: NewDevice,
  checked: { issues: FieldIssue[]; audit: { action: string; details: Record<string, unknown> } },
): Promise<{ row: IntakeDeviceRow; secret: string }> {
  const refused = (errors: FieldIssue[]) =>
    new DomainError("VALIDATION_FAILED", `the ${device.kind} device cannot be registered`, { errors });
  const issues = [...checked.issues];
  // Device keys are one namespace for every kind of device.
  if (await findDeviceByKey(ctx.db, device.deviceKey))
    issues.push(fieldIssue("body.deviceKey", "EVENT_FIELD_DEVICE_TAKEN"));
  if (issues.length > 0) throw refused(issues);
  const secret = randomBytes(32).toString("base64url");
  const now = ctx.now();
  const row: IntakeDeviceRow = {
    id: uuidv7(now.getTime()),
    device_key: device.deviceKey,
    name: device.name,
    secret_enc: ctx.crypto.encrypt(secret),
    category_key: device.categoryKey,
    kind: device.kind,
    area_code: device.areaCode,
    lng: device.lng,
    lat: device.lat,
    created_by: authorId(actor),
    created_at: now,
    revoked_at: null,
    last_seen_at: null,
  };
  await ctx.db.transaction().execute(async (trx) => {
    // Registered twice at once: the second finds the key taken.
    if (!(await insertDeviceIfKeyFree(trx, row)))
      throw refused([fieldIssue("body.deviceKey", "EVENT_FIELD_DEVICE_TAKEN")]);
    await recordAudit(ctx, trx, {
      action: checked.audit.action,
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "intake_device",
      targetId: row.id,
      details: checked.audit.details,
    });
  });
  return { row, secret };
}

/** The devices of one kind, oldest first (retired ones too, marked so). */
export async function devicesOfKind(ctx: AppContext, kind: DeviceKind): Promise<IntakeDeviceRow[]> {
  return listDeviceRows(ctx.db, kind);
}

/** Retires an active device of this kind (its requests are refused from then on); another kind's is not found. */
export async function retireDeviceOfKind(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  kind: DeviceKind,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await retireDeviceRow(trx, id, ctx.now(), kind)))
      throw new DomainError("DEVICE_NOT_FOUND", `no active ${kind} device ${id}`);
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
