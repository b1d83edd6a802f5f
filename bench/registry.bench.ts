import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import ExcelJS from "exceljs";
import { sql } from "kysely";
import { checkCharacter, chinaDate, systemPrincipal } from "../packages/core/src/index.ts";
import { createContext } from "../packages/server/src/app.ts";
import { loadConfig } from "../packages/server/src/config.ts";
import { createFieldCrypto } from "../packages/server/src/crypto/field-crypto.ts";
import { type Database, openDatabase } from "../packages/server/src/db/database.ts";
import { migrateToLatest } from "../packages/server/src/db/migrate.ts";
import { importDivisions } from "../packages/server/src/modules/areas/areas.service.ts";
import { readDivisions } from "../packages/server/src/modules/areas/divisions-source.ts";
import { runPeopleImport } from "../packages/server/src/modules/registry/people-import.service.ts";
import { countTagged, searchPeople } from "../packages/server/src/modules/registry/registry.queries.ts";
import { charsOf } from "../packages/server/src/modules/registry/registry-fields.ts";
import { ensureDefaultTags } from "../packages/server/src/modules/registry/tags.service.ts";
import { ensureDefaultRoles } from "../packages/server/src/modules/roles/roles.service.ts";
import { tuneV8ForImports } from "../packages/server/src/v8-tuning.ts";
import { mulberry32, postgresAvailable, postgresForBench } from "./support.ts";

/**
 * The registry at a city's scale: N people (default 1,000,000) in N/2.86 households over the real
 * villages of 贵港市, with realistic names and valid ID numbers, written as the import CSV and
 * imported through the real import (validation, encryption, blind indexes, batches) on PGlite and
 * PostgreSQL; then search latency by name character, pinyin initials and ID number, and a tag count
 * for one county. Then 100,000 more people (a tenth as many for fewer than a million) arrive as an
 * XLSX into the registry so filled: each row looked up by its ID number, as any import after the first.
 * Each engine runs in a process of its own, as a server runs one (in a process that had imported a
 * million people into PGlite first, PostgreSQL's import ran up to a tenth slower).
 * Usage: npm run bench -- registry [people=1000000] [pglitePeople=people]
 */

/**
 * A city's registry on PGlite is a deployment that raises PGlite's buffer cache from its default
 * 128MB (WANGGE_PGLITE_SHARED_BUFFERS); at a million people 128MB imports about a tenth slower.
 */
const PGLITE_BUFFERS = process.env.WANGGE_PGLITE_SHARED_BUFFERS || "256MB";

// Surnames common in Guangxi (韦, 覃, 蒙, 莫, 陆 among the Zhuang) and nationally, weighted roughly.
const SURNAMES = "韦黄李陈梁覃莫陆蒙刘张王杨林罗周吴何谢邓农赵潘钟廖蓝冯卢唐曾朱苏马胡郑宋许蒋叶蔡".split("");
const GIVEN =
  "华明国建文军平志伟东海强晓玲秀英丽芳敏静燕红桂兰凤云春金荣美娟霞婷雪梅珍慧宇浩俊杰鹏涛斌超勇辉波刚健翠琼莲贵福寿德仁义礼智信忠孝安康宁".split(
    "",
  );
const ROADS = [
  "东风路",
  "人民路",
  "解放路",
  "中山路",
  "建设路",
  "新华街",
  "江北大道",
  "港城大道",
  "金港大道",
  "荷城路",
];
const TAGS = [
  ["独居老人", 0.05],
  ["留守儿童", 0.03],
  ["低保户", 0.02],
  ["残疾人", 0.015],
  ["退役军人", 0.01],
] as const;

const HEADER =
  "姓名,性别,出生日期,民族,证件号码,手机号码,居住状态,是否党员,户编号,与户主关系,村社区代码,街路巷或自然村,门牌号,标签";

