import ExcelJS from "exceljs";
import type { Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { expectFullyTranslated, newPage, signInViaApi, useBrowser } from "../../support/journey.ts";

const { browser, baseUrl, demoPassword } = useBrowser();
const GRID = "450802001003G01";
const VILLAGE = "450802001003";

/** Same check character rule as GB 11643 (the journey makes a number nobody is registered under). */
function checkCharacter(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * (weights[i] as number), 0);
  return "10X98765432"[sum % 11] as string;
}

interface Person {
  id: string;
  name: string;
  householdId: string | null;
  idNumber: string;
}

async function csrf(page: Page) {
  const me = await (await page.request.get(`${baseUrl}/api/v1/auth/me`)).json();
  return { "x-csrf-token": me.csrfToken as string };
}

/**
 * Two of the demo grid's residents from different households, their ID numbers revealed by the grid
 * head (吴刚) with a reason — the reveal the first resident will find in "who looked at my record".
 */
async function revealedByGridHead(): Promise<[Person, Person]> {
  const { page, context } = await newPage(browser());
  await signInViaApi(page, baseUrl, "demo.gridhead", demoPassword);
  const headers = await csrf(page);
  const people = (await (await page.request.get(`${baseUrl}/api/v1/people?gridCode=${GRID}&limit=100`)).json()) as {
    id: string;
    name: string;
    householdId: string | null;
  }[];
  const a = people.find((p) => p.householdId) as (typeof people)[number];
  const b = people.find((p) => p.householdId && p.householdId !== a.householdId) as (typeof people)[number];
  const reveal = async (p: typeof a, reason: string) => {
    const res = await page.request.post(`${baseUrl}/api/v1/people/${p.id}/reveal`, {
      headers,
      data: { fields: ["idNumber"], reason },
    });
    expect(res.status(), await res.text()).toBe(200);
    return { ...p, idNumber: (await res.json()).idNumber as string };
  };
  const pair: [Person, Person] = [await reveal(a, "核实高龄津贴申请材料"), await reveal(b, "低保年度复核")];
  await context.close();
  return pair;
}

let people: [Person, Person] | undefined;
let resident: { page: Page; close: () => Promise<void>; pageErrors: string[]; externalRequests: string[] } | undefined;

async function residentPage() {
  if (resident) return resident;
  const { page, context, pageErrors, externalRequests } = await newPage(browser(), { mobile: true });
  await signInViaApi(page, baseUrl, "demo.resident", demoPassword);
  resident = { page, close: () => context.close(), pageErrors, externalRequests };
  return resident;
}

afterAll(async () => {
  // Leave the demo resident unlinked, as the demo starts.
  if (resident) {
    await resident.page.request.delete(`${baseUrl}/api/v1/residents/me/link`, { headers: await csrf(resident.page) });
    await resident.close();
  }
});

