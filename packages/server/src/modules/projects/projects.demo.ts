import { createHash } from "node:crypto";
import { chinaDate, DomainError, type MilestoneState } from "@wangge/core";
import { lodgeComment, replyToComment } from "../disclosures/comments.service.ts";
import type { SeedPart } from "../seed/seed.types.ts";
import { principalOfUsername } from "../users/users.service.ts";
import { type DemoScene, paintDemoPhoto } from "./demo-photos.ts";
import { addProjectFile } from "./project-files.service.ts";
import { managedProject } from "./project-views.service.ts";
import {
  addMilestone,
  createProject,
  publishProject,
  recordAcceptance,
  updateMilestone,
  updateProject,
} from "./projects.service.ts";

/**
 * Demo livelihood projects (民生项目): 县东社区 (450802001003, its official 周芳) hardens the lanes of
 * 西街 (under way) and has put up solar street lamps (accepted); 贵城街道 (450802001, 李强) runs the
 * drinking-water consolidation of its outlying villages, published and then corrected with a reason. The
 * lamps failed their first acceptance and passed the second, both kept. Milestones carry progress
 * photos (painted at seed time, demo-photos.ts) with dated captions.
 * A resident's question on the lane works is answered. Dates follow today; ids come from names, so
 * seeding twice changes nothing; a refusal skips the rest (demo data never stops a start).
 */
const VILLAGE = "450802001003";
const TOWNSHIP = "450802001";
const meta = { requestId: "seed-demo", ip: null, userAgent: "wangge seed demo" };