async function writeFile(
  file: string,
  people: number,
  villages: string[],
  random: () => number,
  householdPrefix = "BH",
) {
  const out = createWriteStream(file);
  const write = (line: string) =>
    out.write(line) ? undefined : new Promise<void>((r) => out.once("drain", () => r()));
  await write(`\uFEFF${HEADER}\n`);
  const seen = new Set<string>();
  const sample = { name: [] as string[], initials: [] as string[], id: [] as string[] };
  let household = 0;
  let written = 0;
  while (written < people) {
    household++;
    const size = Math.min(people - written, 1 + Math.floor(random() * 4.72));
    const village = villages[Math.floor(random() * villages.length)] as string;
    const road = ROADS[Math.floor(random() * ROADS.length)] as string;
    const number = 1 + Math.floor(random() * 400);
    const surname = SURNAMES[Math.floor(random() * random() * SURNAMES.length)] as string;
    for (let m = 0; m < size; m++) {
      const given = Array.from(
        { length: random() < 0.7 ? 2 : 1 },
        () => GIVEN[Math.floor(random() * GIVEN.length)],
      ).join("");
      const name = `${m === 1 ? (SURNAMES[Math.floor(random() * SURNAMES.length)] as string) : surname}${given}`;
      const year = m === 0 ? 1945 + Math.floor(random() * 55) : 1940 + Math.floor(random() * 84);
      const birth = new Date(Date.UTC(year, Math.floor(random() * 12), 1 + Math.floor(random() * 28)));
      const ymd = birth.toISOString().slice(0, 10).replace(/-/g, "");
      let id = "";
      for (let seq = Math.floor(random() * 999); ; seq = (seq + 1) % 999) {
        const first17 = `${village.slice(0, 6)}${ymd}${String(seq + 1).padStart(3, "0")}`;
        id = `${first17}${checkCharacter(first17)}`;
        if (!seen.has(id)) break;
      }
      seen.add(id);
      const phone =
        random() < 0.7 ? `1${3 + Math.floor(random() * 7)}${String(Math.floor(random() * 1e9)).padStart(9, "0")}` : "";
      const tags = TAGS.filter(([, share]) => random() < share)
        .map(([t]) => t)
        .join("、");
      const party = random() < 0.06 ? "是" : "否";
      const relation = m === 0 ? "户主" : m === 1 ? "配偶" : "子女";
      if (written % 997 === 0) {
        // What people type: a surname, or a two-character given name (any part of the name).
        sample.name.push(given.length === 2 && written % 2 === 0 ? given : name.slice(0, 1));
        sample.id.push(id);
      }
      await write(
        `${name},,,${random() < 0.4 ? "壮族" : "汉族"},${id},${phone},常住,${party},${householdPrefix}${household},${relation},${village},${road},${number},${tags}\n`,
      );
      written++;
    }
  }
  await new Promise<void>((resolve) => out.end(resolve));
  return { households: household, sample };
}

/** The CSV as an XLSX of one sheet, written as a stream (no range recorded: its size is estimated). */
async function writeXlsx(csv: string, file: string) {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true, useStyles: false });
  const sheet = workbook.addWorksheet("人员");
  for await (const line of createInterface({ input: createReadStream(csv) }))
    sheet.addRow(line.replace(/^\uFEFF/, "").split(",")).commit();
  await workbook.commit();
}

/** Imports a file as a job of its own, timed; every row must go in. */
async function timedImport(ctx: ReturnType<typeof createContext>, file: string, format: "csv" | "xlsx") {
  const id = crypto.randomUUID();
  const fileName = path.basename(file);
  await ctx.db
    .insertInto("import_job")
    .values({ id, kind: "people", status: "queued", file_name: fileName, all_or_nothing: false, created_by: null })
    .execute();
  // What earlier work left for the kernel to write back (the generated file, the other engine's
  // database) is written now, not while this import is timed.
  execFileSync("sync");
  const started = performance.now();
  const counts = await runPeopleImport(
    ctx,
    systemPrincipal(),
    { id, all_or_nothing: false, file_name: fileName },
    file,
    format,
  );
  const seconds = (performance.now() - started) / 1000;
  if (counts.rejected > 0) throw new Error(`${counts.rejected} rows rejected`);
  const rows = counts.created + counts.updated + counts.unchanged;
  return { rowsPerSecond: Math.round(rows / seconds), seconds, ...counts };
}

