import type { MessageCatalogue } from "../platform/messages.ts";

/** What the server says about a field of a report request, in both languages (platform/messages.ts). */
export const REPORT_FIELD_MESSAGES: MessageCatalogue = {
  REPORT_FIELD_PERIOD_NOT_OVER: {
    "zh-CN": "该时段到 {to} 才结束，结束后才能生成报告",
    en: "the period ends on {to}; its report can be written once it is over",
  },
  REPORT_FIELD_PERIOD_TOO_OLD: {
    "zh-CN": "只能生成 {earliest} 及以后的报告",
    en: "reports can be written for periods from {earliest} on",
  },
};
