import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../test/test-database.ts";
import { type CopyValue, encodeCopy, encodeObjects } from "./bulk.ts";

/** The rows as COPY's text reads them. */
const copyText = (rows: readonly (readonly CopyValue[])[]) => encodeCopy("rows", [], rows).bytes.toString("utf8");

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

describe("copyText", () => {
  it("writes COPY's text format: tabs between fields, \\N for null, escaped specials", () => {
    expect(
      copyText([
        ["a", null, 3, true, new Date("2026-11-28T08:00:00.000Z")],
        ["tab\there", undefined, 1.5, false, ["x", "y"]],
      ]),
    ).toBe('a\t\\N\t3\tt\t2026-11-28T08:00:00.000Z\ntab\\there\t\\N\t1.5\tf\t{"x","y"}\n');
    expect(copyText([["back\\slash\nnew\rline"]])).toBe("back\\\\slash\\nnew\\rline\n");
    expect(() => copyText([[Number.NaN]])).toThrow(/NaN/);
  });

  it("writes batches far larger than its first buffer, multi-byte text and four-byte characters whole", () => {
    const rows = Array.from({ length: 5000 }, (_, i) => [i, `第${i}号\t𠀀院`, ["甲", `乙${i}`]]);
    const text = copyText(rows);
    expect(Buffer.byteLength(text)).toBeGreaterThan(64 * 1024 * 2);
    const lines = text.split("\n");
    expect(lines).toHaveLength(5001);
    expect(lines[4999]).toBe('4999\t第4999号\\t𠀀院\t{"甲","乙4999"}');
  });
});

describe("encodeObjects", () => {
  it("encodes objects as encodeCopy encodes their values, a shared timestamp and a different one alike", () => {
    const at = new Date("2026-11-28T08:00:00.000Z");
    const later = new Date("2026-11-28T09:30:00.500Z");
    const rows = [
      { id: 1, label: "制表\t符", items: ["a", "b"], at, seen: at, flag: true },
      { id: 2, label: null, items: [], at, seen: later, flag: false },
      { id: 3, label: "\\N", items: ['"q"'], at: later, seen: at, flag: null },
    ];
    const columns = ["id", "label", "items", "at", "seen", "flag"];
    const encoded = encodeObjects("probe", rows);
    expect(encoded).toEqual(
      encodeCopy(
        "probe",
        columns,
        rows.map((r) => columns.map((c) => r[c as keyof typeof r])),
      ),
    );
    expect(encoded.bytes.toString().split("\n")[1]).toBe(
      "2\t\\N\t{}\t2026-11-28T08:00:00.000Z\t2026-11-28T09:30:00.500Z\tf",
    );
    expect(encodeObjects("probe", [])).toMatchObject({ table: "probe", columns: [], rows: 0 });
    expect(encodeObjects("probe", []).bytes.length).toBe(0);
    expect(() => encodeObjects("probe", [{ "id; drop table person": 1 }])).toThrow(/not a plain identifier/);
  });
});

describe("a bulk session", () => {
  const awkward = [
    "制表\t符",
    "换\n行",
    "回车\r",
    "反斜杠\\N",
    '引号"和,逗号',
    "{花括号}",
    "\\",
    "",
    " 前后空格 ",
    "NULL",
  ];

  it("copies rows with awkward text, arrays, nulls, numbers, dates and booleans, and reads them back as given", async () => {
    const at = new Date("2026-11-28T08:30:00.123Z");
    const back = await t.bulk.session(async (session) => {
      await sql`create temp table bulk_probe (n int, label text, items text[], flag boolean, at timestamptz, x double precision) on commit drop`.execute(
        session.db,
      );
      const columns = ["n", "label", "items", "flag", "at", "x"];
      await session.send([
        encodeCopy(
          "bulk_probe",
          columns,
          awkward.map((label, n) => [n, label, [label, "b", label], n % 2 === 0, at, n / 3]),
        ),
        encodeCopy("bulk_probe", columns, []),
        encodeCopy("bulk_probe", columns, [[99, null, [], null, null, null]]),
      ]);
      return sql<{
        n: number;
        label: string | null;
        items: string[];
        flag: boolean | null;
        at: Date | null;
        x: number | null;
      }>`select * from bulk_probe order by n`.execute(session.db);
    });
    expect(back.rows.map((r) => r.label)).toEqual([...awkward, null]);
    expect(back.rows.map((r) => r.items)).toEqual([...awkward.map((a) => [a, "b", a]), []]);
    expect(back.rows[0]).toMatchObject({ n: 0, flag: true, x: 0 });
    expect(back.rows[1]?.flag).toBe(false);
    expect(back.rows[3]?.x).toBeCloseTo(1);
    expect(back.rows[0]?.at?.toISOString()).toBe(at.toISOString());
    expect(back.rows.at(-1)).toMatchObject({ n: 99, flag: null, at: null, x: null });
  });

  it("rolls back everything, the copied rows included, when the session fails, and stays usable", async () => {
    await sql`create table bulk_kept (id int primary key, label text)`.execute(t.db);
    await expect(
      t.bulk.session(async (session) => {
        await session.send([encodeCopy("bulk_kept", ["id", "label"], [[1, "一"]])]);
        await sql`insert into bulk_kept values (2, '二')`.execute(session.db);
        await session.send([encodeCopy("bulk_kept", ["id", "label"], [[1, "again"]])]);
      }),
    ).rejects.toMatchObject({ code: "23505" });
    const after = await sql<{ n: number }>`select count(*)::int as n from bulk_kept`.execute(t.db);
    expect(after.rows[0]?.n).toBe(0);
    await t.bulk.session((session) => session.send([encodeCopy("bulk_kept", ["id", "label"], [[3, "三"]])]));
    const kept = await sql<{ id: number }>`select id from bulk_kept`.execute(t.db);
    expect(kept.rows).toEqual([{ id: 3 }]);
  });

  it("runs a session's steps in order, Kysely queries between them, and statements among the COPYs", async () => {
    await sql`create table bulk_steps (id int primary key, label text)`.execute(t.db);
    const labels = await t.bulk.session(async (session) => {
      await session.send([
        encodeCopy("bulk_steps", ["id", "label"], [[1, "一"]]),
        "update bulk_steps set label = label || '甲'",
        encodeCopy("bulk_steps", ["id", "label"], [[2, "二"]]),
      ]);
      await sql`update bulk_steps set label = label || '乙'`.execute(session.db);
      await session.send(["update bulk_steps set label = label || '丙' where id = 2"]);
      return sql<{ label: string }>`select label from bulk_steps order by id`.execute(session.db);
    });
    expect(labels.rows.map((r) => r.label)).toEqual(["一甲乙", "二乙丙"]);
  });
});

