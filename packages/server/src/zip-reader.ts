import { createReadStream } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { Readable, Transform } from "node:stream";
import { createInflateRaw } from "node:zlib";

/**
 * Reading a zip (an XLSX) by its central directory: any entry, in any order, streamed from the file or
 * from bytes in memory. Spreadsheet readers that walk a zip from its first byte depend on the order
 * its writer chose, and on the unzipping stream ending exactly after the last entry (ExcelJS's streaming
 * reader, through unzipper, lost every entry after the first sheet on Node 24 now and then, and then
 * read the sheet without its shared strings).
 */

/** A zip's directory is a few kilobytes per hundred entries; one claiming more than this is not read. */
const DIRECTORY_MAX = 1024 * 1024;
/**
 * The most an entry is unpacked to unless the caller says less: a sheet of a million rows is well
 * below; a deflate bomb (a few megabytes that unpack to terabytes) stops here with a refusal.
 */
export const ENTRY_UNPACKED_MAX = 1024 * 1024 * 1024;
/** The end of central directory record: its fixed part, and the longest comment that may follow it. */
const END_RECORD = 22;
const END_SEARCH = END_RECORD + 0xffff;

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated: the only two spreadsheet programs write. */
  method: number;
  compressedSize: number;
  /** The size it unpacks to, as the directory says (checked while unpacking: a zip may lie). */
  size: number;
  /** Where the entry's local header starts. */
  at: number;
}

/** Why a file is not a zip this reader can read. */
export type ZipProblem = "not_zip" | "damaged" | "encrypted" | "too_large";

/** The file is not a zip this reader can read: `problem` says why, the message in more detail. */
export class ZipUnreadable extends Error {
  constructor(
    readonly problem: ZipProblem,
    message: string,
  ) {
    super(message);
  }
}

type Source = { kind: "file"; path: string; handle: FileHandle; size: number } | { kind: "bytes"; bytes: Buffer };

export class ZipReader {
  private constructor(
    private readonly source: Source,
    readonly entries: readonly ZipEntry[],
  ) {}

  /** Opens a zip from a file path or its bytes; `close` it when done (a file stays open until then). */
  static async open(from: string | Buffer): Promise<ZipReader> {
    let source: Source;
    if (typeof from === "string") {
      const handle = await open(from, "r");
      source = { kind: "file", path: from, handle, size: (await handle.stat()).size };
    } else source = { kind: "bytes", bytes: from };
    try {
      return new ZipReader(source, await readDirectory(source));
    } catch (error) {
      if (source.kind === "file") await source.handle.close();
      throw error;
    }
  }

  entry(name: string): ZipEntry | undefined {
    return this.entries.find((e) => e.name === name);
  }

  /** The entry's first bytes, unpacked as far as they go (for a quick look at the start of a sheet). */
  async head(entry: ZipEntry, bytes: number): Promise<Buffer> {
    const start = await this.dataStart(entry);
    return read(this.source, start, Math.min(bytes, entry.compressedSize));
  }

