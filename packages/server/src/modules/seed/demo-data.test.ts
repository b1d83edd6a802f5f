import { createHash } from "node:crypto";
import {
  addDays,
  checkCharacter,
  checkIdNumber,
  DEFAULT_ROLES,
  geometryAreaM2,
  type PolygonalGeometry,
  pointInGeometry,
  polygonsOf,
  siblingOverlaps,
  uncovered,
  validateBoundary,
  type WeeklyContent,
  weekStart,
} from "@wangge/core";
import ExcelJS from "exceljs";
import jpeg from "jpeg-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type Session, signIn } from "../../test/factories.ts";
import { DEMO_TOWNSHIP } from "../areas/areas.demo.ts";
import { findArea } from "../areas/areas.service.ts";
import { signDeviceRequest } from "../events/devices.service.ts";
import { DEMO_LOUDSPEAKER_KEY } from "../notices/notices.demo.ts";
import { ageOn, DEMO_GIVEN_NAMES } from "../registry/demo-households.ts";
import { writeReport } from "../reports/reports.service.ts";
import { DEMO_ACCOUNTS } from "../users/users.demo.ts";
import { seedDemo } from "./seed.service.ts";

/**
 * The demo as a Guangxi official would read it (issue #17 item 8): people whose names, sex, birth
 * date and age agree with their ID numbers, households whose relations fit their ages, care tags
 * that hold, and grids of irregular shape that tile their community (and communities the
 * sub-district) with no gap and no overlap.
 */
