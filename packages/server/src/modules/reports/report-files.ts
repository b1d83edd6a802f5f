import {
  FIGURES,
  GRID_NAME_SEPARATOR,
  HOTSPOT_POINT_COLOUR,
  hotspotClasses,
  hotspotColour,
  missingCloseOutsByVillage,
  type PolygonalGeometry,
  periodText,
  REPORT_OVERVIEW_FIGURES,
  type ReportView,
  type WeeklyContent,
} from "@wangge/core";
import ExcelJS from "exceljs";
import { PdfWriter } from "../../pdf/pdf-writer.ts";
import { addXlsxRow, xlsxText } from "../../xlsx-cells.ts";
import {
  ALERT_KIND_LABELS,
  ALERT_STATE_LABELS,
  CARRY_OVER_LABELS,
  FIGURE_LABELS,
  HOTSPOT_KIND_LABELS,
  KIND_TITLES,
  label,
  RATE_LABELS,
  rate,
  STATE_LABELS,
} from "./report-labels.ts";

/**
 * A report as a document: the same sections become the PDF's headed tables and vector charts and the
 * XLSX's sheets (one per section), so the two files always say the same. Numbers are the report's
 * archived numbers; nothing is recomputed here.
 */
/**
 * A cell: text, a count, or a number the XLSX keeps as a number in a number format — a rate in per
 * cent (null: nothing fell due, "—") or a change against the period before, with its sign.
 */
export type SectionCell = string | number | { percent: number | null } | { change: number };

const cellText = (c: SectionCell): string =>
  typeof c === "string" || typeof c === "number"
    ? String(c)
    : "percent" in c
      ? rate(c.percent)
      : c.change > 0
        ? `+${c.change}`
        : String(c.change);

export interface Section {
  title: string;
  note?: string;
  headers: string[];
  rows: SectionCell[][];
  weights?: number[];
  /** The column whose text (a list of names) wraps onto more lines instead of being cut. */
  wrap?: number;
  chart?:
    | { kind: "bars"; items: { label: string; value: number }[] }
    | { kind: "lines"; labels: string[]; series: { name: string; values: number[]; color: string }[] }
    | ({ kind: "map" } & MapDrawing);
}

interface MapDrawing {
  shapes: {
    geometry: PolygonalGeometry;
    strong?: boolean;
    fill?: string;
    label?: string;
    labelAt?: [number, number];
  }[];
  points: { lng: number; lat: number; label: string; color: string }[];
  legend: { color: string; label: string; point?: boolean }[];
}

/**
 * The hotspots on the report's map: the area's grids outlined (the divisions above them stronger),
 * hotspot areas shaded by their count's class and labelled "name count", repeated addresses whose
 * matters had positions as points. Nothing when the report was written before it kept a map.
 */
function hotspotDrawing(c: WeeklyContent): MapDrawing | undefined {
  const map = c.hotspots.map;
  if (!map || map.features.features.length === 0) return undefined;
  const classes = hotspotClasses(c.hotspots.grids.map((g) => g.count));
  const counts = new Map(c.hotspots.grids.map((g) => [g.code, g.count]));
  const hasGrids = map.features.features.some((f) => f.properties.level === "grid");
  const shapes = map.features.features.map((f) => {
    const count = counts.get(f.properties.code);
    return {
      geometry: f.geometry as PolygonalGeometry,
      strong: hasGrids && f.properties.level !== "grid" && f.properties.level !== "microgrid",
      ...(count === undefined
        ? {}
        : {
            fill: hotspotColour(count, classes) ?? "#e34a33",
            label: `${f.properties.name} ${count}件`,
            labelAt: [f.properties.labelLng, f.properties.labelLat] as [number, number],
          }),
    };
  });
  const points = c.hotspots.addresses.flatMap((a) =>
    typeof a.lng === "number" && typeof a.lat === "number"
      ? [{ lng: a.lng, lat: a.lat, label: `${a.address} ${a.count}件`, color: HOTSPOT_POINT_COLOUR }]
      : [],
  );
  const legend = [
    ...classes.map((k) => ({ color: k.colour, label: k.from === k.to ? `${k.from} 件` : `${k.from}～${k.to} 件` })),
    ...(points.length > 0 ? [{ color: HOTSPOT_POINT_COLOUR, label: "重复发生的地址", point: true }] : []),
  ];
  return { shapes, points, legend };
}

