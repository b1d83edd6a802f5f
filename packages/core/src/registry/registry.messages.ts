import type { MessageCatalogue } from "../platform/messages.ts";

/**
 * Why an ID number or an import row is not accepted, in both languages (platform/messages.ts). The
 * import report stores the codes and parameters and says them in the reader's language; `{column}`
 * is the column's name in that language.
 */
export const ID_NUMBER_MESSAGES: MessageCatalogue = {
  ID_NUMBER_LENGTH: {
    "zh-CN": "应为 18 位（或旧的 15 位数字）",
    en: "must be 18 characters (or the old 15 digits)",
  },
  ID_NUMBER_FORM: {
    "zh-CN": "应为 17 位数字加 1 位校验码（0–9 或 X）",
    en: "must be 17 digits and a check digit (0–9 or X)",
  },
  ID_NUMBER_HMT_PREFIX: {
    "zh-CN": "港澳台居民居住证号码应以 810000、820000 或 830000 开头",
    en: "a Hong Kong, Macao or Taiwan residence permit starts 810000, 820000 or 830000",
  },
  ID_NUMBER_IS_HMT: {
    "zh-CN": "这是港澳台居民居住证号码，不是居民身份证号码",
    en: "this is a Hong Kong, Macao or Taiwan residence permit number, not a resident ID",
  },
  ID_NUMBER_REGION: {
    "zh-CN": "地区码 {region} 不是内地的行政区划代码",
    en: "region code {region} is not a mainland area code",
  },
  ID_NUMBER_BIRTH_DATE: { "zh-CN": "出生日期 {value} 不存在", en: "birth date {value} does not exist" },
  ID_NUMBER_BIRTH_FUTURE: { "zh-CN": "出生日期晚于今天", en: "birth date is in the future" },
  ID_NUMBER_BIRTH_TOO_EARLY: { "zh-CN": "出生日期早于 1880 年", en: "birth date is before 1880" },
  ID_NUMBER_CHECK_DIGIT: {
    "zh-CN": "校验码应为 {expected}，而不是 {actual}",
    en: "check digit should be {expected}, not {actual}",
  },
  ID_NUMBER_HMT_TRAVEL_FORM: {
    "zh-CN": "应为 H、M 或 T 加 8–10 位数字（台湾居民来往大陆通行证为 8 位数字）",
    en: "H, M or T and 8–10 digits (or 8 digits for a Taiwan permit)",
  },
  ID_NUMBER_PASSPORT_FORM: { "zh-CN": "应为 5–17 位字母和数字", en: "5–17 letters and digits" },
  ID_NUMBER_FOREIGN_FORM: {
    "zh-CN": "应为 3 个字母加 12 位数字，或以 9 开头的 18 位号码",
    en: "3 letters and 12 digits, or the 18-character form starting with 9",
  },
  PHONE_NUMBER_FORM: {
    "zh-CN": "应为 11 位手机号码，或带区号的固定电话",
    en: "a mainland mobile (11 digits) or landline number with area code",
  },
};