describe("a bulk write", () => {
  const columns = ["id", "label"];

  it("commits its COPYs and statements as one transaction", async () => {
    await sql`create table bulk_write (id int primary key, label text)`.execute(t.db);
    await t.bulk.write([
      encodeCopy("bulk_write", columns, [
        [1, "一"],
        [2, "二"],
      ]),
      encodeCopy("bulk_write", columns, []),
      "update bulk_write set label = label || '!' where id = 2",
      encodeCopy("bulk_write", columns, [[3, "三\t"]]),
    ]);
    const rows = await sql<{ id: number; label: string }>`select * from bulk_write order by id`.execute(t.db);
    expect(rows.rows).toEqual([
      { id: 1, label: "一" },
      { id: 2, label: "二!" },
      { id: 3, label: "三\t" },
    ]);
  });

  it("writes nothing when a later COPY fails, reports the database's error, and leaves the connections usable", async () => {
    await sql`create table bulk_atomic (id int primary key, label text)`.execute(t.db);
    const failing = [
      encodeCopy("bulk_atomic", columns, [[1, "一"]]),
      "update bulk_atomic set label = '改'",
      encodeCopy("bulk_atomic", columns, [
        [2, "二"],
        [1, "重复"],
      ]),
      encodeCopy("bulk_atomic", columns, [[3, "三"]]),
    ];
    // More times than the pool has connections: each one that failed must serve again.
    for (let i = 0; i < 6; i++)
      await expect(t.bulk.write(failing)).rejects.toMatchObject({ code: "23505", table: "bulk_atomic" });
    expect((await sql`select * from bulk_atomic`.execute(t.db)).rows).toEqual([]);
    await t.bulk.write([encodeCopy("bulk_atomic", columns, [[4, "四"]])]);
    expect((await sql`select * from bulk_atomic`.execute(t.db)).rows).toEqual([{ id: 4, label: "四" }]);
  });

  it("writes nothing when a statement fails before its COPYs, and the COPYs' rows sent after it are dropped", async () => {
    await sql`create table bulk_statement (id int primary key, label text not null)`.execute(t.db);
    await expect(
      t.bulk.write([
        encodeCopy("bulk_statement", columns, [[1, "一"]]),
        "update bulk_statement set label = null",
        encodeCopy("bulk_statement", columns, [[2, "二"]]),
      ]),
    ).rejects.toMatchObject({ code: "23502" });
    expect((await sql`select * from bulk_statement`.execute(t.db)).rows).toEqual([]);
    await t.bulk.write([encodeCopy("bulk_statement", columns, [[5, "五"]])]);
    expect((await sql`select id from bulk_statement`.execute(t.db)).rows).toEqual([{ id: 5 }]);
  });

  it("carries batches of many megabytes whole", async () => {
    await sql`create table bulk_large (id int primary key, label text)`.execute(t.db);
    const rows = Array.from({ length: 60_000 }, (_, i) => [i, `第${i}号院子`.repeat(8)]);
    const data = encodeCopy("bulk_large", columns, rows);
    expect(data.bytes.length).toBeGreaterThan(8 * 1024 * 1024);
    await t.bulk.write([data, encodeCopy("bulk_large", columns, [[-1, "末"]])]);
    const back = await sql<{
      n: number;
      last: string;
    }>`select count(*)::int as n, (select label from bulk_large where id = 59999) as last from bulk_large`.execute(
      t.db,
    );
    expect(back.rows[0]).toEqual({ n: 60_001, last: "第59999号院子".repeat(8) });
  });
});

describe("COPY's names", () => {
  it("refuses a table or column name that is not a plain identifier", () => {
    expect(() => encodeCopy("person; drop table person", ["id"], [["x"]])).toThrow(/not a plain identifier/);
    expect(() => encodeCopy("person", ["id", "name)"], [["x", "y"]])).toThrow(/not a plain identifier/);
  });
});
