import type { MessageCatalogue } from "../platform/messages.ts";

/** What the server says about a field of a notice, a loudspeaker or a resident's village, in both languages. */
export const NOTICE_FIELD_MESSAGES: MessageCatalogue = {
  NOTICE_FIELD_PERSONAL_NUMBER: {
    "zh-CN": "不能含有身份证号或手机号：通知会发到居民手机和村里的喇叭",
    en: "must not hold an ID or phone number: the notice goes to residents' phones and village loudspeakers",
  },
  NOTICE_FIELD_NO_SUCH_AUDIO: {
    "zh-CN": "没有这段录音，或不是您上传的",
    en: "no such recording, or not one you uploaded",
  },
  NOTICE_FIELD_NO_SUCH_TAG: { "zh-CN": "没有这个标签", en: "no such tag" },
  NOTICE_FIELD_SENSITIVE_TAG: {
    "zh-CN": "不能按敏感标签发送通知",
    en: "notices are not sent by a sensitive tag",
  },
  NOTICE_FIELD_AREA_OUT_OF_SCOPE: {
    "zh-CN": "不在您可发送通知的区域内",
    en: "outside the areas you may send notices to",
  },
  NOTICE_FIELD_VILLAGE: {
    "zh-CN": "请选择一个村（社区）",
    en: "choose a village or community",
  },
  NOTICE_FIELD_LOUDSPEAKER_AREA: {
    "zh-CN": "请选择喇叭所在的村（社区）或网格",
    en: "choose the village, community or grid the loudspeaker is in",
  },
};
