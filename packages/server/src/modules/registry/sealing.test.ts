import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { checkCharacter, type IdType } from "@wangge/core";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFieldCrypto, type FieldCrypto } from "../../crypto/field-crypto.ts";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, importPeopleAsJob } from "../../test/factories.ts";
import { findJob } from "./import-jobs.service.ts";
import { rejectedRowsReport } from "./import-reports.service.ts";
import type { ImportJobRow } from "./registry.table.ts";
import { charsOf, idIndex } from "./registry-fields.ts";
import {
  importSealer,
  inlineSealer,
  type SealedChunk,
  type SealedFields,
  type SealRequest,
  sealAhead,
  workerSealer,
} from "./sealing.ts";

/**
 * Sealing on worker threads gives what sealing inline gives — the same blind indexes, masks, search
 * keys and refusals, ciphertexts that decrypt to the same numbers — in the order asked, and an import
 * that seals on threads registers and refuses exactly what one sealing inline would.
 */
const id18 = (first17: string) => `${first17}${checkCharacter(first17)}`;
const NOW = new Date("2026-11-28T08:00:00Z");

const REQUESTS: SealRequest[] = [
  { idType: "resident_id", idNumber: id18("45080219500301001"), phone: "138 7710 0001", name: "单田芳" },
  { idType: "resident_id", idNumber: "450802500301001", phone: "0775-4212345", name: " 韦大娘 " },
  { idType: "resident_id", idNumber: `${id18("45080219600101003").slice(0, 17)}Z`, phone: "12345", name: "错校验" },
  { idType: "resident_id", idNumber: id18("45080230000101001"), phone: undefined, name: "未来人" },
  { idType: "passport", idNumber: "e12345678", phone: undefined, name: "John Smith" },
  { idType: undefined, idNumber: "whatever", phone: undefined, name: "无类型" },
  { idType: "resident_id", idNumber: undefined, phone: "13877100002", name: "" },
  { idType: "resident_id", idNumber: id18("45080219900101003"), phone: undefined, name: "长".repeat(51) },
];

/** What must agree between two sealings of the same request (ciphertexts differ: their IVs are random). */
function comparable(crypto: FieldCrypto, s: SealedFields) {
  const open = (v: { id_number_enc?: string; enc?: string } | undefined) =>
    v && ("id_number_enc" in v ? crypto.decrypt(v.id_number_enc as string) : crypto.decrypt(v.enc as string));
  return {
    id: s.id && "issue" in s.id ? s.id : s.id && { ...s.id, id_number_enc: open(s.id) },
    phone: s.phone && "issue" in s.phone ? s.phone : s.phone && { ...s.phone, enc: open(s.phone) },
    nameKeys: s.nameKeys,
  };
}

