import type { CarryOverReason, EventState, Figure, FigureRates, ReportKind } from "@wangge/core";

/**
 * The words of a report file (PDF, XLSX): official documents in Chinese, as the console's zh-CN
 * texts say them (packages/web/src/i18n/locales/zh-CN.json, namespaces figures, reports, visits,
 * events, risk) — report-labels.test.ts holds each table to the zh-CN text it mirrors, so the page
 * and its files never name one thing two ways (the glossary's terms: 日尽结, 村（社区）).
 */
export const KIND_TITLES: Record<ReportKind, string> = {
  daily: "日报（日尽结）",
  weekly: "周分析",
  monthly: "月研判",
};

export const FIGURE_LABELS: Record<Figure, string> = {
  reported: "上报",
  accepted: "受理",
  settled: "办结",
  settledGrid: "网格内办结",
  settledVillage: "村（社区）办结",
  settledAbove: "上级办结",
  settledOnTime: "按时办结",
  settledLate: "超时办结",
  escalated: "上报上级",
  overdue: "超期",
  returned: "退回",
  reopened: "重新打开",
  satisfied: "满意",
  basicallySatisfied: "基本满意",
  unsatisfied: "不满意",
  disputesSimple: "简易纠纷",
  disputesGeneral: "一般纠纷",
  disputesMajor: "重大疑难纠纷",
  agreements: "调解协议",
  visits: "走访",
  visitsMet: "走访见面",
  closeOuts: "日尽结",
  gridsClosed: "日尽结网格",
};

export const RATE_LABELS: Record<keyof FigureRates, string> = {
  settledInGrid: "网格内化解率",
  settledInCommunity: "村（社区）内化解率",
  onTime: "按时办结率",
  satisfaction: "满意率",
};

export const STATE_LABELS: Record<EventState, string> = {
  reported: "已上报",
  accepted: "已受理",
  assigned: "已派遣",
  in_progress: "处置中",
  resolved: "已办结",
  verified: "已核查",
  closed: "已结案",
  returned: "已退回",
  suspended: "已挂起",
  cancelled: "已撤销",
  merged: "已合并",
};

export const CARRY_OVER_LABELS: Record<CarryOverReason, string> = {
  within_deadline: "仍在办理时限内",
  awaiting_party: "等待当事人",
  awaiting_materials: "等待材料",
  needs_higher_level: "需上级协调",
  weather_or_access: "天气或交通原因",
  other: "其他",
};

export const ALERT_KIND_LABELS: Record<string, string> = {
  repeated_disputes: "重复纠纷",
  category_surge: "类别激增",
  major_dispute: "重大疑难纠纷",
  care_overdue: "关爱对象超期未走访",
  sensitive_dates: "敏感节点",
};

/** Kinds of hotspot rows (zh-CN reports.hotspot). */
export const HOTSPOT_KIND_LABELS = { area: "网格", address: "地址" } as const;

export const ALERT_STATE_LABELS: Record<string, string> = { open: "待签收", acknowledged: "已签收", closed: "已关闭" };

export const label = <K extends string>(table: Record<K, string>, key: string): string =>
  (table[key as K] as string | undefined) ?? key;

export const rate = (v: number | null) => (v === null ? "—" : `${v}%`);
