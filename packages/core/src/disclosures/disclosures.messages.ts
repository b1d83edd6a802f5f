import type { MessageCatalogue } from "../platform/messages.ts";

/** What the server says about a field of a disclosure, a finance table or a comment, in both languages. */
export const DISCLOSURE_FIELD_MESSAGES: MessageCatalogue = {
  DISCLOSURE_FIELD_PERIOD_START: {
    "zh-CN": "月度从 1 日开始，季度从 1、4、7、10 月 1 日开始，年度从 1 月 1 日开始",
    en: "a month starts on the 1st, a quarter on 1 January, April, July or October, a year on 1 January",
  },
  DISCLOSURE_FIELD_VILLAGE_ONLY: {
    "zh-CN": "四务公开按村（社区）发布",
    en: "disclosures are published by a village or community",
  },
  DISCLOSURE_FIELD_FINANCE_ONLY: {
    "zh-CN": "只有财务公开才有收支明细",
    en: "only a finance disclosure has line items",
  },
  DISCLOSURE_FIELD_FINANCE_LINES: { "zh-CN": "财务公开须有收支明细", en: "a finance disclosure needs its line items" },
  DISCLOSURE_FIELD_TOTAL_MISMATCH: {
    "zh-CN": "明细合计 {sum} 元，与填报的合计 {declared} 元不符",
    en: "the lines add up to {sum} yuan, not the {declared} yuan declared",
  },
  DISCLOSURE_FIELD_AMOUNT: {
    "zh-CN": "应为大于 0 的金额（元），最多两位小数",
    en: "an amount in yuan above 0, with at most two decimals",
  },
  DISCLOSURE_FIELD_DIRECTION: { "zh-CN": "应为“收入”或“支出”", en: "must be “收入” (income) or “支出” (expense)" },
  DISCLOSURE_FIELD_REQUIRED: { "zh-CN": "必填", en: "required" },
  DISCLOSURE_FIELD_DATE: { "zh-CN": "应为日期，如 2026-11-05", en: "a date such as 2026-11-05" },
  DISCLOSURE_FIELD_TOTAL_MISSING: {
    "zh-CN": "缺少“{row}”行",
    en: "the “{row}” row is missing",
  },
  DISCLOSURE_FIELD_TEXT: { "zh-CN": "含有无法保存的字符", en: "holds characters that cannot be stored" },
  DISCLOSURE_FIELD_TOO_LONG: { "zh-CN": "最多 {max} 个字", en: "at most {max} characters" },
  DISCLOSURE_FIELD_TOO_MANY_LINES: { "zh-CN": "最多 {max} 行明细", en: "at most {max} line items" },
  DISCLOSURE_FIELD_FIXED: { "zh-CN": "发布后不能更改", en: "cannot change once published" },
  DISCLOSURE_FIELD_FILE_EMPTY: { "zh-CN": "文件为空", en: "the file is empty" },
  DISCLOSURE_FIELD_FILE_TOO_LARGE: { "zh-CN": "文件不能超过 {mib} MB", en: "at most {mib} MB" },
  DISCLOSURE_FIELD_FILE_TYPE: { "zh-CN": "应为 PDF、JPEG、PNG 或 WebP 文件", en: "a PDF, JPEG, PNG or WebP file" },
  DISCLOSURE_FIELD_REVIEW_NOTE: { "zh-CN": "退回时请说明原因", en: "say why it is sent back" },
  DISCLOSURE_FIELD_CURSOR: { "zh-CN": "不是本列表给出的翻页标记", en: "not a cursor this list gave" },
  COMMENT_FIELD_SIGNATURE: {
    "zh-CN": "不匿名时请填写署名",
    en: "give the name to sign with, or stay anonymous",
  },
  COMMENT_FIELD_SUBJECT: { "zh-CN": "没有这条已公开的内容", en: "no such published item" },
  COMMENT_FIELD_QUESTION_ONLY: {
    "zh-CN": "只有公示期内的公开事项可以提出异议，这里请提问",
    en: "objections are lodged on disclosures in their publicity period; ask a question here",
  },
};
