import type { MessageCatalogue } from "../platform/messages.ts";

/**
 * What the server says about a field of an event, a dispute, an attachment, a device, a category or
 * the work calendar, in both languages (platform/messages.ts).
 */
export const EVENT_FIELD_MESSAGES: MessageCatalogue = {
  EVENT_FIELD_WHERE: {
    "zh-CN": "请给出事发位置：坐标点（经度、纬度）或所在区域",
    en: "give where it happened: a point (lng, lat) or the area",
  },
  EVENT_FIELD_CONSENT: { "zh-CN": "请说明居民是如何同意的", en: "say how the resident consented" },
  EVENT_FIELD_UNKNOWN_EVENT: { "zh-CN": "未知的事件", en: "unknown event" },
  EVENT_FIELD_NOT_HANDLER: {
    "zh-CN": "不是可以处置此事件的工作人员",
    en: "not a member of staff who may handle this event",
  },
  EVENT_FIELD_PARTIES_FIRST: {
    "zh-CN": "请先添加申请人和被申请人，再制作调解协议",
    en: "add the applicant and the respondent before the agreement",
  },
  EVENT_FIELD_PERFORMANCE: { "zh-CN": "请说明协议的履行情况", en: "say how the agreement is performed" },
  EVENT_FIELD_VISIT_AFTER: {
    "zh-CN": "回访应在纠纷化解之后进行",
    en: "a follow-up visit comes after the dispute is settled",
  },
  EVENT_FIELD_FILE_EMPTY: { "zh-CN": "文件为空", en: "empty file" },
  EVENT_FIELD_FILE_TOO_LARGE: { "zh-CN": "最大 {mib} MiB", en: "at most {mib} MiB" },
  EVENT_FIELD_FILE_TYPE: {
    "zh-CN": "只接受 JPEG、PNG、WebP 照片和 PDF 文件",
    en: "accepted: JPEG, PNG, WebP photos and PDF documents",
  },
  EVENT_FIELD_UNKNOWN_ATTACHMENT: { "zh-CN": "未知的附件", en: "unknown attachment" },
  EVENT_FIELD_NO_PERSON: { "zh-CN": "您的辖区内没有此人", en: "no such person in your areas" },
  EVENT_FIELD_PARTY_NAME: {
    "zh-CN": "当事人需要姓名（或从人口信息中选择）",
    en: "a party needs a name (or a personId)",
  },
  EVENT_FIELD_UNKNOWN_PARTY: { "zh-CN": "未知的当事人", en: "unknown party" },
  EVENT_FIELD_NO_CATEGORY: { "zh-CN": "没有该事件类别", en: "no such category" },
  EVENT_FIELD_UNKNOWN_CATEGORY: { "zh-CN": "未知的事件类别", en: "unknown category" },
  EVENT_FIELD_DEVICE_WHERE: {
    "zh-CN": "请给出设备位置：所在区域或坐标点",
    en: "say where the device is: its area or its point",
  },
  EVENT_FIELD_DEVICE_TAKEN: { "zh-CN": "已有其他设备使用此编号", en: "another device has this id" },
  EVENT_FIELD_JSON: { "zh-CN": "应为 JSON", en: "JSON expected" },
  EVENT_FIELD_NOTE_REQUIRED: { "zh-CN": "此操作必须填写", en: "required for this action" },
  EVENT_FIELD_ASSIGNEE_REQUIRED: { "zh-CN": "派遣时必须选择处置人", en: "required to assign" },
  EVENT_FIELD_DISPATCH_AREA: {
    "zh-CN": "请选择事件所在区域下的网格或村（社区）",
    en: "give a grid or village under the event's area",
  },
  EVENT_FIELD_UNIT_REQUIRED: {
    "zh-CN": "请求部门协办时必须填写部门",
    en: "required to ask a department to co-handle",
  },
  EVENT_FIELD_MERGE_TARGET: { "zh-CN": "应为您能看到的未办结事件", en: "an open event you can see" },
  EVENT_FIELD_NEVER_PUBLIC: { "zh-CN": "此类别的事件从不公开", en: "this category is never shown publicly" },
  EVENT_FIELD_TIME_AHEAD: {
    "zh-CN": "时间晚于现在（请检查手机时钟）",
    en: "the time lies in the future (check the phone's clock)",
  },
  EVENT_FIELD_TIME_OLD: { "zh-CN": "时间早于 {days} 天前", en: "the time is more than {days} days ago" },
  EVENT_FIELD_UNKNOWN_KEY: { "zh-CN": "未知的或已吊销的密钥", en: "unknown or already revoked key" },
  EVENT_ATTRIBUTE_REQUIRED: { "zh-CN": "此类别必须填写", en: "required for this category" },
  EVENT_ATTRIBUTE_NUMBER: { "zh-CN": "应为数字", en: "a number" },
  EVENT_ATTRIBUTE_DATETIME: { "zh-CN": "应为日期和时间（ISO 8601）", en: "a date and time (ISO 8601)" },
  EVENT_ATTRIBUTE_ONE_OF: { "zh-CN": "应为以下之一：{values}", en: "one of {values}" },
  EVENT_ATTRIBUTE_VALUES_AMONG: { "zh-CN": "取值应在以下范围内：{values}", en: "values among {values}" },
  CALENDAR_NOT_IN_YEAR: { "zh-CN": "不在 {year} 年内", en: "not in {year}" },
  CALENDAR_WORKDAY_ON_WEEKDAY: {
    "zh-CN": "{day} 是工作日：调休上班日应在周末",
    en: "{day} is a weekday: a make-up working day falls on a weekend",
  },
  CALENDAR_HOLIDAY_ON_WEEKEND: {
    "zh-CN": "{day} 本来就是周末休息日",
    en: "{day} is a weekend day off already",
  },
  CALENDAR_DAY_TWICE: { "zh-CN": "{day} 重复列出", en: "{day} is listed twice" },
};