export const IMPORT_ROW_MESSAGES: MessageCatalogue = {
  IMPORT_ROW_REQUIRED: { "zh-CN": "{column}：必填", en: "{column}: required" },
  IMPORT_ROW_TOO_LONG: { "zh-CN": "{column}：最多 {max} 个字", en: "{column}: at most {max} characters" },
  IMPORT_ROW_CONTROL_CHARACTERS: { "zh-CN": "{column}：含有控制字符", en: "{column}: contains control characters" },
  IMPORT_ROW_ID_TYPE_UNKNOWN: {
    "zh-CN": "{column}：未知的证件类型 {value}",
    en: "{column}: unknown document type {value}",
  },
  IMPORT_ROW_ID_REQUIRED: {
    "zh-CN": "{column}：导入时必填（没有证件号码的人员请在控制台登记）",
    en: "{column}: required to import (people without one are registered in the console)",
  },
  IMPORT_ROW_INVALID: { "zh-CN": "{column}：{reason}", en: "{column}: {reason}" },
  /** A reason written as text by an older version. */
  IMPORT_ROW_TEXT: { "zh-CN": "{text}", en: "{text}" },
  IMPORT_ROW_SAME_PERSON: { "zh-CN": "{column}：与第 {row} 行是同一人", en: "{column}: the same person as row {row}" },
  IMPORT_ROW_DATE_INVALID: { "zh-CN": "{column}：{value} 不是有效日期", en: "{column}: {value} is not a real date" },
  IMPORT_ROW_DATE_FUTURE: { "zh-CN": "{column}：{value} 晚于今天", en: "{column}: {value} is in the future" },
  IMPORT_ROW_BIRTH_DATE_MISMATCH: {
    "zh-CN": "{column}：{value} 与证件号码中的出生日期（{expected}）不符",
    en: "{column}: {value} does not match the ID number ({expected})",
  },
  IMPORT_ROW_GENDER_INVALID: { "zh-CN": "{column}：应为 男 或 女", en: "{column}: male or female (男 or 女)" },
  IMPORT_ROW_GENDER_MISMATCH: { "zh-CN": "{column}：与证件号码不符", en: "{column}: does not match the ID number" },
  IMPORT_ROW_ETHNICITY_UNKNOWN: {
    "zh-CN": "{column}：{value} 不是 56 个民族之一",
    en: "{column}: {value} is not one of the 56 groups",
  },
  IMPORT_ROW_RESIDENCE_INVALID: {
    "zh-CN": "{column}：应为 常住、流动、外出 或 留守",
    en: "{column}: resident, migrant, away or left_behind (常住, 流动, 外出 or 留守)",
  },
  IMPORT_ROW_PARTY_INVALID: { "zh-CN": "{column}：应为 是 或 否", en: "{column}: yes or no (是 or 否)" },
  IMPORT_ROW_RELATIONSHIP_UNKNOWN: {
    "zh-CN": "{column}：未知的关系 {value}",
    en: "{column}: unknown relationship {value}",
  },
  IMPORT_ROW_HOUSEHOLD_KIND_INVALID: {
    "zh-CN": "{column}：应为 家庭户 或 集体户",
    en: "{column}: family or collective (家庭户 or 集体户)",
  },
  IMPORT_ROW_GRID_NOT_IN_AREA: {
    "zh-CN": "{column}：您的辖区内 {division} 下没有网格 {grid}",
    en: "{column}: no grid {grid} under {division} in your area",
  },
  IMPORT_ROW_DIVISION_NOT_IN_AREA: {
    "zh-CN": "{column}：您的辖区内没有村（社区）{division}",
    en: "{column}: no village or community {division} in your area",
  },
  IMPORT_ROW_POINT_HALF: { "zh-CN": "{column}：经度和纬度须同时填写或同时不填", en: "{column}: give both or neither" },
  IMPORT_ROW_POINT_OUTSIDE_CHINA: { "zh-CN": "{column}：不是中国境内的位置", en: "{column}: not a point in China" },
  IMPORT_ROW_TAG_UNKNOWN: { "zh-CN": "{column}：没有标签 {value}", en: "{column}: no tag {value}" },
  IMPORT_ROW_ID_REFUSED: {
    "zh-CN": "{column}：该证件号码不能在此登记，请联系乡镇（街道）户籍管理部门",
    en: "{column}: this ID number cannot be registered here; contact the township registry office",
  },
  IMPORT_ROW_HOUSEHOLD_REFUSED: {
    "zh-CN": "{column}：该户编号不能在此登记，请联系乡镇（街道）户籍管理部门",
    en: "{column}: this household number cannot be registered here; contact the township registry office",
  },
  IMPORT_ROW_REGISTERED_ELSEWHERE: {
    "zh-CN": "{column}：已在 {area} 登记，您不能修改该处的记录",
    en: "{column}: already registered in {area}, where you may not change records",
  },
  IMPORT_ROW_LOOKUPS_SPENT: {
    "zh-CN": "{column}：已达到按号码查询的次数上限，请稍后再导入其余各行",
    en: "{column}: limit of number look-ups reached; import the rest later",
  },
  IMPORT_ROW_PLACE_REFUSED: {
    "zh-CN": "{column}：该地址已在本村（社区）登记",
    en: "{column}: this address is already registered in this village or community",
  },
  IMPORT_ROW_UNSTORABLE: {
    "zh-CN": "{column}：含有无法保存的文字（NUL 字符、控制字符或非 UTF-8 字节）",
    en: "{column}: contains text that cannot be stored (a NUL character, a control character or bytes that are not UTF-8)",
  },
  IMPORT_ROW_EXAMPLE_NOTE: {
    "zh-CN": "{column}：“{note}”是模板示例行的备注，删除该备注后才会导入此行",
    en: "{column}: “{note}” marks the template's example row; clear it to import this row",
  },
  IMPORT_JOB_COLUMNS_MISSING: {
    "zh-CN": "文件缺少必填的列：{columns}",
    en: "the file lacks the required columns: {columns}",
  },
  IMPORT_JOB_FILE_NOT_ZIP: {
    "zh-CN": "文件不是 XLSX 工作簿（请用 Excel 或 WPS 另存为 .xlsx，或导入 CSV）",
    en: "the file is not an XLSX workbook (save it as .xlsx from Excel or WPS, or import a CSV)",
  },
  IMPORT_JOB_FILE_DAMAGED: {
    "zh-CN": "XLSX 文件已损坏，无法读取（请重新保存后再导入）",
    en: "the XLSX file is damaged and cannot be read (save it again and re-import)",
  },
  IMPORT_JOB_FILE_ENCRYPTED: {
    "zh-CN": "XLSX 文件设有密码，请取消密码保护后再导入",
    en: "the XLSX file is password-protected: remove the password and re-import",
  },
  IMPORT_JOB_FILE_TOO_LARGE: {
    "zh-CN": "XLSX 文件过大（超过 4 GB、部件过多或解压后超出上限），请拆分或改用 CSV",
    en: "the XLSX file is too large (over 4 GB, too many parts, or unpacking to more than the limit): split it or import a CSV",
  },
  IMPORT_JOB_INTERNAL: { "zh-CN": "导入因内部错误而中止", en: "the import stopped on an internal error" },
  /** A failure said only in the words it was thrown with. */
  IMPORT_JOB_TEXT: { "zh-CN": "{text}", en: "{text}" },
  IMPORT_REPORT_ROW: { "zh-CN": "行号", en: "Row" },
  IMPORT_REPORT_REASONS: { "zh-CN": "未导入原因", en: "Why not imported" },
  IMPORT_REPORT_SHEET: { "zh-CN": "未导入的行", en: "Rows not imported" },
};