async function importInto(database: Database, file: string, dataDir: string) {
  const config = loadConfig({ WANGGE_DATA_DIR: dataDir, WANGGE_WEB_DIST: "/nonexistent" });
  const ctx = createContext({ config, database, crypto: createFieldCrypto(randomBytes(32)) });
  await migrateToLatest(ctx.db);
  await ensureDefaultRoles(ctx.db);
  await ensureDefaultTags(ctx.db);
  const actor = systemPrincipal();
  const meta = { requestId: "bench", ip: null, userAgent: null };
  await importDivisions(ctx, actor, meta, "4508", await readDivisions("4508"));
  return { ctx, ...(await timedImport(ctx, file, "csv")) };
}

async function latencies(ctx: ReturnType<typeof createContext>, queries: string[], kind: "name" | "initials" | "id") {
  const times: number[] = [];
  // Tags start on the import's day in China (UTC+8), which is not always the UTC day.
  const today = chinaDate(new Date());
  for (const q of queries) {
    const filter: Parameters<typeof searchPeople>[1] = { prefixes: ["/45/4508/"], today, limit: 50, offset: 0 };
    if (kind === "name" && q.length === 1) filter.namePrefix = q;
    else if (kind === "name") {
      filter.nameChars = charsOf(q);
      filter.nameLike = q;
    } else if (kind === "initials") filter.pinyinPrefix = q;
    else filter.idIndex = ctx.crypto.blindIndex(`id:${q}`);
    const t = performance.now();
    const rows = await searchPeople(ctx.db, filter);
    times.push(performance.now() - t);
    if (kind === "id" && rows.length !== 1) throw new Error(`ID search found ${rows.length}`);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) =>
    Math.round((times[Math.min(times.length - 1, Math.floor(times.length * p))] ?? 0) * 10) / 10;
  return { p50: at(0.5), p95: at(0.95) };
}

type Engine = "pglite" | "postgres";
type Row = Record<string, unknown>;