function demoId(key: string): string {
  const h = createHash("sha256").update(`wangge-demo-project:${key}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

interface DemoMilestone {
  title: string;
  /** Planned, days from today. */
  plannedIn: number;
  /** Done this many days from today (negative: in the past), or still open. */
  doneIn?: number;
  status: MilestoneState;
  /** Progress photos of this milestone: the scene painted (demo-photos.ts), taken this many days from today. */
  photos?: { scene: DemoScene; takenIn: number; caption: string }[];
}

interface DemoProject {
  key: string;
  by: "village" | "township";
  areaCode: string;
  title: string;
  body: string;
  budgetFen: number;
  fundingSource: string;
  contractor: string;
  startIn: number;
  endIn: number;
  milestones: DemoMilestone[];
}

const PROJECTS: DemoProject[] = [
  {
    key: "xijie-lanes",
    by: "village",
    areaCode: VILLAGE,
    title: "县东社区西街巷道路面硬化",
    body: "对西街 3 条背街巷道进行水泥混凝土路面硬化，总长 1.26 公里，路面宽 3.5—4.5 米，同步修建排水边沟 860 米。施工期间分段封闭，居民可从东侧巷口绕行。",
    budgetFen: 38_642_050,
    fundingSource: "港北区城市基础设施配套资金",
    contractor: "贵港市港北区鑫桂建筑工程有限公司",
    startIn: -45,
    endIn: 40,
    milestones: [
      {
        title: "旧路面破除及路基清理",
        plannedIn: -30,
        doneIn: -28,
        status: "done",
        photos: [{ scene: "lanes-breaking", takenIn: -33, caption: "西街北巷旧水泥路面破除，挖机清运碎渣" }],
      },
      {
        title: "排水边沟砌筑",
        plannedIn: -10,
        doneIn: -12,
        status: "done",
        photos: [{ scene: "lanes-ditch", takenIn: -13, caption: "西街北巷东侧排水边沟砌筑完成，待验槽" }],
      },
      {
        title: "水泥混凝土路面浇筑",
        plannedIn: 15,
        status: "in_progress",
        photos: [{ scene: "lanes-pouring", takenIn: -2, caption: "北巷第一段 C30 混凝土路面浇筑，已完成约 180 米" }],
      },
      { title: "养护及交工验收", plannedIn: 40, status: "planned" },
    ],
  },
  {
    key: "solar-lamps",
    by: "village",
    areaCode: VILLAGE,
    title: "县东社区太阳能路灯安装",
    body: "在西街、民主巷及社区文化广场安装 6 米太阳能路灯 42 盏，解决夜间出行照明不足问题。",
    budgetFen: 16_800_000,
    fundingSource: "村级公益事业建设一事一议财政奖补资金",
    contractor: "广西贵港市明辉照明工程有限公司",
    startIn: -120,
    endIn: -60,
    milestones: [
      {
        title: "灯位勘测及基础浇筑",
        plannedIn: -100,
        doneIn: -98,
        status: "done",
        photos: [{ scene: "lamps-footings", takenIn: -99, caption: "民主巷灯杆基础浇筑，预埋地脚螺栓" }],
      },
      {
        title: "灯杆及光伏板安装",
        plannedIn: -75,
        doneIn: -70,
        status: "done",
        photos: [{ scene: "lamps-poles", takenIn: -71, caption: "西街段 6 米灯杆及光伏板安装完毕" }],
      },
      {
        title: "调试及试运行",
        plannedIn: -62,
        doneIn: -61,
        status: "done",
        photos: [{ scene: "lamps-lit", takenIn: -61, caption: "傍晚试亮灯，西街段路灯全部正常点亮" }],
      },
    ],
  },
  {
    key: "water-consolidation",
    by: "township",
    areaCode: TOWNSHIP,
    title: "贵城街道城郊片区农村饮水安全巩固提升工程",
    body: "改造城郊片区供水管网 14.8 公里，新建 200 立方米高位水池 1 座，配套消毒设备，惠及 1,860 户 7,420 人。",
    budgetFen: 125_000_000,
    fundingSource: "中央水利发展资金（农村饮水安全巩固提升）及区级配套",
    contractor: "广西港建水利水电工程有限公司",
    startIn: -60,
    endIn: 120,
    milestones: [
      {
        title: "管材进场及检验",
        plannedIn: -40,
        doneIn: -38,
        status: "done",
        photos: [{ scene: "water-pipes", takenIn: -39, caption: "PE 给水管材进场，监理现场抽检" }],
      },
      {
        title: "主管网铺设",
        plannedIn: 30,
        status: "in_progress",
        photos: [{ scene: "water-trench", takenIn: -4, caption: "六塘屯段主管沟槽开挖及管道铺设" }],
      },
      { title: "高位水池建设", plannedIn: 75, status: "planned" },
      { title: "水质检测及通水", plannedIn: 110, status: "planned" },
    ],
  },
];

export const projectsDemoPart: SeedPart = {
  name: "projects",
  async run({ ctx }) {
    const village = await principalOfUsername(ctx.db, "demo.village");
    const township = await principalOfUsername(ctx.db, "demo.township");
    const resident = await principalOfUsername(ctx.db, "demo.resident");
    if (!village || !township || !resident) return { summary: "no demo accounts: skipped" };
    const day = (days: number) => chinaDate(ctx.now(), days);
    let created = 0;
    try {
      for (const p of PROJECTS) {
        const actor = p.by === "village" ? village : township;
        const id = demoId(p.key);
        const content = {
          title: p.title,
          body: p.body,
          budgetFen: p.budgetFen,
          fundingSource: p.fundingSource,
          contractor: p.contractor,
          startOn: day(p.startIn),
          plannedEndOn: day(p.endIn),
        };
        const r = await createProject(ctx, actor, meta, { id, areaCode: p.areaCode, ...content });
        if (!r.created) continue; // seeded before: its history stays as it was
        created++;
        for (const [i, m] of p.milestones.entries())
          await addMilestone(ctx, actor, meta, id, {
            id: demoId(`${p.key}:m${i}`),
            title: m.title,
            plannedOn: day(m.plannedIn),
            note: "",
          });
        await publishProject(ctx, actor, meta, id);
        for (const [i, m] of p.milestones.entries())
          if (m.status !== "planned")
            await updateMilestone(ctx, actor, meta, id, demoId(`${p.key}:m${i}`), {
              title: m.title,
              plannedOn: day(m.plannedIn),
              actualOn: m.doneIn !== undefined ? day(m.doneIn) : null,
              status: m.status,
              note: "",
            });
        // Progress photos, through the same path as an official's upload (location data removed).
        for (const [i, m] of p.milestones.entries())
          for (const [j, photo] of (m.photos ?? []).entries())
            await addProjectFile(ctx, actor, meta, {
              projectId: id,
              fileId: demoId(`${p.key}:m${i}:photo${j}`),
              fileName: `IMG_${day(photo.takenIn).replaceAll("-", "")}_${String(93_512 + i * 1_107 + j * 211).padStart(6, "0")}.jpg`,
              purpose: "photo",
              milestoneId: demoId(`${p.key}:m${i}`),
              caption: `${day(photo.takenIn)} ${photo.caption}`,
              data: paintDemoPhoto(photo.scene),
            });
      }
      const water = demoId("water-consolidation");
      const corrected = (await managedProject(ctx, township, water)).version;
      if (corrected === 1)
        await updateProject(ctx, township, meta, water, {
          ...(await contentOf(ctx, township, water)),
          budgetFen: 131_860_000,
          reason: "经区水利局审核，增加六塘屯支管 1.2 公里，预算相应调增 68.6 万元（经街道党工委会议研究通过）",
        });
      // The lamps failed their first acceptance and passed after rectification: both stay on record.
      const lamps = demoId("solar-lamps");
      const signatories = [
        { role: "owner", unit: "县东社区居民委员会" },
        { role: "contractor", unit: "广西贵港市明辉照明工程有限公司" },
        { role: "authority", unit: "港北区住房和城乡建设局" },
        { role: "oversight_committee", unit: "县东社区居务监督委员会" },
      ] as const;
      const ours = [demoId("solar-lamps:acceptance1"), demoId("solar-lamps:acceptance2")];
      const had = (await managedProject(ctx, village, lamps)).acceptances;
      // Seeded before acceptances were kept as a history: that one stays as it was.
      if (had.every((a) => ours.includes(a.id))) {
        await recordAcceptance(ctx, village, meta, lamps, {
          id: demoId("solar-lamps:acceptance1"),
          acceptedOn: day(-59),
          acceptedBy: "贵城街道办事处、港北区住房和城乡建设局联合验收组",
          result: "failed",
          note: "夜间抽查 42 盏中 3 盏亮灯时间不足 6 小时，民主巷 2 根灯杆垂直度偏差超过设计允许值，暂不同意交付使用。",
          rectifications: [
            "更换民主巷 3 盏路灯的蓄电池并重新调试控制器，连续 3 晚亮灯不少于 8 小时",
            "校正民主巷 2 根灯杆垂直度，偏差不大于 0.5%",
          ],
          signatories: [...signatories],
          documentFileId: null,
        });
        await recordAcceptance(ctx, village, meta, lamps, {
          id: demoId("solar-lamps:acceptance2"),
          acceptedOn: day(-55),
          acceptedBy: "贵城街道办事处、港北区住房和城乡建设局联合验收组",
          result: "passed",
          note: "整改事项已完成复查，42 盏路灯全部正常亮灯，灯杆垂直度、基础尺寸符合设计要求，同意交付使用。",
          rectifications: [],
          signatories: [...signatories],
          documentFileId: null,
        });
      }
      const question = demoId("comment:lanes-access");
      await lodgeComment(ctx, resident, meta, {
        id: question,
        projectId: demoId("xijie-lanes"),
        kind: "question",
        text: "浇筑路面那几天，家里有老人要去医院，车能开进来吗？",
        anonymous: true,
      });
      await replyToComment(
        ctx,
        village,
        meta,
        question,
        "施工分段进行，每段封闭约 7 天；有急事可打社区电话，我们安排人员协助从东侧巷口进出，120 急救车辆随时放行。",
      ).catch((e: unknown) => {
        if (!(e instanceof DomainError && e.code === "COMMENT_ALREADY_ANSWERED")) throw e;
      });
    } catch (e) {
      if (e instanceof DomainError) return { summary: `${created} projects (stopped: ${e.code})` };
      throw e;
    }
    return { summary: `${created} livelihood projects of ${VILLAGE} and ${TOWNSHIP}` };
  },
};

async function contentOf(
  ctx: Parameters<typeof managedProject>[0],
  actor: Parameters<typeof managedProject>[1],
  id: string,
) {
  const p = await managedProject(ctx, actor, id);
  return {
    title: p.title,
    body: p.body,
    budgetFen: p.budgetFen,
    fundingSource: p.fundingSource,
    contractor: p.contractor,
    startOn: p.startOn,
    plannedEndOn: p.plannedEndOn,
  };
}