/** What the server says about a field of a registry record (person, household, place, organisation, tag, import). */
export const REGISTRY_FIELD_MESSAGES: MessageCatalogue = {
  REGISTRY_FIELD_UNKNOWN_PERSON: { "zh-CN": "未知的人员", en: "unknown person" },
  REGISTRY_FIELD_UNKNOWN_HOUSEHOLD: { "zh-CN": "未知的户", en: "unknown household" },
  REGISTRY_FIELD_UNKNOWN_PLACE: { "zh-CN": "未知的地址", en: "unknown place" },
  REGISTRY_FIELD_UNKNOWN_ORGANISATION: { "zh-CN": "未知的单位", en: "unknown organisation" },
  REGISTRY_FIELD_UNKNOWN_IMPORT: { "zh-CN": "未知的导入", en: "unknown import" },
  REGISTRY_FIELD_WHERE_PERSON_LIVES: {
    "zh-CN": "请给出此人所在的网格、户或地址",
    en: "give the grid, the household or the place the person lives at",
  },
  REGISTRY_FIELD_BIRTH_DATE_MISMATCH: {
    "zh-CN": "与证件号码中的出生日期（{expected}）不符",
    en: "does not match the ID number ({expected})",
  },
  REGISTRY_FIELD_GENDER_MISMATCH: { "zh-CN": "与证件号码不符", en: "does not match the ID number" },
  REGISTRY_FIELD_ETHNICITY: {
    "zh-CN": "应为 56 个民族之一（名称或 GB/T 3304 代码）",
    en: "one of the 56 ethnic groups (name or GB/T 3304 code)",
  },
  REGISTRY_FIELD_IN_FUTURE: { "zh-CN": "晚于今天", en: "is in the future" },
  REGISTRY_FIELD_NO_TAG: { "zh-CN": "没有标签 {key}", en: "no tag {key}" },
  REGISTRY_FIELD_TAG_NEEDS_END: { "zh-CN": "“{tag}”需要填写结束日期", en: "{tag} needs the date it ends" },
  REGISTRY_FIELD_ENDS_BEFORE_START: { "zh-CN": "结束日期早于开始日期", en: "ends before it starts" },
  REGISTRY_FIELD_ALREADY_IN_AREA: {
    "zh-CN": "此人已属于该区域",
    en: "the person is already attributed to this area",
  },
  REGISTRY_FIELD_NOT_PARTY_HOUSEHOLD: { "zh-CN": "不是党员户", en: "not a party member's household" },
  REGISTRY_FIELD_AT_MOST_HOUSEHOLDS: { "zh-CN": "最多 {max} 户", en: "at most {max} households" },
  REGISTRY_FIELD_SELF_LEAD: { "zh-CN": "一户不能联系自己", en: "a household does not look after itself" },
  REGISTRY_FIELD_PLACE_OR_GRID: { "zh-CN": "请给出地址或网格", en: "give the place or the grid" },
  REGISTRY_FIELD_CREDIT_CODE: {
    "zh-CN": "应为 18 位统一社会信用代码",
    en: "an 18-character unified social credit code",
  },
  REGISTRY_FIELD_CONTENT_TYPE: { "zh-CN": "应为 text/csv 或 {type}", en: "text/csv or {type}" },
  REGISTRY_FIELD_IMPORT_STATUS: { "zh-CN": "导入{status}", en: "import is {status}" },
  IMPORT_STATUS_queued: { "zh-CN": "正在排队", en: "queued" },
  IMPORT_STATUS_running: { "zh-CN": "正在进行", en: "running" },
  IMPORT_STATUS_done: { "zh-CN": "已完成", en: "done" },
  IMPORT_STATUS_failed: { "zh-CN": "已失败", en: "failed" },
  REGISTRY_FIELD_REPORT_REMOVED: { "zh-CN": "已于 {at} 删除", en: "removed {at}" },
  REGISTRY_FIELD_CURSOR: {
    "zh-CN": "请原样使用上一页返回的 nextCursor",
    en: "use nextCursor from the previous page as given",
  },
  REGISTRY_FIELD_EXPORT_REASON: {
    "zh-CN": "请说明为什么需要明文号码",
    en: "state why the numbers are needed in clear",
  },
  REGISTRY_FIELD_NO_GRID_UNDER: {
    "zh-CN": "您的范围内 {division} 下没有网格 {grid}",
    en: "no grid {grid} under {division} in your scope",
  },
  REGISTRY_FIELD_ADDRESS_REQUIRED: {
    "zh-CN": "地址至少需要道路、自然村（屯）或门牌号之一",
    en: "an address needs at least a road, hamlet or number",
  },
  REGISTRY_FIELD_LNG_LAT_BOTH: { "zh-CN": "经度和纬度须同时填写", en: "give both longitude and latitude" },
  REGISTRY_FIELD_PLACE_REGISTERED_AS: { "zh-CN": "已登记为地址 {id}", en: "already registered as place {id}" },
  REGISTRY_FIELD_PLACE_REGISTERED: {
    "zh-CN": "已在本村（社区）登记",
    en: "already registered in this village or community",
  },
  REGISTRY_FIELD_ALREADY_REGISTERED: {
    "zh-CN": "已登记：{where} 的{type} {label}",
    en: "already registered: {type} {label} in {where}",
  },
  RECORD_TYPE_person: { "zh-CN": "人员", en: "person" },
  RECORD_TYPE_household: { "zh-CN": "户", en: "household" },
  RECORD_TYPE_place: { "zh-CN": "地址", en: "place" },
  RECORD_TYPE_organisation: { "zh-CN": "单位", en: "organisation" },
  REGISTRY_FIELD_ID_REFUSED: {
    "zh-CN": "该证件号码不能在此登记，请联系乡镇（街道）户籍管理部门",
    en: "this ID number cannot be registered here; contact the township registry office",
  },
  REGISTRY_FIELD_HOUSEHOLD_REFUSED: {
    "zh-CN": "该户编号不能在此登记，请联系乡镇（街道）户籍管理部门",
    en: "this household number cannot be registered here; contact the township registry office",
  },
  REGISTRY_FIELD_LOOKUPS_SPENT: {
    "zh-CN": "已达到按号码查询的次数上限，请稍后再导入其余各行",
    en: "limit of number look-ups reached; import the rest later",
  },
};