/** A share in per cent, to one decimal ("—" when nothing fell due). */
const share = (part: number, whole: number) => (whole === 0 ? "—" : `${Math.round((part / whole) * 1000) / 10}%`);

const VISITS_NOTE =
  "应走访：关爱、服务对象和农户按各自走访周期在本期到期的次数（到期后宽限期已过或已走访的）；按时走访：宽限期内见到人的次数。";

const cn = (iso: string) =>
  new Date(new Date(iso).getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");

function overview(r: ReportView): Section {
  const f = r.content.figures;
  return {
    title: "一、总体情况",
    note: `本期 ${periodText(r, " 至 ")}，上期 ${periodText(f.previous, " 至 ")}。`,
    headers: ["指标", "本期", "上期", "增减"],
    weights: [3, 1, 1, 1],
    rows: [
      ...REPORT_OVERVIEW_FIGURES.map((k) => [
        FIGURE_LABELS[k],
        f.counts[k],
        f.previous.counts[k],
        { change: f.counts[k] - f.previous.counts[k] },
      ]),
      ...(Object.keys(RATE_LABELS) as (keyof typeof RATE_LABELS)[]).map((k) => [
        RATE_LABELS[k],
        { percent: f.rates[k] },
        { percent: f.previous.rates[k] },
        "",
      ]),
    ],
  };
}

export function sectionsOf(r: ReportView, categoryName: (key: string) => string): Section[] {
  const c = r.content;
  const sections: Section[] = [overview(r)];
  if (c.kind === "daily") {
    const names = new Map([
      ...c.areas.map((a) => [a.code, a.name] as const),
      ...c.closeOuts.flatMap((d) => d.grids.map((g) => [g.areaCode, g.name] as const)),
    ]);
    const areaName = (code: string) => names.get(code) ?? code;
    sections.push({
      title: "二、各区域情况",
      headers: [
        "区域",
        ...(["reported", "accepted", "settled", "escalated", "overdue", "closeOuts"] as const).map(
          (k) => FIGURE_LABELS[k],
        ),
      ],
      weights: [3, 1, 1, 1, 1.2, 1, 1],
      rows: c.areas.map((a) => [
        a.name,
        a.counts.reported,
        a.counts.accepted,
        a.counts.settled,
        a.counts.escalated,
        a.counts.overdue,
        a.counts.closeOuts,
      ]),
      chart: { kind: "bars", items: c.areas.map((a) => ({ label: a.name, value: a.counts.reported })) },
    });
    sections.push({
      title: "三、本期上报事项",
      note:
        c.matters.length < c.mattersTotal
          ? `共 ${c.mattersTotal} 件，列出前 ${c.matters.length} 件。`
          : `共 ${c.mattersTotal} 件，逐件列出。`,
      headers: ["编号", "类别", "标题", "状态", "区域", "上报时间"],
      weights: [3.2, 1.6, 3, 1, 1.6, 2],
      rows: c.matters.map((m) => [
        m.number,
        categoryName(m.categoryKey),
        m.title,
        label(STATE_LABELS, m.state),
        areaName(m.areaCode),
        cn(m.reportedAt),
      ]),
    });
    // Counts first, then only the grids that did not close out, by village or community.
    sections.push({
      title: "四、日尽结情况",
      note: c.closeOuts
        .map((d) =>
          d.missing === 0
            ? `${d.day}：${d.done} 个网格全部完成日尽结`
            : `${d.day}：已完成日尽结 ${d.done} 个网格，未完成 ${d.missing} 个网格`,
        )
        .join("；"),
      headers: ["日期", "村（社区）", "网格数", "未完成", "未完成日尽结的网格"],
      weights: [1.3, 2, 0.9, 0.9, 5],
      wrap: 4,
      rows: c.closeOuts.flatMap((d) =>
        missingCloseOutsByVillage(d, r.area).map((g) => [
          d.day,
          g.name,
          g.grids,
          g.missing.length,
          g.missing.join(GRID_NAME_SEPARATOR),
        ]),
      ),
    });
    sections.push({
      title: "五、结转事项及原因",
      headers: ["日期", "网格", "事项编号", "结转原因"],
      weights: [1.5, 2.5, 3, 2],
      rows: c.carriedOver.map((x) => [x.day, areaName(x.areaCode), x.number, label(CARRY_OVER_LABELS, x.reason)]),
    });
  } else if (c.kind === "weekly") {
    sections.push({
      title: "二、趋势（与前几周比较）",
      headers: ["周", "上报", "办结", "按时办结率", "满意率"],
      weights: [2.6, 1, 1, 1.2, 1.2],
      rows: c.weeks.map((w) => [
        `${w.from}～${w.to.slice(5)}`,
        w.counts.reported,
        w.counts.settled,
        { percent: w.rates.onTime },
        { percent: w.rates.satisfaction },
      ]),
      chart: {
        kind: "lines",
        labels: c.weeks.map((w) => w.from.slice(5)),
        series: [
          { name: "上报", values: c.weeks.map((w) => w.counts.reported), color: "#3b6fb6" },
          { name: "办结", values: c.weeks.map((w) => w.counts.settled), color: "#2e9d6a" },
        ],
      },
    });
    sections.push({
      title: "三、类别变化",
      note: "本周件数不少于 3 件且超过前 8 周周均的 1.5 倍，记为上升。",
      headers: ["类别", "本周", "前8周周均", "上升"],
      weights: [3, 1, 1, 1],
      rows: c.categories.map((x) => [categoryName(x.key), x.count, x.baselineMean, x.rising ? "上升" : ""]),
      chart: {
        kind: "bars",
        items: c.categories.slice(0, 12).map((x) => ({ label: categoryName(x.key), value: x.count })),
      },
    });
    const drawing = hotspotDrawing(c);
    sections.push({
      title: "四、热点（事项重复发生的网格和地址）",
      ...(drawing
        ? {
            note: `地图中着色区域为本周事项重复发生的网格（颜色越深件数越多），圆点为重复发生的地址${
              c.hotspots.map?.truncated ? "；区域过多，未画出最下层的全部边界" : ""
            }。`,
            chart: { kind: "map" as const, ...drawing },
          }
        : {}),
      headers: ["类型", "网格或地址", "本周件数"],
      weights: [1, 4, 1],
      rows: [
        ...c.hotspots.grids.map((g) => [HOTSPOT_KIND_LABELS.area, g.name, g.count]),
        ...c.hotspots.addresses.map((a) => [HOTSPOT_KIND_LABELS.address, a.address, a.count]),
      ],
    });
    sections.push({
      title: "五、办理缓慢",
      note: `本周超期 ${c.slow.overdue} 件，超时办结 ${c.slow.settledLate} 件，按时办结率 ${rate(c.slow.onTime)}。`,
      headers: ["编号", "类别", "标题", "状态", "期限"],
      weights: [3.2, 1.6, 3, 1, 2],
      rows: c.slow.openOverdue.map((m) => [
        m.number,
        categoryName(m.categoryKey),
        m.title,
        label(STATE_LABELS, m.state),
        m.dueAt ? cn(m.dueAt) : "—",
      ]),
    });
    const f = c.figures;
    if (c.visitsDue) {
      const v = c.visitsDue;
      sections.push({
        title: "六、入户走访（应访与已访）",
        note: VISITS_NOTE,
        headers: ["指标", "本周"],
        weights: [3, 1],
        rows: [
          ["应走访", v.fellDue],
          ["按时走访", v.doneOnTime],
          ["迟访或逾期未访", v.fellDue - v.doneOnTime],
          ["按时走访率", share(v.doneOnTime, v.fellDue)],
          [FIGURE_LABELS.visits, f.counts.visits],
          [FIGURE_LABELS.visitsMet, f.counts.visitsMet],
        ],
      });
    }
    sections.push({
      title: c.visitsDue ? "七、群众满意度" : "六、群众满意度",
      headers: ["评价", "本周", "上周"],
      weights: [3, 1, 1],
      rows: [
        ...(["satisfied", "basicallySatisfied", "unsatisfied"] as const).map((k) => [
          FIGURE_LABELS[k],
          f.counts[k],
          f.previous.counts[k],
        ]),
        [RATE_LABELS.satisfaction, { percent: f.rates.satisfaction }, { percent: f.previous.rates.satisfaction }],
      ],
    });
  } else {
    sections.push({
      title: "二、各区域成效比较",
      note: "按结果比较各区域（就地化解、按时办结、群众满意），不对个人按工作量排名。括号内为上月。",
      headers: [
        "区域",
        FIGURE_LABELS.reported,
        FIGURE_LABELS.settled,
        RATE_LABELS.settledInGrid,
        RATE_LABELS.settledInCommunity,
        RATE_LABELS.onTime,
        RATE_LABELS.satisfaction,
      ],
      weights: [2.4, 0.9, 0.9, 1.6, 1.8, 1.6, 1.5],
      rows: c.areas.map((a) => [
        a.name,
        a.counts.reported,
        a.counts.settled,
        `${rate(a.rates.settledInGrid)}（${rate(a.previous.settledInGrid)}）`,
        `${rate(a.rates.settledInCommunity)}（${rate(a.previous.settledInCommunity)}）`,
        `${rate(a.rates.onTime)}（${rate(a.previous.onTime)}）`,
        `${rate(a.rates.satisfaction)}（${rate(a.previous.satisfaction)}）`,
      ]),
      chart: {
        kind: "bars",
        items: c.areas.map((a) => ({
          label: `${a.name} ${RATE_LABELS.settledInCommunity}%`,
          value: a.rates.settledInCommunity ?? 0,
        })),
      },
    });
    const v = c.visitsDue;
    if (v)
      sections.push({
        title: "三、入户走访（各区域应访与按时走访）",
        note: VISITS_NOTE,
        headers: ["区域", "应走访", "按时走访", "迟访或逾期未访", "按时走访率"],
        weights: [2.6, 1, 1, 1.4, 1.2],
        rows: [
          ...v.areas.map((a) => [
            a.name,
            a.fellDue,
            a.doneOnTime,
            a.fellDue - a.doneOnTime,
            share(a.doneOnTime, a.fellDue),
          ]),
          [`合计（${r.area.name}）`, v.fellDue, v.doneOnTime, v.fellDue - v.doneOnTime, share(v.doneOnTime, v.fellDue)],
        ],
      });
    sections.push({
      title: v ? "四、风险研判（本月风险预警）" : "三、风险研判（本月风险预警）",
      note:
        c.alerts.length === 0
          ? "本月未产生风险预警。"
          : c.alerts.map((a) => `${a.name} ${a.total} 条（未关闭 ${a.open} 条）`).join("；"),
      headers: ["区域", "类型", "预警", "状态", "时间"],
      weights: [1.6, 1.6, 4, 1, 1.8],
      rows: c.alerts.flatMap((s) =>
        s.items.map((a) => [
          s.name,
          label(ALERT_KIND_LABELS, a.kind),
          a.title,
          label(ALERT_STATE_LABELS, a.state),
          cn(a.raisedAt),
        ]),
      ),
    });
    sections.push({
      title: v ? "五、研判意见和措施" : "四、研判意见和措施",
      note: r.judgement
        ? `第 ${r.judgement.version} 版，${r.judgement.writtenBy} 于 ${cn(r.judgement.writtenAt)} 填写。`
        : "尚未填写研判意见。",
      headers: ["研判意见"],
      rows: r.judgement
        ? r.judgement.text
            .split(/\r?\n/)
            .filter((l) => l.trim() !== "")
            .map((l) => [l as string])
        : [],
    });
  }
  return sections;
}

export const titleOf = (r: ReportView) =>
  `${r.area.name}${KIND_TITLES[r.kind]}（${r.from === r.to ? r.from : `${r.from} 至 ${r.to}`}）`;

export async function reportPdf(r: ReportView, sections: Section[]): Promise<Buffer> {
  const pdf = new PdfWriter({ title: titleOf(r), author: "网格化服务管理平台", subject: KIND_TITLES[r.kind] });
  pdf.text(titleOf(r), { size: 18, weight: 700, align: "center", gapAfter: 0.3 });
  pdf.text(`系统于 ${cn(r.generatedAt)} 根据统计数据生成`, { size: 9, align: "center", gapAfter: 0.8 });
  for (const s of sections) {
    // A heading goes to the next page with its note and the start of what follows, never alone.
    const start =
      s.chart?.kind === "bars" && s.chart.items.length > 0
        ? pdf.startHeight({ kind: "bars" })
        : s.chart?.kind === "lines"
          ? pdf.startHeight({ kind: "lines" })
          : s.chart?.kind === "map"
            ? pdf.startHeight({ kind: "map", legendItems: s.chart.legend.length })
            : pdf.startHeight({ kind: "table", rows: s.rows.length });
    pdf.keepTogether(
      pdf.textHeight(s.title, { size: 13, weight: 700, gapAfter: 0.3 }) +
        (s.note ? pdf.textHeight(s.note, { size: 9, gapAfter: 0.3 }) : 0) +
        start,
    );
    pdf.text(s.title, { size: 13, weight: 700, gapAfter: 0.3 });
    if (s.note) pdf.text(s.note, { size: 9, gapAfter: 0.3 });
    if (s.chart?.kind === "bars" && s.chart.items.length > 0) pdf.bars(s.chart.items);
    if (s.chart?.kind === "lines") pdf.lines(s.chart.labels, s.chart.series);
    if (s.chart?.kind === "map") pdf.map(s.chart.shapes, s.chart.points, s.chart.legend);
    if (s.headers.length === 1)
      for (const row of s.rows) pdf.text(cellText(row[0] ?? ""), { size: 11, indent: 22, gapAfter: 0.2 });
    else if (s.rows.length > 0)
      pdf.table(
        s.headers,
        s.rows.map((row) => row.map(cellText)),
        s.weights,
        s.wrap === undefined ? {} : { wrap: s.wrap },
      );
    else pdf.text("（无）", { size: 9, gapAfter: 0.5 });
  }
  return pdf.finish();
}

export async function reportXlsx(r: ReportView, sections: Section[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = "网格化服务管理平台";
  book.title = xlsxText(titleOf(r));
  book.created = new Date(r.generatedAt);
  for (const s of sections) {
    // Sheet names: at most 31 characters, none of : \ / ? * [ ].
    const sheet = book.addWorksheet(
      s.title
        .replace(/^[一二三四五六七八九十]+、/, "")
        .replace(/[:\\/?*[\]]/g, " ")
        .slice(0, 31),
    );
    addXlsxRow(sheet, [titleOf(r)]).font = { bold: true, size: 13 };
    addXlsxRow(sheet, [s.title]).font = { bold: true };
    if (s.note) addXlsxRow(sheet, [s.note]);
    addXlsxRow(sheet, []);
    const head = addXlsxRow(sheet, s.headers);
    head.font = { bold: true };
    // Cells through the one XLSX cleaning (xlsx-cells.ts): a judgement or a matter's title is typed text.
    // Rates and changes stay numbers, shown by a number format (0.0%, +0;-0;0), so they sum and sort.
    for (const row of s.rows) {
      const line = addXlsxRow(
        sheet,
        row.map((c) =>
          typeof c === "string" || typeof c === "number"
            ? c
            : "percent" in c
              ? c.percent === null
                ? "—"
                : c.percent / 100
              : c.change,
        ),
      );
      row.forEach((c, i) => {
        if (typeof c === "object" && !("percent" in c && c.percent === null))
          line.getCell(i + 1).numFmt = "percent" in c ? "0.0%" : "+0;-0;0";
      });
      if (s.wrap !== undefined) line.getCell(s.wrap + 1).alignment = { wrapText: true, vertical: "top" };
    }
    sheet.columns.forEach((col, i) => {
      col.width = Math.max(10, Math.min(60, ((s.weights?.[i] ?? 1) / 1) * 12));
    });
  }
  // All figures in one sheet besides, one column per figure, for those who pivot them further.
  const all = book.addWorksheet("全部指标");
  addXlsxRow(all, ["区域", "时段", ...FIGURES.map((f) => FIGURE_LABELS[f])]).font = { bold: true };
  addXlsxRow(all, [r.area.name, `${r.from}～${r.to}`, ...FIGURES.map((f) => r.content.figures.counts[f])]);
  if (r.content.kind !== "weekly")
    for (const a of r.content.areas)
      addXlsxRow(all, [a.name, `${r.from}～${r.to}`, ...FIGURES.map((f) => a.counts[f])]);
  return Buffer.from(await book.xlsx.writeBuffer());
}
