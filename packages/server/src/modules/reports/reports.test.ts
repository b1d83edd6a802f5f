import { addDays, chinaDate, isWorkingDay, reportPeriodOf, systemPrincipal } from "@wangge/core";
import ExcelJS from "exceljs";
import { sql } from "kysely";
import { extractText, getDocumentProxy } from "unpdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { up as revokeAdminReportRead } from "../../db/migrations/2026_12_11_0920_revoke_admin_report_read.ts";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import {
  type AreaTree,
  buildAreaTree,
  buildUser,
  drawVillageAndGrid,
  type Session,
  signIn,
  type TestUser,
} from "../../test/factories.ts";
import { ensureArea } from "../areas/areas.service.ts";
import type { AreaRow } from "../areas/areas.table.ts";
import { workingCalendar } from "../events/categories.service.ts";
import { createHousehold } from "../registry/households.service.ts";
import { createPerson } from "../registry/people.service.ts";
import { createPlace } from "../registry/places.service.ts";
import { tagSubject } from "../registry/tags.service.ts";
import { forgetPrincipals } from "../users/principal-cache.ts";
import { recordVisit } from "../visits/visits.service.ts";
import { sweepReports } from "./report-sweep.service.ts";
import { writeReport } from "./reports.service.ts";

/**
 * Reports written by the system: a township's daily report lists every matter of its period and
 * what was carried over and why, with the figures equal to counts over the raw tables; weekly and
 * monthly files read back in Chinese; the judgement is versioned, masked and written only by the
 * area's own officials; scheduled sweeps write each report once however many run.
 */
let t: TestApp;
let tree: AreaTree;
const users: Record<string, TestUser> = {};
const s: Record<string, Session> = {};
let reportDay: string;
let secondGrid: AreaRow;
const reported: string[] = [];

async function signInAll() {
  for (const [k, u] of Object.entries(users)) s[k] = await signIn(t, u);
}

const call = (who: string | null, method: "GET" | "POST", url: string, payload?: unknown) =>
  t.app.inject({ method, url, headers: who ? (s[who] as Session).headers : {}, ...(payload ? { payload } : {}) });

async function report(
  areaCode: string,
  address?: string,
  categoryKey = "environment.sanitation",
  at?: { lng: number; lat: number },
) {
  const id = crypto.randomUUID();
  const res = await call("head", "POST", "/api/v1/events", {
    id,
    categoryKey,
    description: "路灯损坏，夜间行人不便",
    areaCode,
    ...(address ? { address } : {}),
    ...(at ?? {}),
  });
  expect(res.statusCode, res.body).toBe(201);
  reported.push(id);
  return id;
}

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  users.head = await buildUser(t.ctx, { role: "grid_head", areaCode: tree.county.code });
  secondGrid = await ensureArea(t.ctx.db, {
    code: `${tree.village.code}G09`,
    name: "建设路第二网格",
    level: "grid",
    parentCode: tree.village.code,
  });
  users.worker = await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code });
  users.township = await buildUser(t.ctx, { role: "township_official", areaCode: tree.township.code });
  users.county = await buildUser(t.ctx, { role: "county_official", areaCode: tree.county.code });
  users.other = await buildUser(t.ctx, { role: "township_official", areaCode: tree.otherTownship.code });
  users.admin = await buildUser(t.ctx, { role: "admin", areaCode: null });
  await signInAll();
  // The village and its first grid have boundaries (the weekly report's map draws them).
  await drawVillageAndGrid(t, s.admin as Session, tree);
  reportDay = chinaDate(t.clock.now);
  // Matters of the day: two at one address in the grid, one in the other grid, one in the village;
  // one in the other township that the township's report must not list.
  const first = await report(tree.grid.code, "港北区建设路 18 号", undefined, { lng: 109.604, lat: 23.104 });
  await report(tree.grid.code, "港北区建设路 18 号", "dispute.neighbour", { lng: 109.606, lat: 23.106 });
  await report(secondGrid.code);
  await report(tree.village.code);
  await report(tree.otherGrid.code);
  // The grid worker closes out the day, carrying the first matter over with a reason.
  const open = (await call("worker", "GET", "/api/v1/close-outs/day")).json().summary.events.stillOpen as {
    id: string;
  }[];
  const close = await call("worker", "POST", "/api/v1/close-outs", {
    id: crypto.randomUUID(),
    day: reportDay,
    carryOvers: open.map((e) => ({ eventId: e.id, reason: e.id === first ? "awaiting_party" : "within_deadline" })),
  });
  expect(close.statusCode, close.body).toBe(201);
  // An elderly person living alone in the grid (visited weekly) since ten days before, met once today.
  const system = systemPrincipal();
  const meta = { requestId: "test", ip: null, userAgent: null };
  const placeId = crypto.randomUUID();
  await createPlace(t.ctx, system, meta, {
    id: placeId,
    divisionCode: tree.village.code,
    road: "建设路",
    houseNumber: "20",
    gridCode: tree.grid.code,
  });
  const householdId = crypto.randomUUID();
  await createHousehold(t.ctx, system, meta, { id: householdId, placeId });
  const elder = crypto.randomUUID();
  await createPerson(t.ctx, system, meta, { id: elder, name: "韦秀英", householdId });
  await tagSubject(t.ctx, system, meta, "person", elder, [
    { key: "elderly_alone", validFrom: addDays(reportDay, -10) },
  ]);
  await recordVisit(t.ctx, system, meta, {
    id: crypto.randomUUID(),
    householdId,
    personIds: [elder],
    kind: "care",
    outcome: "visited",
    checklist: [],
    needs: [],
    visitedAt: new Date(t.clock.now.getTime() - 60_000).toISOString(),
  } as Parameters<typeof recordVisit>[3]);
  // Time passes: every period holding the day is over (a month and a half later).
  t.clock.advanceMinutes(45 * 24 * 60);
  await signInAll();
}, 120_000);

