import type { FieldIssue } from "../shared/domain-error.ts";
import { formatMessage, type MessageCatalogue } from "./messages.ts";

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
  FIELD_UNSTORABLE_TEXT: {
    "zh-CN": "含有无法保存的文字（NUL 字符、控制字符或非 UTF-8 字节）",
    en: "contains text that cannot be stored (a NUL character, a control character or bytes that are not UTF-8)",
  },
};

/** A field's issue as data: the English words as `message` (the API's language), and the message to say it in another. */
export function fieldIssue(path: string, code: string, params?: Record<string, string>): FieldIssue {
  const said = params ? { code, params } : { code };
  return { path, message: formatMessage(said, "en", FIELD_MESSAGES), said };
}