export async function run(args: string[]): Promise<Record<string, number>> {
  const only = process.env.BENCH_REGISTRY_ENGINE as Engine | undefined;
  if (only) {
    // A child: one engine, its figures and table rows handed back through a file.
    const result = await measure(only, args);
    writeFileSync(process.env.BENCH_REGISTRY_OUT as string, JSON.stringify(result));
    return result.figures;
  }
  const figures: Record<string, number> = {};
  const rows: Row[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), "wangge-bench-registry-"));
  try {
    for (const engine of ["pglite", "postgres"] as const) {
      if (engine === "postgres" && !postgresAvailable()) continue;
      const out = path.join(dir, `${engine}.json`);
      // The child's own table and figures go to stderr: the last line on stdout stays this one's.
      execFileSync(
        process.execPath,
        [...process.execArgv, path.join(import.meta.dirname, "run.ts"), "registry", ...args],
        {
          env: { ...process.env, BENCH_REGISTRY_ENGINE: engine, BENCH_REGISTRY_OUT: out },
          stdio: ["ignore", 2, 2],
        },
      );
      const result = JSON.parse(readFileSync(out, "utf8")) as { figures: Record<string, number>; rows: Row[] };
      Object.assign(figures, result.figures);
      rows.push(...result.rows);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.table(rows);
  return figures;
}

async function measure(engine: Engine, args: string[]): Promise<{ figures: Record<string, number>; rows: Row[] }> {
  // As the server does at start (`wangge`, `npm start`).
  tuneV8ForImports();
  const people = Number(args[0] ?? 1_000_000);
  const count = engine === "pglite" ? Number(args[1] ?? people) : people;
  const dir = mkdtempSync(path.join(tmpdir(), "wangge-bench-registry-"));
  const villages = (await readDivisions("4508")).filter((d) => d.level === "village").map((d) => d.code);
  const initialsQueries = ["wjh", "hxm", "lzw", "cm", "qy", "mhl", "ljh", "wf", "lh", "hm"];
  const pg = engine === "postgres" ? await postgresForBench() : undefined;
  try {
    const file = path.join(dir, `${engine}.csv`);
    const generated = await writeFile(file, count, villages, mulberry32(count));
    const database =
      engine === "pglite"
        ? await openDatabase({ kind: "pglite", dataDir: path.join(dir, "pglite"), sharedBuffers: PGLITE_BUFFERS })
        : await openDatabase({ kind: "postgres", url: (pg as { url: string }).url, poolSize: 4 });
    try {
      const { ctx, rowsPerSecond, seconds } = await importInto(database, file, path.join(dir, engine));
      await sql`analyze`.execute(ctx.db);
      const byName = await latencies(ctx, generated.sample.name.slice(0, 200), "name");
      const byInitials = await latencies(
        ctx,
        Array.from({ length: 100 }, (_, i) => initialsQueries[i % 10] as string),
        "initials",
      );
      const byId = await latencies(ctx, generated.sample.id.slice(0, 200), "id");
      const t = performance.now();
      const tagged = await countTagged(ctx.db, "elderly_alone", "/45/4508/450802/", chinaDate(new Date()));
      const countMs = Math.round((performance.now() - t) * 10) / 10;
      const e = engine;
      // More people, from a spreadsheet, into the registry as it now is.
      const moreCsv = path.join(dir, `${e}-more.csv`);
      const moreXlsx = path.join(dir, `${e}-more.xlsx`);
      const morePeople = Math.min(100_000, Math.ceil(count / 10));
      await writeFile(moreCsv, morePeople, villages, mulberry32(count + 1), "XH");
      await writeXlsx(moreCsv, moreXlsx);
      const more = await timedImport(ctx, moreXlsx, "xlsx");
      return {
        figures: {
          [`${e}_people`]: count,
          [`${e}_households`]: generated.households,
          [`${e}_import_rows_per_s`]: rowsPerSecond,
          [`${e}_import_s`]: Math.round(seconds),
          [`${e}_search_name_p50_ms`]: byName.p50,
          [`${e}_search_name_p95_ms`]: byName.p95,
          [`${e}_search_initials_p50_ms`]: byInitials.p50,
          [`${e}_search_initials_p95_ms`]: byInitials.p95,
          [`${e}_search_id_p50_ms`]: byId.p50,
          [`${e}_search_id_p95_ms`]: byId.p95,
          [`${e}_tag_count_one_county_ms`]: countMs,
          [`${e}_elderly_alone_in_county`]: tagged,
          [`${e}_xlsx_more_people`]: morePeople,
          [`${e}_xlsx_more_rows_per_s`]: more.rowsPerSecond,
        },
        rows: [
          { engine: e, measure: "people / households imported", value: `${count} / ${generated.households}` },
          {
            engine: e,
            measure: "import rows per second",
            value: e === "pglite" ? `${rowsPerSecond} (shared_buffers ${PGLITE_BUFFERS})` : rowsPerSecond,
          },
          {
            engine: e,
            measure: "search by surname or given name p50 / p95 (ms)",
            value: `${byName.p50} / ${byName.p95}`,
          },
          {
            engine: e,
            measure: "search by pinyin initials p50 / p95 (ms)",
            value: `${byInitials.p50} / ${byInitials.p95}`,
          },
          { engine: e, measure: "search by ID number p50 / p95 (ms)", value: `${byId.p50} / ${byId.p95}` },
          { engine: e, measure: "count 独居老人 in 港北区 (ms)", value: `${countMs} (${tagged} people)` },
          {
            engine: e,
            measure: `${morePeople} more from XLSX, rows per second`,
            value: `${more.rowsPerSecond} (${more.created} new, ${more.updated} updated)`,
          },
        ],
      };
    } finally {
      await database.close();
    }
  } finally {
    pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
