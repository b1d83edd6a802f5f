import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { FieldIssue, IdType } from "@wangge/core";
import { createFieldCrypto, type FieldCrypto, type Keyring } from "../../crypto/field-crypto.ts";
import { isIssue, nameKeys, type SealedId, type SealedPhone, sealIdNumber, sealPhone } from "./registry-fields.ts";

/**
 * The costly part of checking an imported person, on its own: the ID number checked and sealed
 * (encrypted, blind-indexed, masked), the phone number sealed, the name's search keys (pinyin). It
 * needs no database and nothing from the rows before, so a large import has it done on worker
 * threads, a chunk of rows at a time, while the main thread parses, checks the rest and writes.
 * A small import, or one where no thread can be spared, does it inline: the results are the same.
 */
export interface SealRequest {
  /** The document type, already read from the row (the ID number is not sealed without one). */
  idType: IdType | undefined;
  idNumber: string | undefined;
  phone: string | undefined;
  name: string;
}

export type NameKeys = ReturnType<typeof nameKeys>;

export interface SealedFields {
  /**
   * The sealed ID number, or why it is not a valid one (a message as JSON, said in the report's
   * language); undefined when none was given (or no type).
   */
  id: SealedId | { issue: string } | undefined;
  phone: SealedPhone | { issue: string } | undefined;
  nameKeys: NameKeys | undefined;
}

/** Names longer than this are refused by the row check; their search keys are not worked out. */
export const NAME_MAX = 50;

const issueText = (issue: FieldIssue) => (issue.said ? JSON.stringify(issue.said) : issue.message);

export function sealFields(crypto: FieldCrypto, now: Date, req: SealRequest): SealedFields {
  let id: SealedFields["id"];
  if (req.idNumber && req.idType) {
    const sealed = sealIdNumber(crypto, req.idType, req.idNumber, "idNumber", now);
    id = isIssue(sealed) ? { issue: issueText(sealed) } : sealed;
  }
  let phone: SealedFields["phone"];
  if (req.phone) {
    const sealed = sealPhone(crypto, req.phone, "phone");
    phone = isIssue(sealed) ? { issue: issueText(sealed) } : sealed;
  }
  const name = req.name.trim();
  return { id, phone, nameKeys: name && name.length <= NAME_MAX ? nameKeys(name) : undefined };
}

/*
 * Between threads a chunk travels as one flat array of strings (structured cloning of objects per
 * row costs more than the sealing it moves): a request is 5 strings a row, a result 13.
 */
const REQUEST_SLOTS = 4;
const RESULT_SLOTS = 13;
const NONE = "";
const OK = "+";
const ISSUE = "!";
const CHARS_SEPARATOR = "\u0000";

export function encodeRequests(requests: readonly SealRequest[]): string[] {
  const out = new Array<string>(requests.length * REQUEST_SLOTS);
  requests.forEach((r, i) => {
    const o = i * REQUEST_SLOTS;
    out[o] = r.idType ?? NONE;
    out[o + 1] = r.idNumber ?? NONE;
    out[o + 2] = r.phone ?? NONE;
    out[o + 3] = r.name;
  });
  return out;
}

export function decodeRequests(flat: readonly string[]): SealRequest[] {
  const out: SealRequest[] = [];
  for (let o = 0; o < flat.length; o += REQUEST_SLOTS)
    out.push({
      idType: (flat[o] || undefined) as IdType | undefined,
      idNumber: flat[o + 1] || undefined,
      phone: flat[o + 2] || undefined,
      name: flat[o + 3] as string,
    });
  return out;
}

export function encodeResults(results: readonly SealedFields[]): string[] {
  const out = new Array<string>(results.length * RESULT_SLOTS).fill(NONE);
  results.forEach((r, i) => {
    const o = i * RESULT_SLOTS;
    if (r.id && "issue" in r.id) {
      out[o] = ISSUE;
      out[o + 1] = r.id.issue;
    } else if (r.id) {
      out[o] = OK;
      out[o + 1] = r.id.id_number_enc;
      out[o + 2] = r.id.id_number_bidx;
      out[o + 3] = r.id.id_number_masked;
      out[o + 4] = r.id.birthDate ?? NONE;
      out[o + 5] = r.id.gender ?? NONE;
    }
    if (r.phone && "issue" in r.phone) {
      out[o + 6] = ISSUE;
      out[o + 7] = r.phone.issue;
    } else if (r.phone) {
      out[o + 6] = OK;
      out[o + 7] = r.phone.enc;
      out[o + 8] = r.phone.bidx;
      out[o + 9] = r.phone.masked;
    }
    if (r.nameKeys) {
      out[o + 10] = OK;
      out[o + 11] = `${r.nameKeys.name_pinyin}${CHARS_SEPARATOR}${r.nameKeys.name_initials}`;
      out[o + 12] = r.nameKeys.name_chars.join(CHARS_SEPARATOR);
    }
  });
  return out;
}

