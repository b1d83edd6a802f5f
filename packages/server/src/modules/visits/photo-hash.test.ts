import { deflateSync } from "node:zlib";
import jpeg from "jpeg-js";
import { describe, expect, it } from "vitest";
import {
  hashDistance,
  PHOTO_HASH_MAX_BYTES,
  PHOTO_HASH_MAX_PIXELS,
  PHOTO_HASH_NEAR_BITS,
  photoHash,
} from "./photo-hash.ts";
import { scene } from "./photo-scene.test-support.ts";

/**
 * An RGBA picture as a PNG with each row under filter `filter` (0: none, 1: sub, 2: up), its data
 * followed by `extra` zero bytes (none in a well-made file).
 */
function png(picture: { width: number; height: number; data: Uint8Array }, filter: 0 | 1 | 2, extra = 0): Buffer {
  const { width, height, data } = picture;
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height + extra);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = filter;
    for (let x = 0; x < stride; x++) {
      const value = data[y * stride + x] as number;
      const left = x >= 4 ? (data[y * stride + x - 4] as number) : 0;
      const up = y > 0 ? (data[(y - 1) * stride + x] as number) : 0;
      raw[y * (stride + 1) + 1 + x] = (value - (filter === 1 ? left : filter === 2 ? up : 0)) & 0xff;
    }
  }
  const chunk = (type: string, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length, 0);
    head.write(type, 4, "latin1");
    return Buffer.concat([head, body, Buffer.alloc(4)]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

describe("a photo's perceptual hash", () => {
  const original = scene(640, 480, 1);
  const asJpeg = jpeg.encode(original, 92).data;

  it("stays within a few bits when the picture is saved again at a lower quality and resized", () => {
    const again = jpeg.encode(scene(640, 480, 1), 35).data;
    const smaller = jpeg.encode(scene(320, 240, 1), 60).data;
    const a = photoHash("image/jpeg", asJpeg) as string;
    expect(a).toMatch(/^-?\d+$/);
    expect(Buffer.compare(Buffer.from(asJpeg), Buffer.from(again))).not.toBe(0);
    expect(hashDistance(a, photoHash("image/jpeg", again) as string)).toBeLessThanOrEqual(PHOTO_HASH_NEAR_BITS);
    expect(hashDistance(a, photoHash("image/jpeg", smaller) as string)).toBeLessThanOrEqual(PHOTO_HASH_NEAR_BITS);
  });

  it("tells another picture apart", () => {
    const other = jpeg.encode(scene(640, 480, 2), 92).data;
    expect(
      hashDistance(photoHash("image/jpeg", asJpeg) as string, photoHash("image/jpeg", other) as string),
    ).toBeGreaterThan(PHOTO_HASH_NEAR_BITS * 2);
  });

  it("reads PNG (filtered rows) like the same picture in JPEG", () => {
    const fromJpeg = photoHash("image/jpeg", asJpeg) as string;
    for (const filter of [0, 1, 2] as const)
      expect(hashDistance(fromJpeg, photoHash("image/png", png(original, filter)) as string)).toBeLessThanOrEqual(
        PHOTO_HASH_NEAR_BITS,
      );
  });

  it("gives no hash for a picture without contrast, a type it does not decode, or a broken file", () => {
    const grey = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 4).fill(128) };
    expect(photoHash("image/jpeg", jpeg.encode(grey, 90).data)).toBeNull();
    expect(photoHash("image/webp", asJpeg)).toBeNull();
    expect(photoHash("image/jpeg", Buffer.from(asJpeg).subarray(0, 200))).toBeNull();
    expect(hashDistance("0", "-1")).toBe(64);
    expect(hashDistance("5", "5")).toBe(0);
  });

  it("decodes nothing larger than what the field app sends: more pixels, more bytes, or a PNG whose data unpacks past its rows", () => {
    // The field app's largest picture is hashed; one a little larger is not decoded at all.
    expect(PHOTO_HASH_MAX_PIXELS).toBe(1600 * 1600);
    const wide = jpeg.encode(scene(1700, 1600, 1), 50).data;
    expect(photoHash("image/jpeg", wide)).toBeNull();
    // The same small picture with megabytes after its end: not read.
    const padded = Buffer.concat([Buffer.from(asJpeg), Buffer.alloc(PHOTO_HASH_MAX_BYTES)]);
    expect(photoHash("image/jpeg", asJpeg)).not.toBeNull();
    expect(photoHash("image/jpeg", padded)).toBeNull();
    // A PNG whose image data unpacks to 64 MB more than its rows (a deflate bomb): stopped, no hash.
    expect(photoHash("image/png", png(original, 0))).not.toBeNull();
    expect(photoHash("image/png", png(original, 0, 64 * 1024 * 1024))).toBeNull();
  });
});