  /**
   * The entry's contents, unpacked, as a stream of at most `maxBytes`: an entry whose directory says
   * more is refused before anything is unpacked (`too_large`), one that unpacks to more than its
   * directory says is damaged, whatever its headers claim, and never more than the limit is unpacked.
   */
  async stream(entry: ZipEntry, maxBytes = ENTRY_UNPACKED_MAX): Promise<Readable> {
    if (entry.size > maxBytes) throw unpacksTooLarge(entry, maxBytes);
    if (entry.method === 0 && entry.size !== entry.compressedSize)
      throw new ZipUnreadable("damaged", `the zip's entry ${entry.name} is not the size its directory says`);
    const start = await this.dataStart(entry);
    const raw =
      entry.compressedSize === 0
        ? Readable.from([])
        : this.source.kind === "file"
          ? createReadStream(this.source.path, { start, end: start + entry.compressedSize - 1 })
          : Readable.from([this.source.bytes.subarray(start, start + entry.compressedSize)]);
    if (entry.method === 0) return raw;
    const inflate = createInflateRaw();
    raw.on("error", (error: Error) => inflate.destroy(error));
    let unpacked = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        unpacked += chunk.length;
        if (unpacked > entry.size) {
          // Refused at once: the rest is not unpacked.
          raw.destroy();
          inflate.destroy();
          done(new ZipUnreadable("damaged", `the zip's entry ${entry.name} unpacks to more than its directory says`));
        } else done(null, chunk);
      },
    });
    inflate.on("error", (error: Error) => counted.destroy(error));
    return raw.pipe(inflate).pipe(counted);
  }

  async close(): Promise<void> {
    if (this.source.kind === "file") await this.source.handle.close();
  }

  /** Where the entry's data starts: after its local header, whose name and extra field may differ in length from the directory's. */
  private async dataStart(entry: ZipEntry): Promise<number> {
    if (entry.method !== 0 && entry.method !== 8)
      throw new ZipUnreadable("damaged", `the zip's entry ${entry.name} is packed in a way spreadsheets do not use`);
    const local = await read(this.source, entry.at, 30);
    if (local.length < 30 || local.readUInt32LE(0) !== 0x04034b50)
      throw new ZipUnreadable("damaged", `the zip's entry ${entry.name} is not where its directory says`);
    const start = entry.at + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    if (start + entry.compressedSize > sizeOf(this.source))
      throw new ZipUnreadable("damaged", `the zip's entry ${entry.name} runs past the end of the file`);
    return start;
  }
}

const unpacksTooLarge = (entry: ZipEntry, maxBytes: number) =>
  new ZipUnreadable(
    "too_large",
    `the zip's entry ${entry.name} unpacks to ${entry.size} bytes, more than the ${maxBytes} read of it`,
  );

function sizeOf(source: Source): number {
  return source.kind === "file" ? source.size : source.bytes.length;
}

async function read(source: Source, position: number, length: number): Promise<Buffer> {
  if (source.kind === "bytes") return source.bytes.subarray(position, position + length);
  const buf = Buffer.alloc(Math.max(0, Math.min(length, source.size - position)));
  const { bytesRead } = await source.handle.read(buf, 0, buf.length, position);
  return buf.subarray(0, bytesRead);
}

async function readDirectory(source: Source): Promise<ZipEntry[]> {
  const size = sizeOf(source);
  const tailAt = Math.max(0, size - END_SEARCH);
  const tail = await read(source, tailAt, size - tailAt);
  const end = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0 || end + END_RECORD > tail.length) throw new ZipUnreadable("not_zip", "not a zip file");
  const count = tail.readUInt16LE(end + 10);
  const directorySize = tail.readUInt32LE(end + 12);
  const directoryAt = tail.readUInt32LE(end + 16);
  if (count === 0xffff || directorySize === 0xffffffff || directoryAt === 0xffffffff)
    throw new ZipUnreadable("too_large", "a Zip64 file (over 4 GB or 65,535 entries)");
  if (directorySize > DIRECTORY_MAX || directoryAt + directorySize > size)
    throw new ZipUnreadable("damaged", "a damaged zip: its directory is not where it says");
  const directory = await read(source, directoryAt, directorySize);
  const entries: ZipEntry[] = [];
  let o = 0;
  while (o + 46 <= directory.length && directory.readUInt32LE(o) === 0x02014b50) {
    const flags = directory.readUInt16LE(o + 8);
    const nameLength = directory.readUInt16LE(o + 28);
    const entry = {
      name: directory.toString("utf8", o + 46, o + 46 + nameLength),
      method: directory.readUInt16LE(o + 10),
      compressedSize: directory.readUInt32LE(o + 20),
      size: directory.readUInt32LE(o + 24),
      at: directory.readUInt32LE(o + 42),
    };
    if (flags & 1) throw new ZipUnreadable("encrypted", "an encrypted zip (save the file without a password)");
    entries.push(entry);
    o += 46 + nameLength + directory.readUInt16LE(o + 30) + directory.readUInt16LE(o + 32);
  }
  if (entries.length !== count) throw new ZipUnreadable("damaged", "a damaged zip: its directory is cut short");
  return entries;
}
