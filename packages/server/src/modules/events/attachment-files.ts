import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * Photos and files attached to events: what they really are (by their first bytes, not by what the
 * client claims), and a copy for residents without the metadata that can tell where a photo was
 * taken (JPEG APP1 Exif/XMP, PNG eXIf and XMP text, WebP EXIF/XMP chunks). Staff keep the original:
 * the location of a photo of a hazard is evidence; a resident's neighbour need not learn it.
 */
export const ATTACHMENT_TYPES = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "application/pdf": "pdf",
} as const;
export type AttachmentType = keyof typeof ATTACHMENT_TYPES;

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/**
 * A file name safe to send back in a header and to show: no path, no control characters, no
 * direction marks or overrides (with U+202E, "photo\u202Egpj.exe" shows as "photoexe.jpg"), the right
 * extension; `fallback` (without its extension) when nothing is left of it.
 */
export function safeFileName(name: string, type: AttachmentType, fallback = "attachment"): string {
  const base = path
    .basename(name.replace(/\\/g, "/"))
    .replace(/["/\\]/g, "")
    .replace(/[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, "")
    .trim()
    .slice(0, 120);
  const ext = ATTACHMENT_TYPES[type];
  if (!base) return `${fallback}.${ext}`;
  return base.toLowerCase().endsWith(`.${ext}`) || (ext === "jpg" && /\.jpe?g$/i.test(base)) ? base : `${base}.${ext}`;
}

/**
 * Writes the bytes to a temporary file of this write alone, beside `file` where they are going: the
 * caller renames it into place once its row is in (and removes it whatever happens).
 */
export async function writeTemporary(file: string, data: Uint8Array): Promise<string> {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(tmp, data, { mode: 0o600, flag: "wx" });
  return tmp;
}

/** The type of a file by its signature, or undefined if it is none we accept. */
export function sniffType(data: Uint8Array): AttachmentType | undefined {
  const b = data;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg";
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return "image/png";
  if (
    b.length >= 12 &&
    ascii(b, 0, 4) === "RIFF" &&
    ascii(b, 8, 4) === "WEBP" // RIFF....WEBP
  )
    return "image/webp";
  if (b.length >= 5 && ascii(b, 0, 5) === "%PDF-") return "application/pdf";
  return undefined;
}

function ascii(b: Uint8Array, at: number, n: number): string {
  return String.fromCharCode(...b.subarray(at, at + n));
}

/** Whether a TIFF (EXIF) block has a GPS IFD pointer (tag 0x8825) in its first IFD. */
function exifHasGps(tiff: Uint8Array): boolean {
  if (tiff.length < 8) return false;
  const little = tiff[0] === 0x49;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const u16 = (o: number) => view.getUint16(o, little);
  const u32 = (o: number) => view.getUint32(o, little);
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return false;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return false;
    if (u16(entry) === 0x8825) return true;
  }
  return false;
}

const EXIF_HEADER = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"
const hasPrefix = (b: Uint8Array, prefix: number[]) => prefix.every((v, i) => b[i] === v);
const XMP_TEXT = "http://ns.adobe.com/xap/1.0/";

export interface Stripped {
  data: Uint8Array;
  /** The original carried a GPS position (so the copy for residents differs in what matters). */
  hadLocation: boolean;
  /** Metadata was removed. */
  changed: boolean;
}

function stripJpeg(data: Uint8Array): Stripped {
  const keep: Uint8Array[] = [data.subarray(0, 2)];
  let at = 2;
  let hadLocation = false;
  let changed = false;
  while (at + 4 <= data.length) {
    if (data[at] !== 0xff) break;
    const marker = data[at + 1] as number;
    if (marker === 0xda || marker === 0xd9) break; // start of scan: the rest is image data
    const length = ((data[at + 2] as number) << 8) | (data[at + 3] as number);
    const end = at + 2 + length;
    if (end > data.length) break;
    const body = data.subarray(at + 4, end);
    const isExif = marker === 0xe1 && hasPrefix(body, EXIF_HEADER);
    const isXmp = marker === 0xe1 && ascii(body, 0, XMP_TEXT.length) === XMP_TEXT;
    if (isExif && exifHasGps(body.subarray(6))) hadLocation = true;
    if (isXmp && /GPS(Latitude|Longitude)/.test(new TextDecoder().decode(body))) hadLocation = true;
    if (isExif || isXmp) changed = true;
    else keep.push(data.subarray(at, end));
    at = end;
  }
  keep.push(data.subarray(at));
  return { data: changed ? concat(keep) : data, hadLocation, changed };
}

function stripPng(data: Uint8Array): Stripped {
  const keep: Uint8Array[] = [data.subarray(0, 8)];
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let at = 8;
  let hadLocation = false;
  let changed = false;
  while (at + 12 <= data.length) {
    const length = view.getUint32(at);
    const type = ascii(data, at + 4, 4);
    const end = at + 12 + length;
    if (end > data.length) break;
    const body = data.subarray(at + 8, at + 8 + length);
    const isExif = type === "eXIf";
    const isXmp = type === "iTXt" && ascii(body, 0, 17) === "XML:com.adobe.xmp";
    if (isExif && exifHasGps(body)) hadLocation = true;
    if (isXmp && /GPS(Latitude|Longitude)/.test(new TextDecoder().decode(body))) hadLocation = true;
    if (isExif || isXmp) changed = true;
    else keep.push(data.subarray(at, end));
    at = end;
  }
  keep.push(data.subarray(at));
  return { data: changed ? concat(keep) : data, hadLocation, changed };
}

function stripWebp(data: Uint8Array): Stripped {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const keep: Uint8Array[] = [];
  let at = 12;
  let hadLocation = false;
  let changed = false;
  while (at + 8 <= data.length) {
    const type = ascii(data, at, 4);
    const length = view.getUint32(at + 4, true);
    const end = Math.min(data.length, at + 8 + length + (length % 2));
    const body = data.subarray(at + 8, at + 8 + length);
    if (type === "EXIF") {
      const tiff = hasPrefix(body, EXIF_HEADER) ? body.subarray(6) : body;
      if (exifHasGps(tiff)) hadLocation = true;
      changed = true;
    } else if (type === "XMP ") {
      if (/GPS(Latitude|Longitude)/.test(new TextDecoder().decode(body))) hadLocation = true;
      changed = true;
    } else if (type === "VP8X") {
      const copy = data.slice(at, end);
      copy[8] = (copy[8] as number) & ~0x0c; // no EXIF (0x08) or XMP (0x04) flag any more
      keep.push(copy);
    } else keep.push(data.subarray(at, end));
    at = end;
  }
  if (!changed) return { data, hadLocation, changed };
  const body = concat(keep);
  const header = new Uint8Array(12);
  header.set(data.subarray(0, 12));
  new DataView(header.buffer).setUint32(4, body.length + 4, true);
  return { data: concat([header, body]), hadLocation, changed };
}

/** A copy without location metadata (EXIF, XMP) for what residents can see. */
export function stripLocation(type: AttachmentType, data: Uint8Array): Stripped {
  if (type === "image/jpeg") return stripJpeg(data);
  if (type === "image/png") return stripPng(data);
  if (type === "image/webp") return stripWebp(data);
  return { data, hadLocation: false, changed: false };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
