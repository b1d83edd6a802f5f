import { createHmac, timingSafeEqual } from "node:crypto";
import { DomainError } from "@wangge/core";
import type { AppContext } from "../../context.ts";
import type { DeviceKind, IntakeDeviceRow } from "./events.table.ts";
import { findDeviceByKey, forgetNoncesBefore, spendNonce, touchDevice } from "./intake.queries.ts";

/**
 * The signed requests of the devices of 接入管理 — intake cameras and sensors (webhooks), village
 * loudspeakers (their queue) — checked in one place. Each device has a secret (shown once, kept
 * encrypted) and signs every request: HMAC-SHA256 over "<timestamp>.<nonce>.<body>" (for a GET, the
 * body signed is "GET <path>"). A request more than five minutes old or new, or with a nonce the
 * device used before, is refused: a recorded request cannot be replayed.
 */
export const SIGNATURE_WINDOW_S = 300;

/** The signature a device sends: hex HMAC-SHA256 of "<timestamp>.<nonce>.<raw body>". */
export function signDeviceRequest(secret: string, timestamp: string, nonce: string, body: Buffer | string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${nonce}.`).update(body).digest("hex");
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
  kind: DeviceKind = "intake",
): Promise<IntakeDeviceRow> {
  // Checked before the request edge looks at the path's text: a key that no device can have is not looked up.
  const device = DEVICE_KEY.test(deviceKey)
    ? await findDeviceByKey(ctx.db, deviceKey, { activeOnly: true, kind })
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
