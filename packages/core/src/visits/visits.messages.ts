import type { MessageCatalogue } from "../platform/messages.ts";

/** What the server says about a field of a visit, a visit plan or a close-out, in both languages (platform/messages.ts). */
export const VISIT_FIELD_MESSAGES: MessageCatalogue = {
  VISIT_FIELD_CLOSE_OUT_DAY: { "zh-CN": "应为 {from} 至 {to} 之间的日期", en: "from {from} to {to}" },
  VISIT_FIELD_COVERAGE_PERIOD: {
    "zh-CN": "统计期应从某日至其后一日，最长 {days} 天，且不晚于今天",
    en: "a period from a day to a later one, at most {days} days, not after today",
  },
  VISIT_FIELD_EVERY_DAYS: { "zh-CN": "请填写两次走访之间相隔的天数", en: "give the days between visits" },
  VISIT_FIELD_UNKNOWN_HOUSEHOLD: { "zh-CN": "未知的户", en: "unknown household" },
  VISIT_FIELD_NOT_MEMBER: { "zh-CN": "不是该户的成员", en: "not a member of this household" },
  VISIT_FIELD_FOLLOW_UP_EVENT: {
    "zh-CN": "回访须注明所回访的事件",
    en: "a follow-up visit names the event it follows up",
  },
  VISIT_FIELD_EVENT_ONLY_FOLLOW_UP: { "zh-CN": "只有回访才注明事件", en: "only a follow-up visit names an event" },
  VISIT_FIELD_NOT_ON_CHECKLIST: { "zh-CN": "不在本次走访的检查清单上", en: "not on this visit's checklist" },
  VISIT_FIELD_ANSWERED_TWICE: { "zh-CN": "重复作答", en: "answered twice" },
  VISIT_FIELD_GIVEN_TWICE: { "zh-CN": "重复给出", en: "given twice" },
  VISIT_FIELD_HOUSEHOLD_OR_PERSON: {
    "zh-CN": "请给出 householdId、personId、areaCode 或起始日期",
    en: "give householdId, personId, areaCode or a first day",
  },
  VISIT_FIELD_LIST_PERIOD: {
    "zh-CN": "起始日期不能晚于截止日期，且最长 {days} 天",
    en: "the first day comes before the last, at most {days} days",
  },
  VISIT_FIELD_NOT_OPEN_EVENT: {
    "zh-CN": "不是本次日结中仍未办结的事件",
    en: "not an event still open in this close-out",
  },
  VISIT_FIELD_SAY_WHY: { "zh-CN": "请用几个字说明原因", en: "say why in a few words" },
  VISIT_FIELD_EVENT_STILL_OPEN: {
    "zh-CN": "事件 {event} 仍未办结：请选择结转原因",
    en: "event {event} is still open: give a reason",
  },
};
