import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { authorId, DomainError, fieldIssue, MAX_BROADCAST_AUDIO_BYTES, type Principal } from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { findAudio, insertAudioIfNew } from "./broadcast.queries.ts";
import type { BroadcastAudioRow } from "./notices.table.ts";

/**
 * Recordings for the loudspeakers (an official's voice instead of the text read out): uploaded first,
 * then named by the notice that carries them. The type is read from the bytes, never from the name or
 * the header; the bytes are a private file of the data directory, written beside and moved into place
 * only by the upload whose row goes in (a retried upload of the same bytes answers the stored one).
 */
export const AUDIO_TYPES = {
  "audio/mpeg": "mp3",
  "audio/wav": "wav",
  "audio/mp4": "m4a",
  "audio/ogg": "ogg",
  "audio/amr": "amr",
} as const;
export type AudioType = keyof typeof AUDIO_TYPES;

/** The recording's type from its first bytes, or undefined when it is none the loudspeakers play. */
export function sniffAudio(data: Uint8Array): AudioType | undefined {
  const ascii = (from: number, to: number) => Buffer.from(data.subarray(from, to)).toString("latin1");
  if (ascii(0, 3) === "ID3") return "audio/mpeg";
  // An MPEG audio frame header: 11 set sync bits, then a layer that is not "reserved".
  if (data[0] === 0xff && ((data[1] ?? 0) & 0xe0) === 0xe0 && ((data[1] ?? 0) & 0x06) !== 0) return "audio/mpeg";
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WAVE") return "audio/wav";
  if (ascii(4, 8) === "ftyp" && /^(M4A |M4B |mp42|isom|mp41)/.test(ascii(8, 12))) return "audio/mp4";
  if (ascii(0, 4) === "OggS") return "audio/ogg";
  if (ascii(0, 6) === "#!AMR\n") return "audio/amr";
  return undefined;
}

function audioPath(ctx: Pick<AppContext, "config">, id: string): string {
  return path.join(ctx.config.dataDir, "broadcast-audio", id);
}

export function toAudioView(row: BroadcastAudioRow) {
  return { id: row.id, contentType: row.content_type, size: row.size };
}

export async function saveAudio(
  ctx: AppContext,
  actor: Principal,
  id: string,
  data: Uint8Array,
): Promise<{ audio: ReturnType<typeof toAudioView>; created: boolean }> {
  const sha256 = createHash("sha256").update(data).digest("hex");
  const retried = (existing: BroadcastAudioRow) => {
    if (existing.sha256 === sha256 && existing.uploaded_by === authorId(actor))
      return { audio: toAudioView(existing), created: false };
    throw new DomainError("BROADCAST_AUDIO_REJECTED", `recording id ${id} already holds another recording`);
  };
  const existing = await findAudio(ctx.db, id);
  if (existing) return retried(existing);
  const type = data.length > 0 && data.length <= MAX_BROADCAST_AUDIO_BYTES ? sniffAudio(data) : undefined;
  if (!type)
    throw new DomainError("BROADCAST_AUDIO_REJECTED", "not an MP3, WAV, M4A, OGG or AMR recording of at most 5 MB", {
      errors: [fieldIssue("body", "NOTICE_FIELD_NO_SUCH_AUDIO")],
    });
  const row: BroadcastAudioRow = {
    id,
    content_type: type,
    size: data.length,
    sha256,
    uploaded_by: authorId(actor),
    created_at: ctx.now(),
  };
  const file = audioPath(ctx, id);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(tmp, data, { mode: 0o600, flag: "wx" });
  try {
    const created = await ctx.db.transaction().execute(async (trx) => {
      if (!(await insertAudioIfNew(trx, row))) return false;
      await rename(tmp, file);
      return true;
    });
    if (created) return { audio: toAudioView(row), created: true };
  } finally {
    await rm(tmp, { force: true });
  }
  const stored = await findAudio(ctx.db, id);
  if (!stored) throw new Error(`recording ${id} was taken and is gone`);
  return retried(stored);
}

export async function readAudio(ctx: AppContext, id: string): Promise<{ row: BroadcastAudioRow; data: Buffer }> {
  const row = await findAudio(ctx.db, id);
  if (!row) throw new DomainError("BROADCAST_ITEM_NOT_FOUND", `no recording ${id}`);
  return { row, data: await readFile(audioPath(ctx, id)) };
}