describe("a resident's own record", () => {
  it("links by name and ID number and shows a grid head's reveal with its reason in 'who looked at my record'", async () => {
    people ??= await revealedByGridHead();
    const [me] = people;
    const { page, pageErrors, externalRequests } = await residentPage();
    await page.goto(`${baseUrl}/h5/me`);
    await page.getByText("我的档案", { exact: true }).click();
    await page.getByText("关联我的档案").waitFor();
    // A wrong name first: refused, saying only that nothing matches.
    await page.getByLabel("姓名").fill(`${me.name}某`);
    await page.getByLabel("身份证号码").fill(me.idNumber);
    await page.getByRole("button", { name: "关联" }).click();
    await page.getByText("姓名与身份证号码不符合任何登记记录，请核对后再试").waitFor();
    await page.getByLabel("姓名").fill(me.name);
    await page.getByRole("button", { name: "关联" }).click();
    await page.getByText("谁查看过我的档案").waitFor();
    await page.getByText(me.name, { exact: true }).waitFor();
    await page.getByText("450802************").waitFor();
    expect(await page.content()).not.toContain(me.idNumber);

    await page.getByText("我的家庭").click();
    await page.getByText("本人").waitFor();
    await page.goBack();
    await page.getByText("谁查看过我的档案").click();
    await page.getByText("查看了您的完整号码 · 身份证号码").first().waitFor();
    await page.getByText("核实高龄津贴申请材料").waitFor();
    await page
      .getByText(/网格长/)
      .first()
      .waitFor();
    // Roles, not names: the grid head's name is not shown (the demo's default policy).
    expect(await page.getByText("吴刚").count()).toBe(0);

    // A matter the resident reported, with a number in its text, read in clear by the grid head for a
    // reason: that is in the log too, saying what was read.
    const reported = await page.request.post(`${baseUrl}/api/v1/events`, {
      headers: await csrf(page),
      data: {
        id: crypto.randomUUID(),
        source: "resident",
        categoryKey: "environment.sanitation",
        lng: 109.5741,
        lat: 23.0921,
        description: "楼道灯坏了，晚上可打 13877125566 找我",
        contact: { phone: "13877125566" },
        consentNote: "同意留联系方式回访",
      },
    });
    expect(reported.status(), await reported.text()).toBe(201);
    const head = await newPage(browser());
    await signInViaApi(head.page, baseUrl, "demo.gridhead", demoPassword);
    const read = await head.page.request.post(`${baseUrl}/api/v1/events/${(await reported.json()).id}/reveal`, {
      headers: await csrf(head.page),
      data: { reason: "回访居民，核实楼道位置" },
    });
    expect(read.status(), await read.text()).toBe(200);
    await head.context.close();
    await page.reload();
    await page.getByText("查看了您反映事件的原文和联系方式 · 反映内容原文、手机号码").waitFor();
    await page.getByText("回访居民，核实楼道位置").waitFor();
    expect(await page.content()).not.toContain("13877125566");
    await expectFullyTranslated(page, "zh-CN");
    expect(pageErrors).toEqual([]);
    expect(externalRequests).toEqual([]);
  });

  it("flags a batch's unknown ID number and duplicate row before publication; once published the resident sees exactly their payments and the public list no full name or ID number", async () => {
    people ??= await revealedByGridHead();
    const [me, other] = people;
    const stamp = Date.now().toString().slice(-6);
    const title = `2026年 高龄津贴 第${stamp}批`;
    const unknown = `45080219550505${String(900 + (Number(stamp) % 99)).padStart(3, "0")}`;
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet("发放名单");
    sheet.addRow(["姓名*", "身份证号码*", "金额（元）*", "发放日期*", "补贴项目*"]);
    sheet.addRow([me.name, me.idNumber, "100", "2026-03-15", "高龄津贴"]);
    sheet.addRow(["陆小红", `${unknown}${checkCharacter(unknown)}`, "100", "2026-03-15", "高龄津贴"]);
    sheet.addRow([other.name, other.idNumber, "575", "2026-03-15", "低保"]);
    sheet.addRow([other.name, other.idNumber, "575", "2026-03-15", "低保"]);
    const file = Buffer.from(await wb.xlsx.writeBuffer());

    const { page, context, pageErrors, externalRequests } = await newPage(browser());
    await signInViaApi(page, baseUrl, "demo.village", demoPassword);
    await page.goto(`${baseUrl}/subsidies`);
    await page.getByRole("button", { name: "导入发放名单" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("批次名称").fill(title);
    await dialog.getByLabel("发放名单（XLSX）").setInputFiles({
      name: "发放名单.xlsx",
      mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      buffer: file,
    });
    await dialog.getByRole("button", { name: /^上\s*传$/ }).click();
    await page.getByText("需核实的行（3）").waitFor();
    await page.getByText("身份证号不在登记库").waitFor();
    expect(await page.getByText("重复发放").count()).toBe(2);
    expect(await page.getByTestId("open-flags").textContent()).toBe("3");

    await page.getByRole("button", { name: /^公\s*示$/ }).click();
    await page
      .getByTestId("problem-message")
      .getByText(/还有待核实的行/)
      .waitFor();
    for (let i = 0; i < 3; i++) {
      await page.getByRole("button", { name: "确认无误" }).first().click();
      const confirm = page.getByRole("dialog");
      await confirm.getByLabel("确认原因").fill("已与村民小组长电话核实，补发上月");
      await confirm.getByRole("button", { name: "确认无误" }).click();
      await page
        .getByTestId("open-flags")
        .getByText(String(2 - i), { exact: true })
        .waitFor();
    }
    await page.getByRole("button", { name: /^公\s*示$/ }).click();
    await page.getByText("已公示").first().waitFor();
    await expectFullyTranslated(page, "zh-CN");
    const batches = await (await page.request.get(`${baseUrl}/api/v1/subsidies/batches?areaCode=${VILLAGE}`)).json();
    const batch = (batches as { id: string; title: string }[]).find((b) => b.title === title) as { id: string };
    expect(pageErrors).toEqual([]);
    expect(externalRequests).toEqual([]);
    await context.close();

    // The public list: partly masked names, no ID number or fragment of one.
    const list = await (await fetch(`${baseUrl}/api/v1/subsidies/public/batches/${batch.id}`)).text();
    for (const secret of [me.name, other.name, "陆小红", me.idNumber, other.idNumber, "450802"])
      expect(list).not.toContain(secret);
    expect(list).toContain(`${me.name[0]}*`);

    // Anyone reads it in the resident app, signed in or not: 补贴公示 → the village → the batch.
    const reader = await newPage(browser(), { mobile: true });
    await reader.page.goto(`${baseUrl}/h5`);
    await reader.page.getByText("补贴公示", { exact: true }).click();
    await reader.page.getByPlaceholder("输入村（社区）名称查找").fill("县东");
    await reader.page.getByPlaceholder("输入村（社区）名称查找").press("Enter");
    await reader.page.getByText("县东社区居委会").click();
    await reader.page.getByText(title).click();
    const elders = reader.page.getByRole("table", { name: "高龄津贴" });
    const chars = [...me.name];
    const masked = chars.length === 2 ? `${chars[0]}*` : `${chars[0]}${"*".repeat(chars.length - 2)}${chars.at(-1)}`;
    await elders.getByRole("cell", { name: masked, exact: true }).first().waitFor();
    await elders.getByRole("cell", { name: "100.00", exact: true }).first().waitFor();
    // 低保 shows names, not amounts.
    await reader.page.getByText("本项目按规定不公示金额").waitFor();
    expect(await reader.page.getByRole("table", { name: "低保" }).getByRole("cell", { name: "575.00" }).count()).toBe(
      0,
    );
    const shown = await reader.page.content();
    for (const secret of [me.name, other.name, me.idNumber, other.idNumber]) expect(shown).not.toContain(secret);
    await expectFullyTranslated(reader.page, "zh-CN");
    expect(reader.pageErrors).toEqual([]);
    expect(reader.externalRequests).toEqual([]);
    await reader.context.close();

    // The linked resident: exactly their household's payments of published batches.
    const r = await residentPage();
    await r.page.goto(`${baseUrl}/h5/my/subsidies`);
    await r.page.getByText(title).first().waitFor();
    await r.page.getByText("¥100.00").first().waitFor();
    expect(await r.page.getByText(other.name).count()).toBe(0);
    const mine = (await (await r.page.request.get(`${baseUrl}/api/v1/residents/me/subsidies`)).json()) as {
      self: boolean;
      batchTitle: string;
      amountFen: number;
      programName: string;
    }[];
    expect(mine.filter((p) => p.batchTitle === title)).toEqual([
      expect.objectContaining({ self: true, amountFen: 10000, programName: "高龄津贴" }),
    ]);
    await expectFullyTranslated(r.page, "zh-CN");
  });
});
