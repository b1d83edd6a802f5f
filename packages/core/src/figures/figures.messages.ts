import type { MessageCatalogue } from "../platform/messages.ts";

/** What the server says about a field of a figures query, in both languages (platform/messages.ts). */
export const FIGURE_FIELD_MESSAGES: MessageCatalogue = {
  FIGURE_FIELD_PERIOD: {
    "zh-CN": "开始日期应不晚于结束日期，且时段不超过 {days} 天",
    en: "the start comes before the end, and a period spans at most {days} days",
  },
  FIGURE_FIELD_PERIOD_NEEDS_FIGURE: {
    "zh-CN": "按时段筛选时请同时给出区域和统计项",
    en: "a period goes with an area and a figure",
  },
};
