import type { MessageCatalogue } from "../platform/messages.ts";

/** What the server says about a field of a risk rule, an alert or a playbook, in both languages (platform/messages.ts). */
export const RISK_FIELD_MESSAGES: MessageCatalogue = {
  RISK_FIELD_PARAMS: {
    "zh-CN": "参数不符合该规则类型：{detail}",
    en: "parameters do not fit this kind of rule: {detail}",
  },
  RISK_FIELD_ALERT_LEVEL: {
    "zh-CN": "预警不能发往您无权配置的上级区域",
    en: "alerts cannot go to a level above the areas you configure",
  },
  RISK_FIELD_NOTE_REQUIRED: { "zh-CN": "请写明采取了哪些措施", en: "say what was done" },
  RISK_FIELD_UNKNOWN_AREA: { "zh-CN": "未知的区域，或不在您的管辖范围内", en: "unknown area, or outside your areas" },
  RISK_FIELD_RULE_OR_ID: {
    "zh-CN": "请选择已保存的规则，或给出规则类型、参数和区域",
    en: "give a saved rule, or a kind with its parameters and an area",
  },
  RISK_FIELD_UNKNOWN_PLAYBOOK: { "zh-CN": "没有该预案", en: "no such playbook" },
  RISK_FIELD_PERIOD: {
    "zh-CN": "推演时段应在 {max} 天以内，且开始早于结束",
    en: "the period starts before it ends and spans at most {max} days",
  },
};