afterAll(async () => {
  await t?.close();
});

/** The text pieces of each page of a PDF with their places (x from the left, y from the top). */
async function pdfPages(payload: Buffer) {
  const doc = await getDocumentProxy(new Uint8Array(payload));
  const pages: { str: string; x: number; right: number; y: number }[][] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const height = page.getViewport({ scale: 1 }).height;
    const content = await page.getTextContent();
    pages.push(
      content.items
        .filter((it): it is typeof it & { str: string; transform: number[]; width: number } => "str" in it)
        .filter((it) => it.str.trim() !== "")
        .map((it) => ({
          str: it.str,
          x: it.transform[4] as number,
          right: (it.transform[4] as number) + it.width,
          y: height - (it.transform[5] as number),
        })),
    );
  }
  return pages;
}

/** No section heading ("二、趋势…") is the last thing on a page: it stands with the start of its content. */
function expectNoStrandedHeadings(pages: Awaited<ReturnType<typeof pdfPages>>) {
  for (const items of pages.slice(0, -1)) {
    const lowest = Math.max(...items.map((i) => i.y));
    const last = items
      .filter((i) => Math.abs(i.y - lowest) < 2)
      .map((i) => i.str)
      .join("");
    expect(last).not.toMatch(/^[一二三四五六七八九十]+、/);
  }
}

async function rawReported(path: string, from: string, to: string): Promise<number> {
  const r = await sql<{ n: number }>`
    select count(*)::integer as n from event
    where coalesce(origin_path, area_path) like ${`${path}%`}
      and created_at >= ${new Date(`${from}T00:00:00+08:00`)}
      and created_at < ${new Date(new Date(`${to}T00:00:00+08:00`).getTime() + 86_400_000)}`.execute(t.ctx.db);
  return Number(r.rows[0]?.n);
}