let t: TestApp;
let today: string;
let demoPassword = "";
/** Every line the seed printed for the person who ran it. */
const printed: string[] = [];
beforeAll(async () => {
  t = await buildTestApp();
  await seedDemo({
    ctx: t.ctx,
    logger: { info: () => {} },
    print: (line: string) => {
      printed.push(line);
      demoPassword = line.match(/^Demo password .*: (\S+)$/)?.[1] ?? demoPassword;
    },
  });
  today = new Date(t.ctx.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}, 180_000);
afterAll(async () => {
  await t?.close();
});

interface DemoResident {
  id: string;
  name: string;
  gender: string | null;
  birthDate: string | null;
  idNumber: string;
  relationship: string | null;
  residence: string;
  household: string;
  age: number;
  tags: string[];
}

async function residents(): Promise<DemoResident[]> {
  const rows = await t.ctx.db
    .selectFrom("person")
    .select(["id", "name", "gender", "birth_date", "id_number_enc", "relationship", "residence_status", "household_id"])
    .execute();
  const tags = await t.ctx.db
    .selectFrom("subject_tag")
    .select(["subject_id", "tag_key"])
    .where("subject_type", "=", "person")
    .execute();
  return rows.map((r) => {
    const idNumber = t.ctx.crypto.decrypt(r.id_number_enc as string);
    const birthDate = r.birth_date ? String(r.birth_date).slice(0, 10) : null;
    return {
      id: r.id,
      name: r.name,
      gender: r.gender,
      birthDate,
      idNumber,
      relationship: r.relationship,
      residence: r.residence_status,
      household: r.household_id as string,
      age: birthDate ? ageOn(birthDate, today) : -1,
      tags: tags.filter((g) => g.subject_id === r.id).map((g) => g.tag_key),
    };
  });
}

/** Node 20 has no Map.groupBy. */
function byHousehold(people: DemoResident[]): Map<string, DemoResident[]> {
  const out = new Map<string, DemoResident[]>();
  for (const p of people) out.set(p.household, [...(out.get(p.household) ?? []), p]);
  return out;
}

describe("the demo registry", () => {
  it("has every person's sex, birth date and age agree with their ID number, and a given name that fits", async () => {
    const people = await residents();
    expect(people.length).toBeGreaterThan(25);
    for (const p of people) {
      const checked = checkIdNumber("resident_id", p.idNumber, new Date(`${today}T12:00:00+08:00`));
      expect(checked.ok, `${p.name}: ${p.idNumber}`).toBe(true);
      if (!checked.ok) continue;
      expect({ who: p.name, gender: p.gender, birthDate: p.birthDate }).toEqual({
        who: p.name,
        gender: checked.gender,
        birthDate: checked.birthDate,
      });
      const given = p.name.slice(1);
      const pool = DEMO_GIVEN_NAMES[p.gender as "male" | "female"];
      expect(Object.values(pool).flat(), `${p.name} is a ${p.gender}`).toContain(given);
    }
  });

  it("has households of plausible families: one head, distinct names, relations that fit the ages", async () => {
    const people = await residents();
    const households = byHousehold(people);
    expect(households.size).toBe(12);
    for (const members of households.values()) {
      const heads = members.filter((m) => m.relationship === "head");
      expect(heads).toHaveLength(1);
      const head = heads[0] as DemoResident;
      const names = members.map((m) => m.name);
      expect(new Set(names).size, names.join(",")).toBe(names.length);
      for (const m of members) {
        const gap = head.age - m.age;
        const label = `${m.name} (${m.relationship}, ${m.age}) in ${head.name}'s household (${head.age})`;
        if (m.relationship === "spouse") {
          expect(Math.abs(gap), label).toBeLessThanOrEqual(10);
          expect(m.gender, label).not.toBe(head.gender);
        }
        if (m.relationship === "child") expect(gap, label).toBeGreaterThanOrEqual(18);
        if (m.relationship === "grandchild") expect(gap, label).toBeGreaterThanOrEqual(36);
        if (m.relationship === "parent") expect(-gap, label).toBeGreaterThanOrEqual(18);
      }
    }
  });

  it("gives care tags only where they hold", async () => {
    const people = await residents();
    const households = byHousehold(people);
    let checked = 0;
    for (const p of people) {
      const members = households.get(p.household) ?? [];
      const label = `${p.name} (${p.age}, ${p.tags.join(",")})`;
      if (p.tags.includes("elderly_alone")) {
        expect(p.age, label).toBeGreaterThanOrEqual(60);
        expect(members, label).toHaveLength(1);
        checked++;
      }
      if (p.tags.includes("empty_nest_elderly")) {
        expect(p.age, label).toBeGreaterThanOrEqual(60);
        expect(
          members.every((m) => m.age >= 60),
          label,
        ).toBe(true);
        checked++;
      }
      if (p.tags.includes("left_behind_child")) {
        expect(p.age, label).toBeLessThan(16);
        // Their parents (the household's adults under 60) are all away.
        const parents = members.filter((m) => m.age >= 18 && m.age < 60);
        expect(parents.length, label).toBeGreaterThan(0);
        expect(
          parents.every((m) => m.residence === "away"),
          label,
        ).toBe(true);
        checked++;
      }
      if (p.tags.includes("left_behind_elderly")) {
        expect(p.age, label).toBeGreaterThanOrEqual(60);
        expect(
          members.some((m) => m.residence === "away"),
          label,
        ).toBe(true);
        checked++;
      }
      // Nobody living with others is "alone"; nobody 60 or older is a child left behind.
      if (members.length > 1) expect(p.tags, label).not.toContain("elderly_alone");
    }
    expect(checked).toBeGreaterThan(8);
  });
});

describe("the demo grids", () => {
  async function shapesUnder(parentCode: string) {
    const parent = await t.ctx.db
      .selectFrom("area as a")
      .innerJoin("area_boundary as b", "b.area_id", "a.id")
      .select(["a.id", "a.code", "b.geometry"])
      .where("a.code", "=", parentCode)
      .where("b.valid_to", "is", null)
      .executeTakeFirstOrThrow();
    const children = await t.ctx.db
      .selectFrom("area as a")
      .innerJoin("area_boundary as b", "b.area_id", "a.id")
      .select(["a.code", "b.geometry"])
      .where("a.parent_id", "=", parent.id)
      .where("b.valid_to", "is", null)
      .orderBy("a.code")
      .execute();
    return {
      parent: parent.geometry as PolygonalGeometry,
      children: children.map((c) => ({ code: c.code, geometry: c.geometry as PolygonalGeometry })),
    };
  }

  it("tile every community (no gap, no overlap), and the communities tile the sub-district", async () => {
    const township = await shapesUnder(DEMO_TOWNSHIP);
    expect(township.children).toHaveLength(25);
    expect(siblingOverlaps(township.children)).toEqual([]);
    expect(
      uncovered(
        township.parent,
        township.children.map((c) => c.geometry),
      ),
    ).toBeUndefined();
    for (const village of township.children) {
      const { parent, children } = await shapesUnder(village.code);
      expect(children.map((c) => c.code)).toEqual([`${village.code}G01`, `${village.code}G02`]);
      expect(siblingOverlaps(children), village.code).toEqual([]);
      expect(
        uncovered(
          parent,
          children.map((c) => c.geometry),
        ),
        village.code,
      ).toBeUndefined();
    }
  });

  it("add up to their community's area, and the communities to the sub-district's (issue #20 item 6)", async () => {
    const township = await shapesUnder(DEMO_TOWNSHIP);
    const sum = (shapes: { geometry: PolygonalGeometry }[]) =>
      shapes.reduce((a, c) => a + geometryAreaM2(c.geometry), 0);
    // Each community is about 1.2 km across: a sliver of 1 m² either way would show.
    expect(Math.abs(sum(township.children) - geometryAreaM2(township.parent))).toBeLessThan(1);
    for (const village of township.children) {
      const { parent, children } = await shapesUnder(village.code);
      expect(geometryAreaM2(parent), village.code).toBeGreaterThan(1_000_000);
      expect(Math.abs(sum(children) - geometryAreaM2(parent)), village.code).toBeLessThan(1);
      // Neither grid is a sliver: a community is split roughly in two.
      for (const c of children)
        expect(geometryAreaM2(c.geometry) / geometryAreaM2(parent), c.code).toBeGreaterThan(0.3);
    }
  });

  it("hold every demo household whose place is mapped inside the grid it is registered in", async () => {
    const rows = await t.ctx.db
      .selectFrom("household as h")
      .innerJoin("place as p", "p.id", "h.place_id")
      .innerJoin("area as a", "a.id", "h.area_id")
      .innerJoin("area_boundary as b", (j) => j.onRef("b.area_id", "=", "a.id").on("b.valid_to", "is", null))
      .select(["h.id", "a.code", "a.level", "p.lng", "p.lat", "b.geometry"])
      .where("a.path", "like", `%/${DEMO_TOWNSHIP}/%`)
      .execute();
    const mapped = rows.filter((r) => r.lng !== null && r.lat !== null);
    const all = await t.ctx.db
      .selectFrom("household")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("area_path", "like", `%/${DEMO_TOWNSHIP}/%`)
      .executeTakeFirstOrThrow();
    // Every demo household has a mapped place in a grid with a boundary.
    expect(mapped.length).toBeGreaterThanOrEqual(12);
    expect(mapped.length).toBe(Number(all.n));
    const outside = mapped.filter(
      (r) => r.level !== "grid" || !pointInGeometry(Number(r.lng), Number(r.lat), r.geometry as PolygonalGeometry),
    );
    expect(outside.map((r) => `${r.id} in ${r.code} at ${r.lng},${r.lat}`)).toEqual([]);
  });

  it("are valid polygons of irregular shape, no two alike and none a rectangle", async () => {
    const grids = await t.ctx.db
      .selectFrom("area as a")
      .innerJoin("area_boundary as b", "b.area_id", "a.id")
      .select(["a.code", "b.geometry"])
      .where("a.level", "=", "grid")
      .where("a.path", "like", `%/${DEMO_TOWNSHIP}/%`)
      .where("b.valid_to", "is", null)
      .execute();
    expect(grids).toHaveLength(50);
    const outlines = new Set<string>();
    for (const g of grids) {
      const geometry = g.geometry as PolygonalGeometry;
      expect(validateBoundary(geometry), g.code).toEqual([]);
      const ring = polygonsOf(geometry)[0]?.[0] ?? [];
      expect(ring.length, g.code).toBeGreaterThan(8);
      const xs = new Set(ring.map((p) => p[0]));
      const ys = new Set(ring.map((p) => p[1]));
      // A rectangle has two distinct longitudes and two latitudes; these have many.
      expect(Math.min(xs.size, ys.size), g.code).toBeGreaterThan(4);
      // The same shape moved elsewhere would have the same edge lengths: compare them, rounded.
      const edges = ring
        .slice(1)
        .map((p, i) => Math.round(Math.hypot(p[0] - (ring[i]?.[0] ?? 0), p[1] - (ring[i]?.[1] ?? 0)) * 1e5))
        .join(",");
      outlines.add(edges);
    }
    expect(outlines.size).toBe(50);
  });
});

describe("the import template in the demo deployment (#17 item 6)", () => {
  const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  const registrars = DEMO_ACCOUNTS.filter((a) =>
    DEFAULT_ROLES.find((r) => r.key === a.roleKey)?.permissions.includes("person.manage"),
  );

  async function template(session: Session, format: "xlsx" | "csv", lang: string) {
    const res = await t.app.inject({
      method: "GET",
      url: `/api/v1/imports/people/template?format=${format}`,
      headers: { ...session.headers, "accept-language": lang },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.rawPayload;
  }

  async function importFile(session: Session, body: Buffer, format: "xlsx" | "csv") {
    const id = crypto.randomUUID();
    const res = await t.app.inject({
      method: "POST",
      url: `/api/v1/imports/people?id=${id}&fileName=template.${format}&allOrNothing=false`,
      headers: { ...session.headers, "content-type": format === "csv" ? "text/csv" : XLSX },
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(202);
    for (let i = 0; i < 400; i++) {
      const job = (
        await t.app.inject({ method: "GET", url: `/api/v1/imports/${id}`, headers: session.headers })
      ).json();
      if (job.status === "done" || job.status === "failed") return job;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error("import did not finish");
  }

  /** The template's example row with `change` applied to its cells (by header), as XLSX. */
  async function edited(bytes: Buffer, change: (cells: Map<string, string>) => void): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0] as ExcelJS.Worksheet;
    const header = (sheet.getRow(1).values as string[]).slice(1).map((h) => h.replace(/\*$/, ""));
    const cells = new Map(header.map((h, i) => [h, String(sheet.getRow(2).getCell(i + 1).value ?? "")]));
    change(cells);
    header.forEach((h, i) => {
      sheet.getRow(2).getCell(i + 1).value = cells.get(h) ?? "";
    });
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  it("imports as downloaded with no row rejected, for every demo account that registers people", async () => {
    expect(registrars.map((a) => a.username)).toEqual(expect.arrayContaining(["demo.village", "demo.worker"]));
    for (const account of registrars) {
      const session = await signIn(t, { username: account.username, password: demoPassword });
      for (const [format, lang] of [
        ["xlsx", "zh-CN"],
        ["csv", "en"],
      ] as const) {
        const job = await importFile(session, await template(session, format, lang), format);
        expect(job, `${account.username} ${format} ${JSON.stringify(job)}`).toMatchObject({
          status: "done",
          created: 0,
          rejected: 0,
        });
      }
    }
  });

  it("has an example row valid for the account's own area: with its note cleared (and its own numbers) it registers the person", async () => {
    for (const [i, account] of registrars.entries()) {
      const session = await signIn(t, { username: account.username, password: demoPassword });
      const bytes = await edited(await template(session, "xlsx", "zh-CN"), (cells) => {
        const id = cells.get("证件号码") as string;
        const first17 = `${id.slice(0, 14)}${String(2 * i + 101).padStart(3, "0")}`;
        cells.set("证件号码", `${first17}${checkCharacter(first17)}`);
        cells.set("户编号", `${cells.get("户编号")}-${i}`);
        cells.set("门牌号", String(100 + i));
        cells.set("备注", "");
      });
      const job = await importFile(session, bytes, "xlsx");
      expect(job, `${account.username} ${JSON.stringify(job)}`).toMatchObject({
        status: "done",
        created: 1,
        rejected: 0,
      });
    }
  });

  it("refuses a filled-in row that kept the example's note, saying so in the reader's language", async () => {
    const worker = registrars.find((a) => a.username === "demo.worker");
    const session = await signIn(t, { username: worker?.username ?? "", password: demoPassword });
    const bytes = await edited(await template(session, "xlsx", "zh-CN"), (cells) => cells.set("姓名", "韦小宝"));
    const job = await importFile(session, bytes, "xlsx");
    expect(job).toMatchObject({ status: "done", created: 0, rejected: 1 });
    const reasons = async (lang: string) => {
      const res = await t.app.inject({
        method: "GET",
        url: `/api/v1/imports/${job.id}/report`,
        headers: { ...session.headers, "accept-language": lang },
      });
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      const rows = (wb.worksheets[0]?.getSheetValues() ?? []).filter(Boolean) as unknown[][];
      return rows.map((r) => String(r.at(-1)));
    };
    expect(await reasons("zh-CN")).toEqual([
      "未导入原因",
      expect.stringMatching(/^备注：“示例行.*删除该备注后才会导入此行$/),
    ]);
    expect(await reasons("en-GB,en;q=0.9")).toEqual([
      "Why not imported",
      expect.stringMatching(/^notes: “示例行.*clear it to import this row$/),
    ]);
  });
});

describe("the demo's four-affairs disclosures", () => {
  it("publishes the demo community's last three months of finance with totals that add up, and an answered question", async () => {
    const list = await t.app.inject({ method: "GET", url: "/api/v1/disclosures?areaCode=450802001003&kind=finance" });
    const items = list.json().items as { id: string; periodKind: string }[];
    expect(items).toHaveLength(3);
    for (const item of items) {
      const d = (await t.app.inject({ method: "GET", url: `/api/v1/disclosures/${item.id}` })).json();
      const lines = d.current.financeLines as { direction: string; amountFen: number }[];
      const sum = (dir: string) => lines.filter((l) => l.direction === dir).reduce((s, l) => s + l.amountFen, 0);
      expect([sum("income"), sum("expense")]).toEqual([d.current.incomeFen, d.current.expenseFen]);
      expect(d.periodKind).toBe("month");
    }
    const all = (await t.app.inject({ method: "GET", url: "/api/v1/disclosures?areaCode=450802001003" })).json();
    expect(new Set(all.items.map((i: { kind: string }) => i.kind))).toEqual(
      new Set(["finance", "party", "village", "service"]),
    );
    const renovation = all.items.find((i: { title: string }) => i.title.includes("老旧小区改造"));
    const detail = (await t.app.inject({ method: "GET", url: `/api/v1/disclosures/${renovation.id}` })).json();
    expect(detail.acceptsObjections).toBe(true);
    expect(detail.comments).toMatchObject([{ kind: "question", signature: "何*东" }]);
  });
});

describe("the demo's notices and loudspeaker (#19 item 5)", () => {
  type InboxItem = { id: string; title: string; body: string; urgent: boolean; readAt: string | null };
  const inboxOf = async (username: string) => {
    const session = await signIn(t, { username, password: demoPassword });
    const res = await t.app.inject({ method: "GET", url: "/api/v1/notices/inbox", headers: session.headers });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { unread: number; items: InboxItem[] };
  };

  it("has the notices to everyone in the demo resident's inbox, unread, and not the one for 独居老人 households", async () => {
    const inbox = await inboxOf("demo.resident");
    expect(inbox.items.map((i) => i.title).sort()).toEqual(["冬季森林防火提醒", "城乡居民医保缴费提醒"].sort());
    expect(inbox.unread).toBe(2);
    expect(inbox.items.every((i) => i.readAt === null && !i.urgent)).toBe(true);
  });

  it("has all three in the grid worker's field inbox, the urgent 寒潮预警 first, sent over the last days", async () => {
    const inbox = await inboxOf("demo.worker");
    expect(inbox.items.map((i) => [i.title, i.urgent])).toEqual([
      ["寒潮预警：明后两天强降温", true],
      ["城乡居民医保缴费提醒", false],
      ["冬季森林防火提醒", false],
    ]);
    const sent = await t.ctx.db.selectFrom("notice").select(["sent_at", "sent_by_name"]).orderBy("sent_at").execute();
    expect(sent.map((n) => n.sent_by_name)).toEqual(["李强", "周芳", "周芳"]);
    const days = sent.map((n) => (t.ctx.now().getTime() - n.sent_at.getTime()) / 86_400_000);
    expect(days[0]).toBeGreaterThan(4);
    expect(days[2]).toBeLessThan(1);
    for (const item of inbox.items) expect(`${item.title}${item.body}`).not.toMatch(/1[3-9]\d{9}|\d{17}[\dXx]/);
  });

  it("sends the 寒潮预警 to the 独居老人 households only, which the loudspeaker alone reaches", async () => {
    const session = await signIn(t, { username: "demo.village", password: demoPassword });
    const list = await t.app.inject({ method: "GET", url: "/api/v1/notices", headers: session.headers });
    const cold = (list.json() as { id: string; title: string; delivery: Record<string, number> }[]).find((n) =>
      n.title.startsWith("寒潮预警"),
    );
    // Two demo households have a 独居老人 (79 and 84), neither with a resident-app user.
    expect(cold?.delivery).toMatchObject({ households: 2, householdsWithApp: 0, householdsLoudspeakerOnly: 2 });
    expect(cold?.delivery.loudspeakers).toBe(1);
  });

  it("registers the community's loudspeaker with its queue (urgent first); its secret is kept encrypted and printed nowhere", async () => {
    const device = await t.ctx.db
      .selectFrom("intake_device")
      .select(["secret_enc", "kind", "area_code", "name"])
      .where("device_key", "=", DEMO_LOUDSPEAKER_KEY)
      .executeTakeFirstOrThrow();
    expect(device).toMatchObject({ kind: "loudspeaker", area_code: "450802001003" });
    const secret = t.ctx.crypto.decrypt(device.secret_enc);
    expect(device.secret_enc).not.toContain(secret);
    expect(printed.join("\n")).not.toContain(secret);
    // Pulled as the device would pull it, signed with its secret.
    const url = `/api/v1/broadcast/devices/${DEMO_LOUDSPEAKER_KEY}/queue`;
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = crypto.randomUUID().replace(/-/g, "");
    const res = await t.app.inject({
      method: "GET",
      url,
      headers: {
        "x-wangge-timestamp": ts,
        "x-wangge-nonce": nonce,
        "x-wangge-signature": `sha256=${signDeviceRequest(secret, ts, nonce, `GET ${url}\n`)}`,
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as { title: string; urgent: boolean }[];
    expect(items.map((i) => [i.title, i.urgent])).toEqual([
      ["寒潮预警：明后两天强降温", true],
      ["冬季森林防火提醒", false],
      ["城乡居民医保缴费提醒", false],
    ]);
  });
});

describe("the demo's livelihood projects", () => {
  it("shows the community's and its sub-district's projects with their stages, a correction, two acceptances (failed, then passed) and an answered question", async () => {
    const list = (await t.app.inject({ method: "GET", url: "/api/v1/projects?areaCode=450802001003" })).json() as {
      id: string;
      title: string;
      stage: string;
      milestonesDone: number;
      milestonesTotal: number;
    }[];
    const byTitle = new Map(list.map((p) => [p.title, p]));
    expect(byTitle.get("县东社区西街巷道路面硬化")).toMatchObject({
      stage: "under_way",
      milestonesDone: 2,
      milestonesTotal: 4,
    });
    expect(byTitle.get("县东社区太阳能路灯安装")?.stage).toBe("completed");
    // The lamps failed their first acceptance and passed the second: both are on the public record.
    const lamps = (
      await t.app.inject({ method: "GET", url: `/api/v1/projects/${byTitle.get("县东社区太阳能路灯安装")?.id}` })
    ).json();
    expect(lamps.acceptances.map((a: { number: number; result: string }) => [a.number, a.result])).toEqual([
      [1, "failed"],
      [2, "passed"],
    ]);
    expect(lamps.acceptances[0].rectifications).toHaveLength(2);
    expect(lamps.acceptances[0].acceptedOn < lamps.acceptances[1].acceptedOn).toBe(true);
    expect(lamps.acceptances[1].signatories.map((s: { role: string }) => s.role)).toContain("oversight_committee");
    const water = byTitle.get("贵城街道城郊片区农村饮水安全巩固提升工程");
    expect(water?.stage).toBe("under_way");
    const detail = (await t.app.inject({ method: "GET", url: `/api/v1/projects/${water?.id}` })).json();
    expect([detail.version, detail.budgetFen, detail.earlier[0].budgetFen]).toEqual([2, 131_860_000, 125_000_000]);
    expect(detail.correctionReason).toContain("六塘屯支管");
    const lanes = (
      await t.app.inject({ method: "GET", url: `/api/v1/projects/${byTitle.get("县东社区西街巷道路面硬化")?.id}` })
    ).json();
    expect(lanes.comments).toMatchObject([{ kind: "question", signature: null }]);
    expect(lanes.comments[0].reply).toContain("东侧巷口");
  });

  it("shows progress photos on the milestones they document, dated, small, real JPEGs without location data", async () => {
    const list = (await t.app.inject({ method: "GET", url: "/api/v1/projects?areaCode=450802001003" })).json() as {
      id: string;
      title: string;
    }[];
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
    const digests = new Set<string>();
    const counts: Record<string, number> = {};
    for (const summary of list) {
      const p = (await t.app.inject({ method: "GET", url: `/api/v1/projects/${summary.id}` })).json() as {
        title: string;
        milestones: { id: string; status: string; title: string }[];
        photos: { id: string; milestoneId: string | null; caption: string; contentType: string; size: number }[];
      };
      counts[p.title] = p.photos.length;
      for (const photo of p.photos) {
        const milestone = p.milestones.find((m) => m.id === photo.milestoneId);
        // Every photo documents a milestone that has started, and its caption opens with the day it was taken.
        expect(milestone?.status, `${p.title}: ${photo.caption}`).not.toBe("planned");
        const taken = photo.caption.slice(0, 10);
        expect(taken).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(taken <= today).toBe(true);
        expect(photo.caption.length).toBeGreaterThan(16);
        expect(photo.contentType).toBe("image/jpeg");
        const res = await t.app.inject({ method: "GET", url: `/api/v1/projects/${summary.id}/files/${photo.id}` });
        expect(res.statusCode).toBe(200);
        const bytes = res.rawPayload;
        expect(bytes.length).toBe(photo.size);
        expect(bytes.length).toBeGreaterThan(8_000);
        expect(bytes.length).toBeLessThan(80_000);
        expect(bytes.includes(Buffer.from("Exif\0\0", "latin1"))).toBe(false);
        const image = jpeg.decode(bytes, { useTArray: true });
        expect([image.width, image.height]).toEqual([640, 480]);
        // A picture, not a flat fill: its pixels vary.
        const reds = new Set<number>();
        for (let i = 0; i < image.data.length; i += 4 * 97) reds.add(image.data[i] as number);
        expect(reds.size).toBeGreaterThan(40);
        digests.add(createHash("sha256").update(bytes).digest("hex"));
      }
    }
    expect(counts).toEqual({
      县东社区西街巷道路面硬化: 3,
      县东社区太阳能路灯安装: 3,
      贵城街道城郊片区农村饮水安全巩固提升工程: 2,
    });
    expect(digests.size).toBe(8);
  });
});

describe("the demo's last week (周分析 hotspots)", () => {
  it("has 荷城路 36 号 as last week's repeated address of the demo grid, on the township's weekly map", async () => {
    const lastWeek = addDays(weekStart(today), -7);
    const township = await findArea(t.ctx.db, DEMO_TOWNSHIP);
    if (!township) throw new Error("no demo township");
    const { report } = await writeReport(t.ctx, {
      id: crypto.randomUUID(),
      kind: "weekly",
      area: township,
      period: { from: lastWeek, to: addDays(lastWeek, 6) },
      trigger: "demand",
      by: null,
    });
    const content = report.content as WeeklyContent;
    expect(content.hotspots.addresses).toContainEqual(
      expect.objectContaining({ address: "荷城路 36 号", count: 2, areaCode: "450802001003G01" }),
    );
    expect(content.hotspots.grids).toContainEqual(expect.objectContaining({ code: "450802001003G01", count: 2 }));
    const drawn = content.hotspots.map?.features.features.map((f) => f.properties.code) ?? [];
    expect(drawn).toContain("450802001003G01");
    // Both were fixed the same day: nothing of last week is left open or overdue.
    expect(content.figures.counts.overdue).toBe(0);
    expect(content.figures.counts.settled).toBe(2);
  });
});