describe("sealing on worker threads", () => {
  it("gives what sealing inline gives, chunk by chunk in order, over two threads", async () => {
    const crypto = createFieldCrypto(randomBytes(32));
    const inline = await inlineSealer(crypto, NOW).seal(REQUESTS);
    // The inline results themselves: what the row check relies on.
    expect(inline[0]?.id).toMatchObject({
      id_type: "resident_id",
      id_number_bidx: idIndex(crypto, id18("45080219500301001")),
      id_number_masked: "450802************",
      birthDate: "1950-03-01",
      gender: "male",
    });
    expect(inline[0]?.phone).toMatchObject({ masked: "138****0001" });
    expect(inline[0]?.nameKeys).toEqual({
      name_chars: ["单", "田", "芳"],
      name_pinyin: "shantianfang",
      name_initials: "stf",
    });
    expect(inline[1]?.phone).toMatchObject({ masked: "077****2345" });
    expect(inline[2]?.id).toEqual({ issue: expect.stringMatching(/"code":"ID_NUMBER_(CHECK_DIGIT|LENGTH|FORM)"/) });
    expect(inline[2]?.phone).toEqual({ issue: expect.stringMatching(/"code":"PHONE_NUMBER_FORM"/) });
    expect(inline[3]?.id).toEqual({ issue: expect.any(String) });
    expect(inline[4]?.id).toMatchObject({ id_type: "passport", birthDate: undefined, gender: undefined });
    expect(inline[4]?.nameKeys).toMatchObject({ name_pinyin: "johnsmith", name_initials: "js" });
    expect(inline[5]?.id).toBeUndefined();
    expect(inline[6]).toMatchObject({ id: undefined, nameKeys: undefined });
    expect(inline[7]?.nameKeys).toBeUndefined();

    const sealer = workerSealer(crypto, NOW, 2);
    try {
      // Five chunks over two threads, answered in the order asked.
      const chunks = await Promise.all(
        [0, 1, 2, 3, 4].map((k) => sealer.seal(REQUESTS.slice(k).concat(REQUESTS.slice(0, k)))),
      );
      chunks.forEach((chunk, k) => {
        const expected = inline.slice(k).concat(inline.slice(0, k));
        expect(chunk.map((s) => comparable(crypto, s))).toEqual(expected.map((s) => comparable(crypto, s)));
      });
    } finally {
      await sealer.close();
    }
  });

  it("encrypts with SM4 on the thread when the deployment uses Chinese cryptography", async () => {
    const crypto = createFieldCrypto(randomBytes(32), { algorithm: "gm" });
    const sealer = workerSealer(crypto, NOW, 1);
    try {
      const [sealed] = await sealer.seal(REQUESTS.slice(0, 1));
      const id = sealed?.id as { id_number_enc: string; id_number_bidx: string };
      expect(id.id_number_enc.startsWith("g1:")).toBe(true);
      expect(crypto.decrypt(id.id_number_enc)).toBe(id18("45080219500301001"));
      expect(id.id_number_bidx).toBe(idIndex(crypto, id18("45080219500301001")));
    } finally {
      await sealer.close();
    }
  });

  it("fails a chunk that throws, with the error, seals the next one, and fails what is out when closed", async () => {
    const crypto = createFieldCrypto(randomBytes(32));
    const sealer = workerSealer(crypto, NOW, 1);
    try {
      const bad = { idType: "bogus" as IdType, idNumber: "1", phone: undefined, name: "某" };
      await expect(sealer.seal([bad])).rejects.toThrow(/^sealing failed: /);
      const [good] = await sealer.seal(REQUESTS.slice(0, 1));
      expect(good?.id).toMatchObject({ id_number_bidx: idIndex(crypto, id18("45080219500301001")) });
      // Closed with a chunk still out: it fails, and so does anything asked after.
      const out = sealer.seal(REQUESTS);
      await sealer.close();
      await expect(out).rejects.toThrow("the sealing threads were closed");
      await expect(sealer.seal(REQUESTS)).rejects.toThrow("the sealing threads were closed");
    } finally {
      await sealer.close();
    }
  });

  it("starts threads only once an import has asked for more rows than a small file has", async () => {
    const crypto = createFieldCrypto(randomBytes(32));
    const sealer = importSealer(crypto, NOW, { threadsFrom: 10, threads: 1 });
    try {
      await sealer.seal(REQUESTS);
      expect(sealer.threads).toBe(0);
      const [first] = await sealer.seal(REQUESTS);
      expect(sealer.threads).toBe(1);
      const id = first?.id as { id_number_enc: string };
      expect(crypto.decrypt(id.id_number_enc)).toBe(id18("45080219500301001"));
    } finally {
      await sealer.close();
    }
    const never = importSealer(crypto, NOW, { threadsFrom: 0, threads: 0 });
    await never.seal(REQUESTS);
    expect(never.threads).toBe(0);
  });

  it("keeps the items in order, headers in their place, and stops with a chunk's error", async () => {
    const crypto = createFieldCrypto(randomBytes(32));
    // As a file is read: the header alone, then rows in pieces of uneven length.
    async function* items() {
      yield ["header"];
      const rows = Array.from({ length: 23 }, (_, i) => `row ${i}`);
      yield rows.slice(0, 3);
      yield rows.slice(3, 17);
      yield rows.slice(17);
    }
    const flat = async (
      chunks: AsyncIterable<SealedChunk<string>>,
      each: (item: string, sealed?: SealedFields) => void,
    ) => {
      for await (const chunk of chunks) {
        expect(chunk.sealed).toHaveLength(chunk.items.length);
        for (const [i, item] of chunk.items.entries()) each(item, chunk.sealed[i]);
      }
    };
    const request = (item: string): SealRequest | undefined =>
      item === "header" ? undefined : { idType: undefined, idNumber: undefined, phone: undefined, name: item };
    const sealer = workerSealer(crypto, NOW, 2);
    try {
      const seen: string[] = [];
      await flat(sealAhead(items(), sealer, request, 5), (item, sealed) => {
        seen.push(item);
        if (item === "header") expect(sealed).toBeUndefined();
        else expect(sealed?.nameKeys?.name_chars).toEqual(charsOf(item));
      });
      expect(seen).toEqual(["header", ...Array.from({ length: 23 }, (_, i) => `row ${i}`)]);

      const failing = (item: string): SealRequest | undefined =>
        item === "row 12" ? { idType: "bogus" as IdType, idNumber: "1", phone: undefined, name: item } : request(item);
      const before: string[] = [];
      await expect(flat(sealAhead(items(), sealer, failing, 5), (item) => before.push(item))).rejects.toThrow(
        /sealing failed/,
      );
      // The rows of the chunks before the failing one came through; none after it.
      expect(before).toEqual(["header", ...Array.from({ length: 10 }, (_, i) => `row ${i}`)]);
    } finally {
      await sealer.close();
    }
  });
});