export function decodeResults(flat: readonly string[], requests: readonly SealRequest[]): SealedFields[] {
  const out: SealedFields[] = [];
  for (let i = 0, o = 0; o < flat.length; i++, o += RESULT_SLOTS) {
    const at = (k: number) => flat[o + k] as string;
    let id: SealedFields["id"];
    if (at(0) === ISSUE) id = { issue: at(1) };
    else if (at(0) === OK)
      id = {
        id_type: requests[i]?.idType as IdType,
        id_number_enc: at(1),
        id_number_bidx: at(2),
        id_number_masked: at(3),
        birthDate: at(4) || undefined,
        gender: (at(5) || undefined) as SealedId["gender"],
      };
    let phone: SealedFields["phone"];
    if (at(6) === ISSUE) phone = { issue: at(7) };
    else if (at(6) === OK) phone = { enc: at(7), bidx: at(8), masked: at(9) };
    let keys: NameKeys | undefined;
    if (at(10) === OK) {
      const [pinyin = "", initials = ""] = at(11).split(CHARS_SEPARATOR);
      keys = { name_chars: at(12) ? at(12).split(CHARS_SEPARATOR) : [], name_pinyin: pinyin, name_initials: initials };
    }
    out.push({ id, phone, nameKeys: keys });
  }
  return out;
}

/** Seals chunks of rows, in the order asked, on this thread or on workers. */
export interface Sealer {
  readonly threads: number;
  seal(requests: SealRequest[]): Promise<SealedFields[]>;
  close(): Promise<void>;
}

export function inlineSealer(crypto: FieldCrypto, now: Date): Sealer {
  return {
    threads: 0,
    async seal(requests) {
      return requests.map((r) => sealFields(crypto, now, r));
    },
    async close() {},
  };
}

/** What a sealing worker is started with: the keys it seals under, and the time ID numbers are checked against. */
export interface SealerWorkerData {
  keyring: Keyring;
  algorithm: FieldCrypto["algorithm"];
  now: number;
}

export function workerCrypto(data: SealerWorkerData): FieldCrypto {
  return createFieldCrypto(data.keyring, { algorithm: data.algorithm });
}

/**
 * What a sealing thread (sealing-worker.mjs) does with each chunk it is sent: seals it under the
 * keys it was started with and answers the sealed fields in order, or the chunk's error in its place
 * (the thread goes on with the next chunk).
 */
export function sealingThread(data: SealerWorkerData): (flat: string[]) => string[] | { error: string } {
  // The keys arrive as plain byte arrays.
  const crypto = workerCrypto({
    ...data,
    keyring: {
      current: Buffer.from(data.keyring.current),
      retired: data.keyring.retired.map((k) => Buffer.from(k)),
      indexRoot: Buffer.from(data.keyring.indexRoot),
    },
  });
  const now = new Date(data.now);
  return (flat) => {
    try {
      return encodeResults(decodeRequests(flat).map((r) => sealFields(crypto, now, r)));
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  };
}

/** Threads to seal on: the cores but one (left to the main thread), at least one, at most four. */
export function sealingThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

interface Pending {
  requests: SealRequest[];
  resolve: (results: SealedFields[]) => void;
  reject: (error: Error) => void;
}

/**
 * Worker threads that seal chunks, each chunk sent to the next thread in turn. A chunk that throws
 * fails with the error; a thread that dies (or exits) fails every chunk it holds and every chunk
 * asked after, so an import stops with the error rather than waiting; `close` ends the threads.
 */
export function workerSealer(crypto: FieldCrypto, now: Date, threads = sealingThreads()): Sealer {
  const data: SealerWorkerData = { keyring: crypto.exportKeyring(), algorithm: crypto.algorithm, now: now.getTime() };
  let failure: Error | undefined;
  let closing = false;
  const workers = Array.from({ length: threads }, () => {
    const queue: Pending[] = [];
    const worker = new Worker(new URL("./sealing-worker.mjs", import.meta.url), { workerData: data });
    const fail = (error: Error) => {
      failure ??= error;
      for (const p of queue.splice(0)) p.reject(error);
    };
    worker.on("message", (reply: string[] | { error: string }) => {
      if (closing) return; // what is still out fails in close()
      const next = queue.shift();
      if (!next) return;
      if (Array.isArray(reply)) next.resolve(decodeResults(reply, next.requests));
      else next.reject(new Error(`sealing failed: ${reply.error}`));
    });
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (!closing) fail(new Error(`a sealing worker stopped (exit code ${code})`));
    });
    return { worker, queue };
  });
  let turn = 0;
  return {
    threads,
    seal(requests) {
      if (failure) return Promise.reject(failure);
      const target = workers[turn++ % workers.length] as (typeof workers)[number];
      return new Promise((resolve, reject) => {
        target.queue.push({ requests, resolve, reject });
        target.worker.postMessage(encodeRequests(requests));
      });
    },
    async close() {
      closing = true;
      failure ??= new Error("the sealing threads were closed");
      await Promise.all(workers.map((w) => w.worker.terminate()));
      // Chunks still out (an import that stopped early) fail rather than wait for ever.
      for (const w of workers) for (const p of w.queue.splice(0)) p.reject(failure);
    },
  };
}

