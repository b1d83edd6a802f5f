import type { MessageCatalogue } from "../platform/messages.ts";

/** What the server says about a field of a report request, in both languages (platform/messages.ts). */
export const REPORT_FIELD_MESSAGES: MessageCatalogue = {
  REPORT_FIELD_PERIOD_NOT_OVER: {
    "zh-CN": "该时段到 {to} 才结束，结束后才能生成报告",
    en: "the period ends on {to}; its report can be written once it is over",
  },
  REPORT_FIELD_REST_DAY_NOT_OVER: {
    "zh-CN": "{day} 不是工作日，其情况并入 {from} 至 {to} 的日报，该日报到 {to} 结束后才能生成",
    en: "{day} is not a working day: it is reported in the daily report of {from} to {to}, which can be written once {to} is over",
  },
  REPORT_FIELD_PERIOD_TOO_OLD: {
    "zh-CN": "只能生成 {earliest} 及以后的报告",
    en: "reports can be written for periods from {earliest} on",
  },
};
