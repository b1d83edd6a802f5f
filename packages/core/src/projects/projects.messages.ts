import type { MessageCatalogue } from "../platform/messages.ts";

/** What the server says about a field of a livelihood project, in both languages. */
export const PROJECT_FIELD_MESSAGES: MessageCatalogue = {
  PROJECT_FIELD_AREA_LEVEL: {
    "zh-CN": "民生项目按村（社区）或乡镇（街道）发布",
    en: "a project belongs to a village (community) or a township (street)",
  },
  PROJECT_FIELD_REASON: {
    "zh-CN": "项目已公开，更改须说明原因（群众可见）",
    en: "the project is published: say why it changes (residents will see it)",
  },
  PROJECT_FIELD_ACTUAL_DATE: {
    "zh-CN": "已完成的节点须填写实际完成日期",
    en: "a milestone that is done needs the date it was done",
  },
  PROJECT_FIELD_DOCUMENT: {
    "zh-CN": "不是本项目上传的验收文件",
    en: "not an acceptance document uploaded to this project",
  },
  PROJECT_FIELD_END_BEFORE_START: {
    "zh-CN": "计划完工日期不能早于开工日期",
    en: "the planned end cannot be before the start",
  },
  PROJECT_FIELD_RECTIFICATIONS: {
    "zh-CN": "验收不合格须列出整改事项；验收合格不列整改事项",
    en: "a failed acceptance lists what is to be rectified; a passed one lists nothing",
  },
  PROJECT_FIELD_ACCEPTANCE_DATE: {
    "zh-CN": "验收日期不能早于上一次验收",
    en: "an acceptance cannot be dated before the previous one",
  },
  PROJECT_FIELD_ACCEPTANCE_FUTURE: {
    "zh-CN": "验收日期不能晚于今天：验收完成后再登记",
    en: "an acceptance cannot be dated after today: record it once it has taken place",
  },
  PROJECT_FIELD_UNCHANGED: { "zh-CN": "内容没有变化", en: "nothing changed" },
};
