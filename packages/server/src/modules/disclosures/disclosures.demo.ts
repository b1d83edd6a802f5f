import { createHash } from "node:crypto";
import { chinaDate, DomainError, type FinanceLine } from "@wangge/core";
import type { SeedPart } from "../seed/seed.types.ts";
import { principalOfUsername } from "../users/users.service.ts";
import { lodgeComment, replyToComment } from "./comments.service.ts";
import {
  createDisclosure,
  type NewDisclosureInput,
  reviewDisclosure,
  submitDisclosure,
} from "./disclosures.service.ts";
import { createProcedure } from "./procedures.service.ts";

/**
 * Demo four-affairs disclosures of the demo community (450802001003, written by its official 周芳):
 * the last three months' finance (reviewed by the township's 李强), a quarter's party affairs, a 公示
 * of this year's 老旧小区改造 with its publicity period running, a service notice, and a resident's
 * question with its answer. Ids come from names, so seeding twice changes nothing; a refusal skips the
 * rest (demo data never stops a start).
 */
const VILLAGE = "450802001003";
const meta = { requestId: "seed-demo", ip: null, userAgent: "wangge seed demo" };

function demoId(key: string): string {
  const h = createHash("sha256").update(`wangge-demo-disclosure:${key}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A month's accounts of an urban community committee (社区居委会), in fen, varying a little by month. */
function monthLines(month: string, i: number): FinanceLine[] {
  const day = (d: number) => `${month}-${String(d).padStart(2, "0")}`;
  return [
    {
      direction: "income",
      subject: "社区工作经费",
      summary: "区财政拨付本月社区工作经费",
      amountFen: 2_500_000,
      occurredOn: day(5),
    },
    {
      direction: "income",
      subject: "服务群众专项经费",
      summary: "街道党工委拨付党组织服务群众经费",
      amountFen: 1_000_000 + i * 120_000,
      occurredOn: day(8),
    },
    {
      direction: "income",
      subject: "场地使用费",
      summary: "社区活动室对外场地使用费",
      amountFen: 86_000 - i * 6_000,
      occurredOn: day(15),
    },
    {
      direction: "expense",
      subject: "办公费",
      summary: "打印纸、墨盒等办公用品",
      amountFen: 123_650 + i * 4_120,
      occurredOn: day(6),
    },
    {
      direction: "expense",
      subject: "水电费",
      summary: "社区服务中心水电费",
      amountFen: 241_870 - i * 9_310,
      occurredOn: day(12),
    },
    {
      direction: "expense",
      subject: "环境卫生整治",
      summary: "背街小巷卫生死角清理、垃圾清运",
      amountFen: 680_000,
      occurredOn: day(18),
    },
    {
      direction: "expense",
      subject: "慰问困难群众",
      summary: "走访慰问困难家庭、独居老人（米、油）",
      amountFen: 450_000 + i * 50_000,
      occurredOn: day(22),
    },
    {
      direction: "expense",
      subject: "网格员通讯补贴",
      summary: "本月网格员通讯补贴",
      amountFen: 240_000,
      occurredOn: day(25),
    },
  ];
}

export const disclosuresDemoPart: SeedPart = {
  name: "disclosures",
  async run({ ctx }) {
    const village = await principalOfUsername(ctx.db, "demo.village");
    const township = await principalOfUsername(ctx.db, "demo.township");
    const resident = await principalOfUsername(ctx.db, "demo.resident");
    if (!village || !township || !resident) return { summary: "no demo accounts: skipped" };
    const today = chinaDate(ctx.now());
    const [year, month] = today.split("-").map(Number) as [number, number];
    let created = 0;
    const publish = async (key: string, input: Omit<NewDisclosureInput, "id" | "versionId" | "areaCode">) => {
      const id = demoId(key);
      const versionId = demoId(`${key}:v1`);
      const r = await createDisclosure(ctx, village, meta, { id, versionId, areaCode: VILLAGE, ...input });
      if (r.created) created++;
      const d = await submitDisclosure(ctx, village, meta, id, versionId);
      if (d.versions[0]?.state === "in_review")
        await reviewDisclosure(ctx, township, meta, id, { versionId, decision: "approve", note: "" });
      return id;
    };
    try {
      for (let i = 3; i >= 1; i--) {
        const m = new Date(Date.UTC(year, month - 1 - i, 1));
        const ym = m.toISOString().slice(0, 7);
        const lines = monthLines(ym, i);
        const sum = (d: string) => lines.filter((l) => l.direction === d).reduce((s, l) => s + l.amountFen, 0);
        const label = `${m.getUTCFullYear()}年${m.getUTCMonth() + 1}月`;
        await publish(`finance:${ym}`, {
          kind: "finance",
          periodKind: "month",
          periodStart: `${ym}-01`,
          title: `${label}社区财务收支公开`,
          body: `现将本社区${label}财务收支情况公开如下，接受居民监督。如有疑问，可在公示期内通过“一库通”留言或提出异议，也可到社区服务中心咨询（工作日 8:00—12:00、14:30—17:30）。`,
          publicityDays: i === 1 ? 10 : 7,
          financeLines: lines,
          declaredIncomeFen: sum("income"),
          declaredExpenseFen: sum("expense"),
        });
      }
      const quarterMonth = Math.floor((month - 1) / 3) * 3 + 1;
      await publish(`party:${year}-Q${Math.floor((month - 1) / 3) + 1}`, {
        kind: "party",
        periodKind: "quarter",
        periodStart: `${year}-${String(quarterMonth).padStart(2, "0")}-01`,
        title: "本季度党务公开：主题党日与党费收缴情况",
        body: "一、本季度开展主题党日活动 3 次，党员参加 126 人次，内容为学习贯彻党的二十届四中全会精神、“我为群众办实事”入户走访。\n二、本季度应缴党费的党员 48 名，已全部按时足额缴纳。\n三、发展党员：确定入党积极分子 2 名。",
        publicityDays: null,
      });
      const renovation = await publish(`village:${year}:renovation`, {
        kind: "village",
        periodKind: "once",
        periodStart: today,
        title: `${year}年老旧小区改造项目实施方案公示`,
        body: "经居民代表会议讨论，拟对建设路 12 号、14 号两个老旧小区实施改造：更换供水管网、加装楼道照明、修补屋面防水、规划非机动车充电车棚。项目资金由中央财政补助和区级配套资金解决，居民无需出资。\n公示期内，居民如有不同意见，可通过“一库通”提出异议，社区将在公示期结束前逐条答复。",
        publicityDays: 7,
      });
      await publish("service:hours", {
        kind: "service",
        periodKind: "year",
        periodStart: `${year}-01-01`,
        title: "社区服务中心办事时间与代办事项",
        body: "办事时间：周一至周五 8:00—12:00、14:30—17:30（法定节假日除外）。\n可代办：居住证申领、高龄津贴申请、残疾人两项补贴申请、城乡居民医保参保登记。\n咨询电话：0775-4212345。",
        publicityDays: null,
      });
      const question = demoId("comment:renovation-parking");
      await lodgeComment(ctx, resident, meta, {
        id: question,
        disclosureId: renovation,
        kind: "question",
        text: "充电车棚建在哪个位置？会不会占用消防通道？",
        anonymous: false,
        signature: "何卫东",
      });
      await replyToComment(
        ctx,
        village,
        meta,
        question,
        "车棚建在 14 号楼东侧原废弃花坛处，不占用消防通道，方案已经消防部门现场查看。",
      ).catch((e: unknown) => {
        if (!(e instanceof DomainError && e.code === "COMMENT_ALREADY_ANSWERED")) throw e;
      });
      // 办事指南 of the sub-district (贵城街道) and the community.
      const guides = [
        {
          key: "elderly-allowance",
          by: township,
          areaCode: "450802001",
          title: "高龄津贴申请",
          materials: [
            "申请人户口簿、居民身份证",
            "本人社会保障卡或银行卡（一类卡）",
            "委托他人代办的，另带代办人身份证",
          ],
          location: "贵城街道政务服务中心（民政窗口）",
          fees: "",
          timeLimit: "材料齐全的，受理后 15 个工作日内审核",
          contact: "0775-4212601",
          body: "80 周岁及以上、具有本市户籍的老年人可申请。审核通过后按月发放到本人社会保障卡。",
        },
        {
          key: "residence-permit",
          by: township,
          areaCode: "450802001",
          title: "居住证申领",
          materials: ["居民身份证", "居住证明（租房合同、房产证明或单位证明之一）", "近期一寸白底证件照一张"],
          location: "贵城街道政务服务中心（公安窗口）",
          fees: "首次申领免费",
          timeLimit: "15 个工作日",
          contact: "0775-4212602",
          body: "在本地居住半年以上，符合有合法稳定就业、合法稳定住所、连续就读条件之一的，可申领居住证。",
        },
        {
          key: "medical-insurance",
          by: village,
          areaCode: VILLAGE,
          title: "城乡居民医保参保登记",
          materials: ["户口簿", "居民身份证（未成年人可用出生医学证明）"],
          location: "县东社区服务中心一楼便民窗口",
          fees: "按当年个人缴费标准缴纳",
          timeLimit: "当场办结",
          contact: "0775-4212345",
          body: "每年 9 月至 12 月集中缴费，可通过“广西税务”微信公众号或社区窗口缴纳。",
        },
      ];
      for (const g of guides) {
        const { key, by, ...input } = g;
        await createProcedure(ctx, by, meta, { id: demoId(`procedure:${key}`), ...input, published: true });
      }
    } catch (e) {
      if (e instanceof DomainError) return { summary: `${created} disclosures (stopped: ${e.code})` };
      throw e;
    }
    return { summary: `${created} disclosures of ${VILLAGE}` };
  },
};
