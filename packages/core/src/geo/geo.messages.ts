import type { MessageCatalogue } from "../platform/messages.ts";

/**
 * What the server says about a boundary, a grid's reshaping and a boundary or beat file, in both
 * languages (platform/messages.ts): field messages of area editing and of grid-boundary imports.
 */
export const GEO_MESSAGES: MessageCatalogue = {
  GEO_TYPE_POLYGONAL: { "zh-CN": "应为 Polygon 或 MultiPolygon", en: "must be Polygon or MultiPolygon" },
  GEO_COORDINATES_EMPTY: { "zh-CN": "坐标不能为空", en: "must not be empty" },
  GEO_OUTER_RING_MISSING: { "zh-CN": "多边形缺少外环", en: "a polygon needs an outer ring" },
  GEO_RING_TOO_SHORT: {
    "zh-CN": "一个环至少需要 4 个坐标点（最后一点重复第一点）",
    en: "a ring needs at least 4 positions (the first repeated at the end)",
  },
  GEO_POSITION_FORM: { "zh-CN": "应为 [经度, 纬度] 两个数字", en: "must be [longitude, latitude] numbers" },
  GEO_OUTSIDE_CHINA: {
    "zh-CN": "位于中国范围之外（是否把 [经度, 纬度] 写成了 [纬度, 经度]？）",
    en: "lies outside China's extent (is it [lat, lng] instead of [lng, lat]?)",
  },
  GEO_RING_NOT_CLOSED: {
    "zh-CN": "环未闭合：最后一个坐标点应与第一个相同",
    en: "is not closed: the last position must repeat the first",
  },
  GEO_RING_SELF_INTERSECTS: {
    "zh-CN": "边界自相交（第 {a} 段与第 {b} 段交叉）",
    en: "intersects itself (segments {a} and {b} cross)",
  },
  GEO_HOLE_OUTSIDE: { "zh-CN": "内环（洞）不在外环之内", en: "is a hole that is not inside its outer ring" },
  GEO_SPLIT_TOO_FEW: { "zh-CN": "拆分至少需要两部分", en: "a split needs at least two parts" },
  GEO_SPLIT_PART_OUTSIDE: {
    "zh-CN": "这一部分只有 {percent}% 位于被拆分的网格内",
    en: "only {percent}% of this part lies inside the grid being split",
  },
  GEO_SPLIT_OVERLAP: { "zh-CN": "与第 {part} 部分重叠 {area} 平方米", en: "overlaps part {part} by {area} m²" },
  GEO_SPLIT_GAP: {
    "zh-CN": "各部分留下 {area} 平方米（{percent}%）不属于任何网格",
    en: "the parts leave {area} m² ({percent}%) of the grid without a grid",
  },
  GEO_MERGE_NOT_TOUCHING: {
    "zh-CN": "这些网格互不相邻，只能合并相邻的网格",
    en: "the grids do not touch one another; only neighbouring grids can be merged",
  },
  GEO_MERGE_NOT_SIBLINGS: {
    "zh-CN": "只能合并同一上级区域下的网格",
    en: "only grids under the same parent can be merged",
  },
  GEO_GRID_LISTED_TWICE: { "zh-CN": "有网格重复列出", en: "a grid is listed twice" },
  GEO_OUTSIDE_PARENT: {
    "zh-CN": "大部分位于上级区域 {parent} 之外（仅 {percent}% 在内）",
    en: "lies mostly outside its parent {parent} ({percent}% inside)",
  },
  GEO_NOT_FEATURE_COLLECTION: {
    "zh-CN": "应为带有 features 数组的 FeatureCollection",
    en: "must be FeatureCollection with a features array",
  },
  GEO_NOT_FEATURE: { "zh-CN": "应为 Feature", en: "must be Feature" },
  GEO_CODE_FORM: { "zh-CN": "应为 2–24 位字母或数字的代码", en: "a code of 2–24 letters or digits is required" },
  GEO_CODE_TWICE_IN_FILE: { "zh-CN": "代码 {code} 在文件中出现了两次", en: "code {code} appears twice in the file" },
  GEO_CODE_GIVEN_TWICE: { "zh-CN": "代码 {code} 填写了两次", en: "code {code} is given twice" },
  GEO_CODE_USED: { "zh-CN": "代码 {code} 已被使用", en: "code {code} is already used" },
  GEO_CODE_OTHER_PARENT: {
    "zh-CN": "代码 {code} 已属于另一个上级区域",
    en: "code {code} already belongs to another parent",
  },
  GEO_GRID_KIND: { "zh-CN": "应为以下之一：{kinds}", en: "must be one of {kinds}" },
  GEO_PARENT_REQUIRED: { "zh-CN": "必须填写上级区域的代码", en: "the parent area's code is required" },
  GEO_GRID_UNDER_LEVEL: {
    "zh-CN": "网格不能直接设在{level}之下",
    en: "a grid cannot be placed directly under a {level}",
  },
  GEO_NOT_YOUR_AREA: {
    "zh-CN": "您不能在 {code} 下绘制网格：只能在您工作的区域内绘制",
    en: "you may not draw grids under {code}: only on the area you work on",
  },
  GEO_GRID_ABOLISHED: {
    "zh-CN": "网格 {code} 已不存在（撤销于 {at}）",
    en: "grid {code} no longer exists (abolished {at})",
  },
  GEO_NOT_RESHAPEABLE: {
    "zh-CN": "{code} 是{level}：只有网格和微网格可以拆分或合并",
    en: "{code} is a {level}; only grids and micro-grids can be split or merged",
  },
  GEO_NO_BOUNDARY: {
    "zh-CN": "网格 {code} 没有可拆分或合并的边界",
    en: "grid {code} has no boundary to split or merge",
  },
  GEO_STAFF_TO_INDEX: { "zh-CN": "应为某一部分的序号（0–{max}）", en: "must be the index of a part (0–{max})" },
  GEO_BEAT_CODE_REQUIRED: { "zh-CN": "必须填写警务区代码", en: "a beat code is required" },
  GEO_STATION_REQUIRED: { "zh-CN": "必须填写所属派出所", en: "the police station is required" },
  AREA_LEVEL_province: { "zh-CN": "省", en: "province" },
  AREA_LEVEL_city: { "zh-CN": "市", en: "city" },
  AREA_LEVEL_county: { "zh-CN": "县（区）", en: "county" },
  AREA_LEVEL_township: { "zh-CN": "乡镇（街道）", en: "township" },
  AREA_LEVEL_village: { "zh-CN": "村（社区）", en: "village" },
  AREA_LEVEL_grid: { "zh-CN": "网格", en: "grid" },
  AREA_LEVEL_microgrid: { "zh-CN": "微网格", en: "microgrid" },
};
