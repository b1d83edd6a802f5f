import { inflateSync } from "node:zlib";
import jpeg from "jpeg-js";

/**
 * A photo's perceptual hash (dHash): the picture decoded, turned grey, shrunk to 9×8 cells by area
 * averaging, and one bit per neighbouring pair of cells in a row (is the left one brighter?). The same
 * picture saved again at another quality, or resized, keeps (nearly) the same 64 bits, where its
 * SHA-256 changes completely; two photos whose hashes differ in at most PHOTO_HASH_NEAR_BITS bits are
 * near-identical. JPEG (what the field app sends) and PNG are decoded, up to PHOTO_HASH_MAX_*; other
 * types and larger pictures get no hash (their exact digest still finds a photo sent twice).
 */
export const PHOTO_HASH_NEAR_BITS = 10;

/**
 * Neighbouring cells closer than this in mean luma (0–255) count as equal: a plain sky or wall gives the
 * same bits however the noise of a new JPEG encoding falls.
 */
const TIE = 1.5;

/**
 * Decoding runs on the request's thread (jpeg-js is plain JavaScript: a 12-megapixel JPEG takes
 * seconds of CPU, a 1600×1200 one about a second on a busy two-core server), so only what the field
 * app sends is decoded: at most 1600 px a side (web lib/photo.ts, PHOTO_MAX_SIDE), a few hundred
 * kilobytes. A larger picture or file gets no perceptual hash — its exact digest still finds it sent
 * twice. The limits are checked from the file's header before any pixel is decoded.
 */
export const PHOTO_HASH_MAX_PIXELS = 1600 * 1600;
export const PHOTO_HASH_MAX_BYTES = 2 * 1024 * 1024;
/** What jpeg-js may allocate for such a picture (its RGBA output is 10 MB; coefficients and lines add some). */
const JPEG_MEMORY_MB = 48;

interface Grey {
  width: number;
  height: number;
  /** One luma value per pixel. */
  at(x: number, y: number): number;
}

const luma = (r: number, g: number, b: number) => 0.299 * r + 0.587 * g + 0.114 * b;

function decodeJpeg(data: Uint8Array): Grey {
  const image = jpeg.decode(data, {
    useTArray: true,
    formatAsRGBA: true,
    maxResolutionInMP: PHOTO_HASH_MAX_PIXELS / 1_000_000,
    maxMemoryUsageInMB: JPEG_MEMORY_MB,
  });
  const px = image.data;
  return {
    width: image.width,
    height: image.height,
    at: (x, y) => {
      const i = (y * image.width + x) * 4;
      return luma(px[i] as number, px[i + 1] as number, px[i + 2] as number);
    },
  };
}

/** PNG: 8-bit greyscale, grey+alpha, RGB, RGBA or palette, not interlaced (others: no hash). */
function decodePng(data: Uint8Array): Grey | null {
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let offset = 8;
  let width = 0;
  let height = 0;
  let depth = 0;
  let colour = 0;
  let interlace = 0;
  let palette: Buffer | null = null;
  const idat: Buffer[] = [];
  while (offset + 8 <= view.length) {
    const length = view.readUInt32BE(offset);
    const type = view.toString("latin1", offset + 4, offset + 8);
    const body = view.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      depth = body[8] as number;
      colour = body[9] as number;
      interlace = body[12] as number;
    } else if (type === "PLTE") palette = body;
    else if (type === "IDAT") idat.push(body);
    else if (type === "IEND") break;
    offset += 12 + length;
  }
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colour];
  if (depth !== 8 || interlace !== 0 || !channels || width === 0 || height === 0) return null;
  if (width * height > PHOTO_HASH_MAX_PIXELS) return null;
  if (colour === 3 && !palette) return null;
  const stride = width * channels;
  // Never more than the picture's rows (a filter byte each): a deflate bomb in IDAT stops there.
  const raw = inflateSync(Buffer.concat(idat), { maxOutputLength: (stride + 1) * height });
  const out = new Uint8Array(stride * height);
  // Undo each row's filter (PNG specification, section 9).
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] as number;
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? (out[row + x - channels] as number) : 0;
      const b = y > 0 ? (out[row - stride + x] as number) : 0;
      const c = x >= channels && y > 0 ? (out[row - stride + x - channels] as number) : 0;
      const value = raw[src + x] as number;
      let predicted = 0;
      if (filter === 1) predicted = a;
      else if (filter === 2) predicted = b;
      else if (filter === 3) predicted = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[row + x] = (value + predicted) & 0xff;
    }
  }
  return {
    width,
    height,
    at: (x, y) => {
      const i = y * stride + x * channels;
      if (colour === 0 || colour === 4) return out[i] as number;
      if (colour === 3) {
        const p = (out[i] as number) * 3;
        return luma(palette?.[p] ?? 0, palette?.[p + 1] ?? 0, palette?.[p + 2] ?? 0);
      }
      return luma(out[i] as number, out[i + 1] as number, out[i + 2] as number);
    },
  };
}

/** The picture shrunk to cols × rows cells, each the mean luma of the pixels it covers. */
function shrink(image: Grey, cols: number, rows: number): number[] {
  const cells: number[] = [];
  for (let cy = 0; cy < rows; cy++) {
    const y0 = Math.floor((cy * image.height) / rows);
    const y1 = Math.max(y0 + 1, Math.floor(((cy + 1) * image.height) / rows));
    for (let cx = 0; cx < cols; cx++) {
      const x0 = Math.floor((cx * image.width) / cols);
      const x1 = Math.max(x0 + 1, Math.floor(((cx + 1) * image.width) / cols));
      // At most 64×64 samples per cell: enough for a mean, quick on a large photo.
      const stepX = Math.max(1, Math.floor((x1 - x0) / 64));
      const stepY = Math.max(1, Math.floor((y1 - y0) / 64));
      let sum = 0;
      let n = 0;
      for (let y = y0; y < y1; y += stepY)
        for (let x = x0; x < x1; x += stepX) {
          sum += image.at(x, y);
          n++;
        }
      cells.push(sum / n);
    }
  }
  return cells;
}

/**
 * The dHash of a photo as a signed 64-bit integer in decimal (how PostgreSQL's bigint holds it), or
 * null when the type is not decoded or the file does not decode.
 */
export function photoHash(type: string, data: Uint8Array): string | null {
  if (data.length > PHOTO_HASH_MAX_BYTES) return null;
  let image: Grey | null;
  try {
    image = type === "image/jpeg" ? decodeJpeg(data) : type === "image/png" ? decodePng(data) : null;
  } catch {
    return null;
  }
  if (!image) return null;
  const cells = shrink(image, 9, 8);
  // A picture without contrast (a covered lens, a blank wall) says nothing about what it shows.
  if (Math.max(...cells) - Math.min(...cells) < 4) return null;
  let bits = 0n;
  for (let y = 0; y < 8; y++)
    for (let x = 0; x < 8; x++)
      bits = (bits << 1n) | ((cells[y * 9 + x] as number) > (cells[y * 9 + x + 1] as number) + TIE ? 1n : 0n);
  return BigInt.asIntN(64, bits).toString();
}

/** How many of the 64 bits two hashes differ in. */
export function hashDistance(a: string, b: string): number {
  let x = BigInt.asUintN(64, BigInt(a) ^ BigInt(b));
  let n = 0;
  while (x > 0n) {
    n += Number(x & 1n);
    x >>= 1n;
  }
  return n;
}
