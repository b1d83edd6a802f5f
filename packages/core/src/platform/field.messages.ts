import { DISCLOSURE_FIELD_MESSAGES } from "../disclosures/disclosures.messages.ts";
import { EVENT_FIELD_MESSAGES } from "../events/events.messages.ts";
import { FIGURE_FIELD_MESSAGES } from "../figures/figures.messages.ts";
import { GEO_MESSAGES } from "../geo/geo.messages.ts";
import { NOTICE_FIELD_MESSAGES } from "../notices/notices.messages.ts";
import { PROJECT_FIELD_MESSAGES } from "../projects/projects.messages.ts";
import { REGISTRY_FIELD_MESSAGES } from "../registry/registry.messages.ts";
import { REPORT_FIELD_MESSAGES } from "../reports/reports.messages.ts";
import { RISK_FIELD_MESSAGES } from "../risk/risk.messages.ts";
import type { FieldIssue } from "../shared/domain-error.ts";
import { SUBSIDY_FIELD_MESSAGES } from "../subsidies/subsidies.messages.ts";
import { VISIT_FIELD_MESSAGES } from "../visits/visits.messages.ts";
import { formatMessage, type Message, type MessageCatalogue } from "./messages.ts";

/**
 * What the server says about a field of a request, in both languages (platform/messages.ts): a
 * problem+json's `errors[].message` is said in the caller's language (server http/locale.ts), the
 * path and the problem's code stay the same.
 */