/** Rows an import seals on this thread before it starts sealing threads (small files never start them). */
export const SEAL_ON_THREADS_FROM = 5_000;

/**
 * Seals inline until `threadsFrom` rows were asked for, then on worker threads (if there is a core
 * to spare): a small import pays nothing for starting threads, a large one — CSV or XLSX, whose
 * row count is not known beforehand — moves its sealing off the main thread after the first rows.
 */
export function importSealer(
  crypto: FieldCrypto,
  now: Date,
  options: { threadsFrom?: number; threads?: number } = {},
): Sealer {
  const from = options.threadsFrom ?? SEAL_ON_THREADS_FROM;
  const threads = options.threads ?? (availableParallelism() > 1 ? sealingThreads() : 0);
  const inline = inlineSealer(crypto, now);
  let workers: Sealer | undefined;
  let asked = 0;
  return {
    get threads() {
      return workers?.threads ?? 0;
    },
    seal(requests) {
      asked += requests.length;
      if (!workers && threads > 0 && asked > from) workers = workerSealer(crypto, now, threads);
      return (workers ?? inline).seal(requests);
    },
    async close() {
      await workers?.close();
    },
  };
}

/** Rows sealed at a time: big enough that a chunk's trip between threads costs little per row. */
export const SEAL_CHUNK = 500;

/** Items in order, each with its sealed fields (undefined for an item that needed none). */
export interface SealedChunk<T> {
  items: T[];
  sealed: (SealedFields | undefined)[];
}

/**
 * The items of `source` (which comes in chunks, as a file is read), each with its sealed fields, in
 * order and in chunks. Chunks of rows are sent ahead to the sealer (a few per thread), so the threads
 * seal while the caller checks and writes earlier rows. Items that need no sealing (`request` gives
 * undefined: a header) pass through in their place, in a chunk of their own.
 */
export async function* sealAhead<T>(
  source: AsyncIterable<readonly T[]>,
  sealer: Sealer,
  request: (item: T) => SealRequest | undefined,
  chunkSize = SEAL_CHUNK,
): AsyncGenerator<SealedChunk<T>> {
  const inFlight: { items: T[]; sealed: Promise<SealedFields[]> }[] = [];
  let items: T[] = [];
  let requests: SealRequest[] = [];
  const send = () => {
    if (items.length === 0) return;
    const sealed = sealer.seal(requests);
    sealed.catch(() => {}); // awaited below, in order; not an unhandled rejection meanwhile
    inFlight.push({ items, sealed });
    items = [];
    requests = [];
  };
  async function* drain(keep: number): AsyncGenerator<SealedChunk<T>> {
    while (inFlight.length > keep) {
      const chunk = inFlight.shift() as (typeof inFlight)[number];
      yield { items: chunk.items, sealed: await chunk.sealed };
    }
  }
  for await (const piece of source) {
    for (const item of piece) {
      const r = request(item);
      if (!r) {
        send();
        yield* drain(0);
        yield { items: [item], sealed: [undefined] };
        continue;
      }
      items.push(item);
      requests.push(r);
      if (items.length >= chunkSize) {
        send();
        yield* drain(Math.max(1, sealer.threads * 2));
      }
    }
  }
  send();
  yield* drain(0);
}