describe("an import that seals on threads", () => {
  let t: TestApp;
  let tree: AreaTree;
  let dir: string;
  beforeAll(async () => {
    t = await buildTestApp();
    tree = await buildAreaTree(t.ctx);
    dir = await mkdtemp(path.join(tmpdir(), "wangge-sealing-"));
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("registers the good rows and refuses the bad ones exactly as inline", async () => {
    const header = "姓名,证件号码,手机号码,户编号,与户主关系,村社区代码,街路巷或自然村,门牌号,网格代码";
    const row = (name: string, id: string, phone: string, n: number) =>
      `${name},${id},${phone},SEAL-${Math.floor(n / 2)},${n % 2 ? "配偶" : "户主"},${tree.village.code},民主路,${n},${tree.grid.code}`;
    const lines = [header];
    const idOf = (m: number) => id18(`450802${1940 + (m % 60)}0101${String(m).padStart(3, "0")}`);
    // Rows 2–1001 are 1,000 people; rows 1002–1301 give the first 300 of them again under other names.
    for (let n = 0; n < 1_300; n++) lines.push(row(`覃${n}`, idOf(n % 1_000), "", n));
    const twin = id18("45080219400101000");
    lines.push(row("错号", `${twin.slice(0, 17)}${twin[17] === "1" ? "2" : "1"}`, "", 2_000));
    lines.push(row("错电话", id18("45080219990101999"), "12345", 2_001));
    lines.push(row("控\u0007制", id18("45080219990101998"), "", 2_002));
    const file = path.join(dir, "people.csv");
    await writeFile(file, lines.join("\n"));
    const { id, counts } = await importPeopleAsJob(t.ctx, file, { sealOnThreadsFrom: 0 });
    expect(counts).toEqual({ created: 1_000, updated: 0, unchanged: 0, rejected: 303 });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(
      (await rejectedRowsReport(t.ctx, (await findJob(t.ctx.db, id)) as ImportJobRow, "en")) as unknown as ArrayBuffer,
    );
    const reasons = (wb.worksheets[0]?.getSheetValues() ?? [])
      .filter(Boolean)
      .slice(1)
      .map((r) => [(r as unknown[])[1], String((r as unknown[]).at(-1))]);
    expect(reasons).toHaveLength(303);
    expect(reasons[0]).toEqual([1_002, "id number: the same person as row 2"]);
    expect(reasons.slice(-3)).toEqual([
      [1_302, expect.stringMatching(/^id number: check digit should be/)],
      [1_303, expect.stringMatching(/^phone: a mainland mobile/)],
      [
        1_304,
        "name: contains text that cannot be stored (a NUL character, a control character or bytes that are not UTF-8)",
      ],
    ]);
    const stored = await t.ctx.db
      .selectFrom("person")
      .select(["id_number_enc", "id_number_bidx", "name_pinyin", "name_initials"])
      .where("name", "=", "覃999")
      .executeTakeFirstOrThrow();
    expect(stored.id_number_enc && t.ctx.crypto.decrypt(stored.id_number_enc)).toBe(idOf(999));
    expect(stored.id_number_bidx).toBe(idIndex(t.ctx.crypto, idOf(999)));
    expect(stored).toMatchObject({ name_pinyin: "qin", name_initials: "q" });
  });
});