describe("POST /reports (on demand) and the daily report", () => {
  it("lists every matter of the township's day, with figures equal to the raw tables and carry-overs with reasons", async () => {
    const res = await call("township", "POST", "/api/v1/reports", {
      id: crypto.randomUUID(),
      kind: "daily",
      area: tree.township.code,
      day: reportDay,
    });
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json();
    const cal = await workingCalendar(t.ctx.db, t.ctx.config);
    expect({ from: r.from, to: r.to }).toEqual(reportPeriodOf("daily", reportDay, (d) => isWorkingDay(d, cal)));
    expect(r.content.kind).toBe("daily");
    const raw = await rawReported(tree.township.path, r.from, r.to);
    expect(raw).toBe(4);
    expect(r.content.figures.counts.reported).toBe(raw);
    expect(r.content.mattersTotal).toBe(raw);
    expect(r.content.matters.map((m: { id: string }) => m.id).sort()).toEqual(reported.slice(0, 4).sort());
    const perArea = Object.fromEntries(
      r.content.areas.map((a: { code: string; counts: { reported: number } }) => [a.code, a.counts.reported]),
    );
    expect(perArea[tree.village.code]).toBe(await rawReported(tree.village.path, r.from, r.to));
    const today = r.content.closeOuts.find((d: { day: string }) => d.day === reportDay);
    expect(today.grids.find((g: { areaCode: string }) => g.areaCode === tree.grid.code)).toMatchObject({
      closedOut: true,
      carriedOver: 2,
    });
    expect(today.grids.find((g: { areaCode: string }) => g.areaCode === secondGrid.code).closedOut).toBe(false);
    expect(today.missing).toBeGreaterThanOrEqual(1);
    expect(r.content.carriedOver.map((c: { reason: string }) => c.reason).sort()).toEqual([
      "awaiting_party",
      "within_deadline",
    ]);
  });

  it("counts the grids that closed out the day, then groups those that did not by village, on the page and in the files", async () => {
    const daily = (await call("township", "GET", `/api/v1/reports?kind=daily&area=${tree.township.code}`)).json()
      .items[0];
    const r = (await call("township", "GET", `/api/v1/reports/${daily.id}`)).json();
    const day = r.content.closeOuts.find((d: { day: string }) => d.day === reportDay);
    // Every grid carries the village that holds it, which the page, the PDF and the XLSX group by.
    expect(day.grids.find((g: { areaCode: string }) => g.areaCode === secondGrid.code)).toMatchObject({
      closedOut: false,
      villageCode: tree.village.code,
      villageName: tree.village.name,
    });
    const missing = day.grids.filter((g: { closedOut: boolean }) => !g.closedOut);
    const inVillage = day.grids.filter((g: { villageCode: string }) => g.villageCode === tree.village.code);
    const pdf = await call("township", "GET", `/api/v1/reports/${daily.id}/pdf`);
    const pages = await pdfPages(pdf.rawPayload);
    const text = pages
      .flat()
      .map((i) => i.str)
      .join(" ");
    const flat = text.replace(/\s+/g, "");
    expect(flat).toContain(`${reportDay}：已完成日尽结${day.done}个网格，未完成${day.missing}个网格`);
    expect(flat).toContain("未完成日尽结的网格");
    // One row per village: its grids, how many did not close out, their names (no "未日结 0" per grid).
    const villageMissing = inVillage.filter((g: { closedOut: boolean }) => !g.closedOut);
    expect(flat).toContain(
      `${tree.village.name}${inVillage.length}${villageMissing.length}${villageMissing.map((g: { name: string }) => g.name).join("、")}`,
    );
    expect(flat).not.toContain("未日结");
    expect(missing.length).toBe(day.missing);
    expectNoStrandedHeadings(pages);
    const xlsx = await call("township", "GET", `/api/v1/reports/${daily.id}/xlsx`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = book.getWorksheet("日尽结情况");
    const rows = (sheet?.getSheetValues() ?? []).filter(Boolean) as unknown[][];
    const row = rows.find((v) => v.includes(tree.village.name) && v.includes(reportDay));
    expect(row?.slice(1)).toEqual([
      reportDay,
      tree.village.name,
      inVillage.length,
      villageMissing.length,
      villageMissing.map((g: { name: string }) => g.name).join("、"),
    ]);
    // The overview keeps changes and rates as numbers, in number formats.
    const overview = book.getWorksheet("总体情况");
    const reportedRow = (overview?.getSheetValues() ?? []).findIndex((v) => Array.isArray(v) && v[1] === "上报");
    const change = overview?.getRow(reportedRow).getCell(4);
    expect(change?.value).toBe(r.content.figures.counts.reported - r.content.figures.previous.counts.reported);
    expect(change?.numFmt).toBe("+0;-0;0");
    const rateRow = (overview?.getSheetValues() ?? []).findIndex((v) => Array.isArray(v) && v[1] === "满意率");
    const rateCell = overview?.getRow(rateRow).getCell(2);
    if (r.content.figures.rates.satisfaction === null) expect(rateCell?.value).toBe("—");
    else {
      expect(rateCell?.value).toBeCloseTo(r.content.figures.rates.satisfaction / 100);
      expect(rateCell?.numFmt).toBe("0.0%");
    }
  });

  it("answers a retry with the same report, and another id for the same period with the report already written", async () => {
    const id = crypto.randomUUID();
    const body = { id, kind: "weekly", area: tree.township.code, day: reportDay };
    const [a, b] = await Promise.all([
      call("township", "POST", "/api/v1/reports", body),
      call("township", "POST", "/api/v1/reports", body),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201]);
    expect(a.json().id).toBe(b.json().id);
    const again = await call("county", "POST", "/api/v1/reports", { ...body, id: crypto.randomUUID() });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(a.json().id);
    const list = await call("township", "GET", `/api/v1/reports?kind=weekly&area=${tree.township.code}`);
    expect(list.json().total).toBe(1);
  });

  it("refuses a period not over yet, an area outside the caller's, bad input and callers without report.read", async () => {
    const today = chinaDate(t.clock.now);
    const notOver = await call("township", "POST", "/api/v1/reports", {
      id: crypto.randomUUID(),
      kind: "monthly",
      area: tree.township.code,
      day: today,
    });
    expect(notOver.statusCode).toBe(409);
    expect(notOver.json()).toMatchObject({ code: "REPORT_PERIOD_NOT_OVER", errors: [{ path: "day" }] });
    const outside = await call("other", "POST", "/api/v1/reports", {
      id: crypto.randomUUID(),
      kind: "daily",
      area: tree.township.code,
      day: reportDay,
    });
    expect(outside.statusCode).toBe(404);
    expect(outside.json().code).toBe("AREA_NOT_FOUND");
    const bad = await call("township", "POST", "/api/v1/reports", {
      id: "x",
      kind: "yearly",
      area: tree.township.code,
      day: "2026-13-01",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers["content-type"]).toContain("application/problem+json");
    expect(
      bad
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(["body.day", "body.id", "body.kind"]);
    expect((await call("worker", "GET", "/api/v1/reports")).statusCode).toBe(403);
    expect((await call(null, "GET", "/api/v1/reports")).statusCode).toBe(401);
  });
});

describe("GET /reports/:id, the files and the monthly judgement", () => {
  let monthly: { id: string };
  beforeAll(async () => {
    const res = await call("township", "POST", "/api/v1/reports", {
      id: crypto.randomUUID(),
      kind: "monthly",
      area: tree.township.code,
      day: reportDay,
    });
    expect(res.statusCode, res.body).toBe(201);
    monthly = res.json();
  });

  it("compares the child areas by outcomes with numbers equal to the raw tables", async () => {
    const r = (await call("county", "GET", `/api/v1/reports/${monthly.id}`)).json();
    expect(r.content.kind).toBe("monthly");
    expect(r.content.figures.counts.reported).toBe(await rawReported(tree.township.path, r.from, r.to));
    const village = r.content.areas.find((a: { code: string }) => a.code === tree.village.code);
    expect(village.counts.reported).toBe(await rawReported(tree.village.path, r.from, r.to));
    expect(village.rates).toHaveProperty("settledInCommunity");
    // The month before is the calendar month before, not the 31 days before.
    const before = reportPeriodOf("monthly", addDays(r.from, -1), () => true);
    expect({ from: r.content.figures.previous.from, to: r.content.figures.previous.to }).toEqual(before);
  });

  it("reports visits due against done in the month, per child area, as the visits coverage counts them", async () => {
    const r = (await call("township", "GET", `/api/v1/reports/${monthly.id}`)).json();
    const coverage = (
      await call("township", "GET", `/api/v1/visits/coverage?areaCode=${tree.township.code}&from=${r.from}&to=${r.to}`)
    ).json();
    expect(coverage.area.fellDue).toBeGreaterThan(0);
    expect(r.content.visitsDue).toMatchObject({
      fellDue: coverage.area.fellDue,
      doneOnTime: coverage.area.doneOnTime,
    });
    const village = r.content.visitsDue.areas.find((a: { code: string }) => a.code === tree.village.code);
    const covered = coverage.children.find((c: { areaCode: string }) => c.areaCode === tree.village.code);
    expect(village).toMatchObject({
      name: tree.village.name,
      fellDue: covered.fellDue,
      doneOnTime: covered.doneOnTime,
    });
    expect(village.fellDue).toBeGreaterThan(0);
  });

  it("is not found outside the reader's areas", async () => {
    const res = await call("other", "GET", `/api/v1/reports/${monthly.id}`);
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe("REPORT_NOT_FOUND");
    expect((await call("other", "GET", `/api/v1/reports/${monthly.id}/pdf`)).statusCode).toBe(404);
    expect((await call("township", "GET", `/api/v1/reports/${crypto.randomUUID()}`)).statusCode).toBe(404);
    const list = (await call("other", "GET", "/api/v1/reports")).json();
    expect(list.items.map((i: { id: string }) => i.id)).not.toContain(monthly.id);
  });

  it("keeps the judgement in versions, masked, written by the area's own officials over the version they read", async () => {
    const id = crypto.randomUUID();
    const text = "本月邻里纠纷上升，建议加强网格巡查。联系人电话 13812345678。";
    const first = await call("township", "POST", `/api/v1/reports/${monthly.id}/judgement`, {
      id,
      text,
      baseVersion: 0,
    });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().judgement).toMatchObject({ version: 1 });
    expect(first.json().judgement.text).not.toContain("13812345678");
    const retry = await call("township", "POST", `/api/v1/reports/${monthly.id}/judgement`, {
      id,
      text,
      baseVersion: 0,
    });
    expect(retry.statusCode).toBe(200);
    expect(retry.json().judgementHistory).toHaveLength(1);
    const stale = await call("township", "POST", `/api/v1/reports/${monthly.id}/judgement`, {
      id: crypto.randomUUID(),
      text: "另一版本",
      baseVersion: 0,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe("REPORT_JUDGEMENT_STALE");
    const second = await call("township", "POST", `/api/v1/reports/${monthly.id}/judgement`, {
      id: crypto.randomUUID(),
      text: "措施：一、逐户回访；二、组织联合调解。",
      baseVersion: 1,
    });
    expect(second.json().judgement.version).toBe(2);
    expect(second.json().judgementHistory.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const stored = await t.ctx.db
      .selectFrom("report_judgement")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(stored.text).not.toContain("13812345678");
    expect(stored.text_sealed).not.toBeNull();
    expect(stored.text_sealed).not.toContain("13812345678");
    // The county reads the township's report but writes judgements on its own; the worker reads none.
    const county = await call("county", "POST", `/api/v1/reports/${monthly.id}/judgement`, {
      id: crypto.randomUUID(),
      text: "县级意见",
      baseVersion: 2,
    });
    expect(county.statusCode).toBe(403);
    expect(
      (
        await call("worker", "POST", `/api/v1/reports/${monthly.id}/judgement`, {
          id: crypto.randomUUID(),
          text: "意见",
          baseVersion: 2,
        })
      ).statusCode,
    ).toBe(403);
    const empty = await call("township", "POST", `/api/v1/reports/${monthly.id}/judgement`, {
      id: crypto.randomUUID(),
      text: " ",
      baseVersion: 2,
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().errors[0].path).toBe("body.text");
  });

  it("takes judgements on monthly reports only", async () => {
    const daily = (await call("township", "GET", `/api/v1/reports?kind=daily&area=${tree.township.code}`)).json()
      .items[0];
    const res = await call("township", "POST", `/api/v1/reports/${daily.id}/judgement`, {
      id: crypto.randomUUID(),
      text: "日报不写研判意见",
      baseVersion: 0,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe("REPORT_JUDGEMENT_MONTHLY_ONLY");
  });

  it("downloads a PDF whose Chinese text a PDF text extractor reads back, with vector charts and no images, audited", async () => {
    const res = await call("township", "GET", `/api/v1/reports/${monthly.id}/pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("application/pdf");
    const doc = await getDocumentProxy(new Uint8Array(res.rawPayload));
    const { text } = await extractText(doc, { mergePages: true });
    const r = (await call("township", "GET", `/api/v1/reports/${monthly.id}`)).json();
    expect(text).toContain("月研判");
    expect(text).toContain(tree.township.name);
    expect(text).toContain("各区域成效比较");
    expect(text).toContain(tree.village.name);
    expect(text).toContain("入户走访（各区域应访与按时走访）");
    const v = r.content.visitsDue;
    expect(text.replace(/\s+/g, " ")).toContain(`合计（${tree.township.name}） ${v.fellDue} ${v.doneOnTime}`);
    expect(text).toContain("逐户回访");
    expect(text).not.toContain("13812345678");
    // The overview row: the figure, this month, last month.
    expect(text).toContain(`上报 ${r.content.figures.counts.reported} ${r.content.figures.previous.counts.reported}`);
    expect(res.rawPayload.includes(Buffer.from("/Subtype /Image"))).toBe(false);
    const audit = await t.ctx.db
      .selectFrom("audit_log")
      .select(["action", "target_id"])
      .where("action", "=", "report.download")
      .where("target_id", "=", monthly.id)
      .execute();
    expect(audit.length).toBeGreaterThanOrEqual(1);
  });

  it("downloads the weekly analysis as a PDF and an XLSX with a sheet per section", async () => {
    const weekly = (await call("township", "GET", `/api/v1/reports?kind=weekly&area=${tree.township.code}`)).json()
      .items[0];
    const r = (await call("township", "GET", `/api/v1/reports/${weekly.id}`)).json();
    expect(r.content.hotspots.grids.map((g: { code: string }) => g.code)).toContain(tree.grid.code);
    // The address is where its two matters were reported: the mean of their positions.
    expect(r.content.hotspots.addresses[0]).toMatchObject({
      address: "港北区建设路 18 号",
      count: 2,
      lng: 109.605,
      lat: 23.105,
    });
    expect(r.content.weeks).toHaveLength(9);
    // Visits due against done in the week, as the visits coverage counts them for the week.
    const coverage = (
      await call("township", "GET", `/api/v1/visits/coverage?areaCode=${tree.township.code}&from=${r.from}&to=${r.to}`)
    ).json();
    expect(r.content.visitsDue).toEqual({ fellDue: coverage.area.fellDue, doneOnTime: coverage.area.doneOnTime });
    // The map: the township's outlines as drawn (the village and the grid), the hotspot grid among them.
    const map = r.content.hotspots.map;
    expect(map.bounds).toEqual([109.6, 23.1, 109.62, 23.12]);
    const drawn = new Map(
      map.features.features.map((f: { properties: { code: string }; geometry: { type: string } }) => [
        f.properties.code,
        f,
      ]),
    );
    expect([...drawn.keys()].sort()).toEqual([tree.grid.code, tree.village.code].sort());
    expect(drawn.get(tree.grid.code)).toMatchObject({
      properties: { name: tree.grid.name, level: "grid", labelLng: 109.605, labelLat: 23.105 },
      geometry: { type: "Polygon" },
    });
    // A hotspot address opens the matters reported there in the week (the list searches addresses).
    const address = r.content.hotspots.addresses[0];
    const behind = await call(
      "township",
      "GET",
      `/api/v1/events?${new URLSearchParams({ box: "all", areaCode: address.areaCode, figure: "reported", from: r.from, to: r.to, q: address.address })}`,
    );
    expect(
      behind
        .json()
        .map((e: { id: string }) => e.id)
        .sort(),
    ).toEqual(reported.slice(0, 2).sort());
    const pdf = await call("township", "GET", `/api/v1/reports/${weekly.id}/pdf`);
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf.rawPayload)), { mergePages: true });
    expect(text).toContain("周分析");
    const pages = await pdfPages(pdf.rawPayload);
    expectNoStrandedHeadings(pages);
    // Each header stands over its own column: a column of numbers is right-aligned, its header too.
    const first = pages[0] ?? [];
    const header = first.find((i) => i.str === "本期");
    const label = first.find((i) => i.str === "上报" && header && i.y > header.y);
    expect(header && label).toBeTruthy();
    const values = first
      .filter((i) => label && Math.abs(i.y - label.y) < 1 && i.x > label.right)
      .sort((a, b) => a.x - b.x);
    expect(values[0]?.str).toBe(String(r.content.figures.counts.reported));
    expect(Math.abs((values[0]?.right ?? 0) - (header?.right ?? 0))).toBeLessThan(1.5);
    // The hotspot rows name their kind as the page does.
    expect(text.replace(/\s+/g, "")).toContain(`网格${tree.grid.name}2`);
    expect(text).toContain("港北区建设路");
    // The map in the PDF: the hotspot grid labelled with its count, the address point, the legend;
    // drawn as paths, still no image.
    const flat = text.replace(/\s+/g, "");
    expect(flat).toContain(`${tree.grid.name}2件`);
    expect(flat).toContain("港北区建设路18号2件");
    expect(flat).toContain("重复发生的地址");
    expect(flat).toContain("地图中着色区域");
    expect(pdf.rawPayload.includes(Buffer.from("/Subtype /Image"))).toBe(false);
    const xlsx = await call("township", "GET", `/api/v1/reports/${weekly.id}/xlsx`);
    expect(xlsx.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const names = book.worksheets.map((w) => w.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "总体情况",
        "趋势（与前几周比较）",
        "类别变化",
        "办理缓慢",
        "入户走访（应访与已访）",
        "全部指标",
      ]),
    );
    const all = book.getWorksheet("全部指标");
    expect(all?.getRow(2).getCell(3).value).toBe(r.content.figures.counts.reported);
  });
});

describe("who reads a report: report.read and event.read over its area (it lists matters by title)", () => {
  it("shows the daily report's titles to the township official, and nothing to an administrator holding report.read alone", async () => {
    const daily = (await call("township", "GET", `/api/v1/reports?kind=daily&area=${tree.township.code}`)).json()
      .items[0];
    const seen = (await call("township", "GET", `/api/v1/reports/${daily.id}`)).json();
    expect(seen.content.matters.length).toBeGreaterThan(0);
    expect(seen.content.matters[0].title).toEqual(expect.any(String));
    // A deployment from before: its admin role still carries report.read (and no event.read).
    await t.ctx.db
      .insertInto("role_permission")
      .values({ role_key: "admin", permission: "report.read" })
      .onConflict((oc) => oc.doNothing())
      .execute();
    forgetPrincipals();
    const list = await call("admin", "GET", "/api/v1/reports");
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json()).toEqual({ total: 0, items: [] });
    for (const url of [
      `/api/v1/reports/${daily.id}`,
      `/api/v1/reports/${daily.id}/pdf`,
      `/api/v1/reports/${daily.id}/xlsx`,
    ]) {
      const res = await call("admin", "GET", url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().code).toBe("REPORT_NOT_FOUND");
      expect(res.body).not.toContain(seen.content.matters[0].number);
    }
    const write = await call("admin", "POST", "/api/v1/reports", {
      id: crypto.randomUUID(),
      kind: "daily",
      area: tree.township.code,
      day: reportDay,
    });
    expect(write.statusCode).toBe(404);
    expect(write.json()).toMatchObject({ code: "AREA_NOT_FOUND", errors: [{ path: "area" }] });
    // The migration takes report.read from the admin role (twice changes nothing): the API refuses.
    await revokeAdminReportRead(t.ctx.db);
    await revokeAdminReportRead(t.ctx.db);
    forgetPrincipals();
    expect((await call("admin", "GET", "/api/v1/reports")).statusCode).toBe(403);
    expect((await call("admin", "GET", `/api/v1/reports/${daily.id}`)).statusCode).toBe(403);
    // The township official still reads it.
    expect((await call("township", "GET", `/api/v1/reports/${daily.id}/pdf`)).statusCode).toBe(200);
  });
});

describe("scheduled reports", () => {
  it("two sweeps at once write each due report once, and a later sweep writes nothing", async () => {
    const [a, b] = await Promise.all([sweepReports(t.ctx, "holder-a"), sweepReports(t.ctx, "holder-b")]);
    // One held the lease; the other found it taken.
    expect([a, b].filter((n) => n === null)).toHaveLength(1);
    const rows = await t.ctx.db
      .selectFrom("report")
      .select(["kind", "area_id", "period_from", "period_to"])
      .where("area_path", "like", `${tree.county.path}%`)
      .execute();
    const keys = rows.map((r) => `${r.kind} ${r.area_id} ${r.period_from} ${r.period_to}`);
    expect(new Set(keys).size).toBe(keys.length);
    const today = chinaDate(t.clock.now);
    const lastMonth = reportPeriodOf("monthly", addDays(`${today.slice(0, 8)}01`, -1), () => true);
    for (const area of [tree.county, tree.township, tree.otherTownship])
      expect(
        rows.filter((r) => r.kind === "monthly" && r.area_id === area.id && r.period_from === lastMonth.from),
      ).toHaveLength(1);
    expect(await sweepReports(t.ctx, "holder-c")).toBe(0);
  });

  it("stores one report when two writers race past the lease", async () => {
    const period = { from: "2026-01-05", to: "2026-01-11" };
    const write = () =>
      writeReport(t.ctx, {
        id: crypto.randomUUID(),
        kind: "weekly",
        area: tree.otherTownship,
        period,
        trigger: "schedule",
        by: null,
      });
    const [a, b] = await Promise.all([write(), write()]);
    expect(a.report.id).toBe(b.report.id);
    expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
  });
});
