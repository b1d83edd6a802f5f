import type { MessageCatalogue } from "../platform/messages.ts";

/** What the server says about a field of a subsidy programme, a payment file's row, or a resident's link (platform/messages.ts). */
export const SUBSIDY_FIELD_MESSAGES: MessageCatalogue = {
  SUBSIDY_FIELD_AMOUNT: {
    "zh-CN": "金额应为以元为单位、最多两位小数的正数",
    en: "an amount in yuan above zero, with at most two decimals",
  },
  SUBSIDY_FIELD_DATE: { "zh-CN": "日期应写作 2026-03-15", en: "a date such as 2026-03-15" },
  SUBSIDY_FIELD_PROGRAM: {
    "zh-CN": "本地没有名为“{name}”的补贴项目",
    en: "no subsidy programme called “{name}” here",
  },
  SUBSIDY_FIELD_NOT_XLSX: {
    "zh-CN": "无法读取：请上传按模板填写的 XLSX 文件",
    en: "cannot be read: upload an XLSX file filled in from the template",
  },
  SUBSIDY_FIELD_NAME: { "zh-CN": "请填写姓名", en: "give the name" },
  SUBSIDY_FIELD_ID_NUMBER: { "zh-CN": "身份证号码：{reason}", en: "ID number: {reason}" },
  SUBSIDY_FIELD_ROW: { "zh-CN": "第 {row} 行：{reason}", en: "row {row}: {reason}" },
  SUBSIDY_FIELD_FLAGS_OPEN: {
    "zh-CN": "还有 {count} 行待核实（更正或说明原因后确认）",
    en: "{count} flagged rows still to correct or confirm with a reason",
  },
  RESIDENT_FIELD_NO_MATCH: {
    "zh-CN": "姓名与身份证号码不符合任何登记记录",
    en: "the name and ID number match no registered record",
  },
};