export const FIELD_MESSAGES: MessageCatalogue = {
  FIELD_NAME_REQUIRED: { "zh-CN": "必须填写名称", en: "a name is required" },
  FIELD_MOBILE_FORM: { "zh-CN": "应为 11 位手机号码", en: "must be an 11-digit mobile number" },
  FIELD_IN_FUTURE: { "zh-CN": "晚于今天", en: "in the future" },
  FIELD_NO_PLACE: { "zh-CN": "您的范围内没有该地址", en: "no such place in your scope" },
  FIELD_NO_HOUSEHOLD: { "zh-CN": "您的范围内没有该户", en: "no such household in your scope" },
  FIELD_NO_AREA: { "zh-CN": "您的范围内没有区域 {code}", en: "no area {code} in your scope" },
  FIELD_POINT_OUTSIDE: {
    "zh-CN": "该位置不在本系统的任何区域内",
    en: "the point lies in no area of this deployment",
  },
  FIELD_NO_AREA_TO_REPORT: { "zh-CN": "没有您可以上报的区域 {code}", en: "no area {code} you may report in" },
  FIELD_NO_CATEGORY_TO_REPORT: { "zh-CN": "没有可上报的事件类别 {key}", en: "no category {key} to report in" },
  FIELD_WRONG_CODE: { "zh-CN": "验证码错误", en: "wrong code" },
  FIELD_WRONG_PASSWORD: { "zh-CN": "密码错误", en: "wrong password" },
  FIELD_NO_SUCH_AREA: { "zh-CN": "没有该区域", en: "no such area" },
  FIELD_UNKNOWN_AREA: { "zh-CN": "未知的区域", en: "unknown area" },
  FIELD_NO_USER: { "zh-CN": "没有用户 {username}", en: "no user {username}" },
  FIELD_NOT_EMAIL: { "zh-CN": "不是有效的电子邮件地址", en: "not an e-mail address" },
  FIELD_MISSING_COLUMNS: { "zh-CN": "缺少列：{columns}", en: "missing columns: {columns}" },
  FIELD_ASSIGNMENT_REQUIRED: {
    "zh-CN": "区域管理员创建账号时必须给出岗位",
    en: "required for area managers",
  },
  FIELD_TAKEN: { "zh-CN": "已被占用", en: "taken" },
  FIELD_STAFF_ROLE: {
    "zh-CN": "应为 网格长、网格员、网格指导员 或 社区民警",
    en: "must be one of 网格长, 网格员, 网格指导员, 社区民警 (or grid_head, grid_worker, grid_instructor, police_liaison)",
  },
  FIELD_HOME_UNIT_REQUIRED: { "zh-CN": "下沉干部必须填写原单位", en: "a sunk official's home unit is required" },
  FIELD_NO_GRID: { "zh-CN": "您的范围内没有网格 {code}", en: "no grid {code} in your scope" },
  FIELD_UNKNOWN_ROLE: { "zh-CN": "未知的角色", en: "unknown role" },
  FIELD_PHONE_OF_ACCOUNT: {
    "zh-CN": "已是账号 {username} 的手机号码",
    en: "already the number of account {username}",
  },
  FIELD_PHONE_REFUSED: {
    "zh-CN": "此手机号码不能用于该账号，请联系系统管理员",
    en: "this mobile number cannot be used for this account; ask the deployment's administrator",
  },
  FIELD_PHONE_NOT_USABLE: {
    "zh-CN": "此手机号码不能在此使用，请联系系统管理员",
    en: "this mobile number cannot be used here; ask the deployment's administrator",
  },
  FIELD_PASSWORD_SAME: { "zh-CN": "不能与当前密码相同", en: "must differ from the current password" },
  FIELD_PASSWORD_TOO_SHORT: { "zh-CN": "至少 {min} 个字符", en: "must be at least {min} characters" },
  FIELD_PASSWORD_TOO_LONG: { "zh-CN": "最多 {max} 个字符", en: "must be at most {max} characters" },
  FIELD_PASSWORD_CONTAINS_USERNAME: { "zh-CN": "不能包含用户名", en: "must not contain the username" },
  FIELD_PASSWORD_TOO_COMMON: {
    "zh-CN": "过于常见，请换一个更长的短语",
    en: "is too common; choose a longer phrase",
  },
  FIELD_NO_TOTP_SETUP: { "zh-CN": "尚未开始设置", en: "no setup in progress" },
  FIELD_NOT_FOR_AUDITOR: { "zh-CN": "审计员角色不能拥有此权限", en: "not for the auditor" },
  FIELD_AUDITOR_ONLY: { "zh-CN": "只有审计员角色可以拥有此权限", en: "auditor only" },
  FIELD_TEXT_NUL: {
    "zh-CN": "不能含有 NUL 字符（U+0000）",
    en: "must not contain the NUL character (U+0000)",
  },
  FIELD_TEXT_SURROGATE: {
    "zh-CN": "应为格式正确的 Unicode 文字（含有孤立的代理项）",
    en: "must be well-formed Unicode text (it holds a lone surrogate)",
  },
  FIELD_NAME_OF_KEY: { "zh-CN": "名称{problem}", en: "the name {problem}" },
  FIELD_TRY_LATER: { "zh-CN": "请稍后再试", en: "try again later" },
  FIELD_ROW_REFUSED: { "zh-CN": "{code}：{reason}", en: "{code}: {reason}" },
  FIELD_ROW_NOT_SAVED: { "zh-CN": "INTERNAL_ERROR：该行未保存", en: "INTERNAL_ERROR: the row was not saved" },
  /** Words given in both languages by the caller (a name stored in both, an error's text). */
  FIELD_WORDS: { "zh-CN": "{zh}", en: "{en}" },
  FIELD_UNSTORABLE_TEXT: {
    "zh-CN": "含有无法保存的文字（NUL 字符、控制字符或非 UTF-8 字节）",
    en: "contains text that cannot be stored (a NUL character, a control character or bytes that are not UTF-8)",
  },
};

/** Every catalogue of field messages, as fieldIssue and the server say them. */
export const ALL_FIELD_MESSAGES: MessageCatalogue = {
  ...FIELD_MESSAGES,
  ...GEO_MESSAGES,
  ...EVENT_FIELD_MESSAGES,
  ...FIGURE_FIELD_MESSAGES,
  ...REGISTRY_FIELD_MESSAGES,
  ...VISIT_FIELD_MESSAGES,
  ...SUBSIDY_FIELD_MESSAGES,
  ...NOTICE_FIELD_MESSAGES,
  ...RISK_FIELD_MESSAGES,
  ...DISCLOSURE_FIELD_MESSAGES,
  ...REPORT_FIELD_MESSAGES,
  ...PROJECT_FIELD_MESSAGES,
};

/** Words the caller has in both languages, as a message (a parameter of another). */
export function bothWords(zh: string, en: string): Message {
  return { code: "FIELD_WORDS", params: { zh, en } };
}

/** A field's issue as data: the English words as `message` (the API's language), and the message to say it in another. */
export function fieldIssue(path: string, code: string, params?: Record<string, string | Message>): FieldIssue {
  const said = params ? { code, params } : { code };
  return { path, message: formatMessage(said, "en", ALL_FIELD_MESSAGES), said };
}
