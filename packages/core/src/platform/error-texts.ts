import type { Locale } from "./limits.ts";

/**
 * What each error code says to a person, in both languages: the server's problem+json `detail` for
 * a caller who reads Chinese (an English caller gets the specific English message thrown with it).
 * The texts match the web app's `errors.<code>` (packages/web/src/i18n); a test holds every code of
 * every catalogue to having both.
 */
export const ERROR_TEXTS: Record<string, Record<Locale, string>> = {
  VALIDATION_FAILED: {
    "zh-CN": "填写的内容有误，请检查标出的项目。",
    en: "Some fields are not valid; check the marked items.",
  },
  REQUEST_MALFORMED_JSON: { "zh-CN": "请求内容格式错误。", en: "The request is not well-formed." },
  REQUEST_EMPTY_JSON_BODY: { "zh-CN": "请求内容为空。", en: "The request is empty." },
  REQUEST_UNSUPPORTED_MEDIA_TYPE: { "zh-CN": "不支持的请求内容类型。", en: "This content type is not supported." },
  REQUEST_BODY_TOO_LARGE: { "zh-CN": "提交的内容太大。", en: "What you sent is too large." },
  REQUEST_INVALID: { "zh-CN": "请求无效。", en: "The request is not valid." },
  REQUEST_METHOD_NOT_ALLOWED: { "zh-CN": "不支持的请求方式。", en: "This request method is not supported." },
  ROUTE_NOT_FOUND: { "zh-CN": "请求的功能不存在。", en: "This function does not exist." },
  RESOURCE_NOT_FOUND: {
    "zh-CN": "记录不存在，或不在您的权限范围内。",
    en: "The record does not exist or is outside your scope.",
  },
  RATE_LIMITED: { "zh-CN": "操作过于频繁，请稍后再试。", en: "Too many requests; try again shortly." },
  INTERNAL_ERROR: {
    "zh-CN": "服务器内部错误，请稍后再试。",
    en: "The server had an internal error; try again shortly.",
  },
  SERVICE_SHUTTING_DOWN: {
    "zh-CN": "服务器正在重启，请稍后再试。",
    en: "The server is restarting; try again shortly.",
  },
  DB_NEWER_THAN_CODE: {
    "zh-CN": "数据库版本高于程序版本，请升级程序。",
    en: "The database is newer than this program; upgrade the program.",
  },
  DB_MIGRATION_FAILED: { "zh-CN": "数据库升级失败。", en: "The database upgrade failed." },
  DB_UNAVAILABLE: { "zh-CN": "数据库暂时无法访问。", en: "The database cannot be reached right now." },
  DATA_DIR_LOCKED: { "zh-CN": "数据目录正被另一个进程使用。", en: "The data directory is in use by another process." },
  CONFIG_INVALID: { "zh-CN": "服务器配置有误。", en: "The server is misconfigured." },
  NETWORK_UNREACHABLE: { "zh-CN": "无法连接服务器，请检查网络。", en: "Cannot reach the server; check your network." },
  AUTH_REQUIRED: { "zh-CN": "请先登录（会话可能已过期）。", en: "Sign in first (your session may have expired)." },
  AUTH_INVALID_CREDENTIALS: { "zh-CN": "用户名或密码错误。", en: "Wrong username or password." },
  AUTH_ACCOUNT_LOCKED: {
    "zh-CN": "登录失败次数过多，账号已临时锁定，请 15 分钟后再试。",
    en: "Too many failed sign-ins: the account is locked for now; try again in 15 minutes.",
  },
  AUTH_ACCOUNT_DISABLED: {
    "zh-CN": "账号已被停用，请联系管理员。",
    en: "The account is disabled; contact your administrator.",
  },
  AUTH_TOTP_REQUIRED: { "zh-CN": "请输入动态验证码。", en: "Enter your authentication code." },
  AUTH_TOTP_INVALID: { "zh-CN": "动态验证码错误或已过期。", en: "The authentication code is wrong or expired." },
  AUTH_TOTP_SETUP_REQUIRED: {
    "zh-CN": "您的角色要求先设置双因素认证。",
    en: "Your role requires two-factor authentication: set it up first.",
  },
  AUTH_PASSWORD_CHANGE_REQUIRED: { "zh-CN": "请先修改初始密码。", en: "Change your initial password first." },
  AUTH_TOTP_ALREADY_ENABLED: { "zh-CN": "已启用双因素认证。", en: "Two-factor authentication is already on." },
  AUTH_CSRF_FAILED: { "zh-CN": "页面已过期，请刷新后重试。", en: "The page has expired; reload and try again." },
  AUTH_FORBIDDEN: { "zh-CN": "您没有执行此操作的权限。", en: "You are not allowed to do this." },
  AUTH_TOKEN_INVALID: {
    "zh-CN": "访问令牌无效、已撤销或已过期。",
    en: "The access token is invalid, revoked or expired.",
  },
  AUTH_OTP_INVALID: { "zh-CN": "验证码错误、已使用或已过期。", en: "The code is wrong, used or expired." },
  AUTH_OTP_TOO_MANY: {
    "zh-CN": "验证码发送过于频繁，请一小时后再试。",
    en: "Too many codes requested; try again in an hour.",
  },
  AUTH_PASSWORD_WRONG: { "zh-CN": "当前密码错误。", en: "The current password is wrong." },
  USER_USERNAME_TAKEN: { "zh-CN": "用户名已被使用。", en: "That username is taken." },
  USER_ID_CONFLICT: { "zh-CN": "记录编号冲突，请重试。", en: "Record id conflict; try again." },
  USER_SELF_DISABLE: { "zh-CN": "不能锁定或停用自己的账号。", en: "You cannot lock or disable your own account." },
  USER_SELF_PASSWORD_RESET: {
    "zh-CN": "不能在用户管理中重置自己的密码，请在“修改密码”中凭当前密码修改。",
    en: "You cannot reset your own password in user management; change it under “Change password” with your current one.",
  },
  ROLE_AUDITOR_ONLY_PERMISSION: {
    "zh-CN": "审计权限只能属于安全审计员角色。",
    en: "Audit permissions can only belong to the auditor role.",
  },
  ROLE_NOT_FOUND: { "zh-CN": "角色不存在。", en: "No such role." },
  ASSIGNMENT_SELF_GRANT_FORBIDDEN: {
    "zh-CN": "不能给自己授予或撤销角色。",
    en: "You cannot grant or remove your own roles.",
  },
  USER_MANAGE_FORBIDDEN: {
    "zh-CN": "该账号还在您管辖范围以外任职，或持有管理类角色，您无权修改、重置密码、停用或调整其岗位。",
    en: "This account also holds posts outside your area, or an administrative role: you may not edit it, reset its password, disable it or change its posts.",
  },
  ROLE_AUDIT_SEPARATION: {
    "zh-CN":
      "三员分立：安全审计员角色只能由安全审计员或服务器命令行授予和调整，系统管理员不能授予、修改或管理审计员账号。",
    en: "Separation of duties: the auditor role is granted and changed only by an auditor or with the command line on the server; administrators cannot grant it, edit it or manage auditors' accounts.",
  },
  AREA_NOT_FOUND: { "zh-CN": "区域不存在或不在您的管辖范围内。", en: "No such area in your scope." },
  AUDIT_CHAIN_BROKEN: { "zh-CN": "审计日志完整性校验失败。", en: "The audit log failed its integrity check." },
  AREA_BOUNDARY_INVALID: {
    "zh-CN": "边界无效：不是中国范围内的有效多边形，或大部分在上级区域之外。",
    en: "The boundary is not a valid polygon in China, or lies mostly outside its parent area.",
  },
  AREA_RESHAPE_INVALID: {
    "zh-CN": "拆分或合并不符合规则：拆出的部分超出原网格、相互重叠或留下空白，或要合并的网格互不相邻。",
    en: "The split or merge breaks a rule: parts outside the grid, overlapping or leaving a gap, or grids that do not touch.",
  },
  AREA_HAS_CHILDREN: {
    "zh-CN": "该网格下还有微网格，请先处理微网格再拆分或合并。",
    en: "This grid still has micro-grids; split or merge those first.",
  },
  AREA_CHANGE_CONFLICT: {
    "zh-CN": "该变更编号已用于另一项拆分或合并。",
    en: "This change id was already used for a different split or merge.",
  },
  PERSON_NOT_FOUND: { "zh-CN": "找不到该人员，或不在您的管辖范围内。", en: "No such person, or not in your area." },
  HOUSEHOLD_NOT_FOUND: { "zh-CN": "找不到该户，或不在您的管辖范围内。", en: "No such household, or not in your area." },
  PLACE_NOT_FOUND: { "zh-CN": "找不到该地址，或不在您的管辖范围内。", en: "No such address, or not in your area." },
  ORGANISATION_NOT_FOUND: {
    "zh-CN": "找不到该单位组织，或不在您的管辖范围内。",
    en: "No such organisation, or not in your area.",
  },
  PERSON_ID_NUMBER_TAKEN: {
    "zh-CN": "已有人员登记了该证件号码。",
    en: "Another person is registered with this ID number.",
  },
  REGISTRY_NUMBER_REFUSED: {
    "zh-CN": "该号码无法在此登记，请联系乡镇（街道）户籍登记部门。",
    en: "This number cannot be registered here; contact the township registry office.",
  },
  REGISTRY_ID_CONFLICT: {
    "zh-CN": "该编号已用于另一条不同的记录。",
    en: "This id was already used for a different record.",
  },
  TAG_NOT_FOUND: { "zh-CN": "没有这个标签。", en: "There is no such tag." },
  LEAD_HOUSEHOLD_INVALID: {
    "zh-CN": "党员中心户须为党员家庭，联系户为 1 至 15 户。",
    en: "A lead household must be a party member's and look after 1 to 15 households.",
  },
  IMPORT_NOT_FOUND: { "zh-CN": "找不到该导入任务。", en: "No such import." },
  IMPORT_REPORT_EXPIRED: {
    "zh-CN": "该导入的未导入行已按保存期限删除；重新导入同一文件可再次得到报告。",
    en: "The rejected rows of this import were removed after the retention period; import the same file again to get the report.",
  },
  PERSON_NUMBER_SEARCH_LIMITED: {
    "zh-CN": "按证件号码、手机号码或户号查询（含登记已登记的号码）过于频繁，请稍后再试。",
    en: "Too many look-ups by ID, phone or household number (searches, numbers already registered); try again in a few minutes.",
  },
  REGISTRY_CURSOR_INVALID: {
    "zh-CN": "分页位置无效，请从第一页重新查询。",
    en: "That page position is not valid; search again from the first page.",
  },
  IMPORT_FILE_INVALID: {
    "zh-CN": "导入文件不是 CSV 或 XLSX，或缺少必需的列。",
    en: "The file is not CSV or XLSX, or lacks required columns.",
  },
  KEYS_FROM_ENVIRONMENT: {
    "zh-CN": "数据密钥由环境变量提供，请由运维人员在环境变量中更换密钥后重新加密。",
    en: "The data key comes from the environment: the operator changes it there, then re-encrypts.",
  },
  EVENT_CATEGORY_NOT_FOUND: { "zh-CN": "没有这个事件分类。", en: "There is no such event category." },
  EVENT_NOT_FOUND: { "zh-CN": "找不到该事件，或不在您的管辖范围内。", en: "No such event, or not in your area." },
  EVENT_ID_CONFLICT: { "zh-CN": "该编号已用于另一个事件。", en: "This id was already used for a different event." },
  EVENT_TRANSITION_NOT_ALLOWED: {
    "zh-CN": "事件当前状态不允许此操作（或已被他人处理，请刷新）。",
    en: "The event's state does not allow this action (or someone changed it; reload).",
  },
  EVENT_NOTE_REQUIRED: { "zh-CN": "此操作需要填写说明。", en: "This action needs a note." },
  EVENT_ATTACHMENT_REJECTED: {
    "zh-CN": "文件类型不支持（仅限 JPEG、PNG、WebP、PDF）或文件过大。",
    en: "The file is not an accepted type (JPEG, PNG, WebP, PDF) or is too large.",
  },
  EVENT_REOPEN_WINDOW_PASSED: {
    "zh-CN": "已超过可申请重新办理的期限。",
    en: "The time to reopen this event has passed.",
  },
  EVENT_MERGE_NOT_ALLOWED: {
    "zh-CN": "这两件事件不能合并（须均未办结、且未被合并）。",
    en: "These events cannot be merged (both must be open and not merged already).",
  },
  EVENT_NOT_A_DISPUTE: {
    "zh-CN": "只有矛盾纠纷类事件才有调解记录。",
    en: "Only dispute events have mediation records.",
  },
  EVENT_FEEDBACK_NOT_ALLOWED: {
    "zh-CN": "只有上报人可在事件办结后评价。",
    en: "Only the reporter can give feedback, once the event is settled.",
  },
  MEDIATION_AGREEMENT_NOT_FOUND: {
    "zh-CN": "该纠纷尚未形成调解协议。",
    en: "This dispute has no mediation agreement yet.",
  },
  DEVICE_NOT_FOUND: { "zh-CN": "没有该接入设备，或已停用。", en: "No such intake device, or it was retired." },
  DEVICE_SIGNATURE_INVALID: { "zh-CN": "设备签名无效或已过期。", en: "The device signature is invalid or too old." },
  DEVICE_REQUEST_REPLAYED: {
    "zh-CN": "该设备请求已处理过（重放）。",
    en: "This device request was already received (replay).",
  },
  OPEN311_KEY_NAME_TAKEN: {
    "zh-CN": "已有同名的 Open311 接口密钥。",
    en: "An Open311 key with this name already exists.",
  },
  REQUEST_PATH_NOT_CANONICAL: {
    "zh-CN": "网址写法异常，请通过链接打开或直接输入规范网址。",
    en: "The address is written in an unusual way; open it from a link or type it plainly.",
  },
  REQUEST_URI_TOO_LONG: { "zh-CN": "网址过长。", en: "The address is too long." },
  REQUEST_HEADERS_TOO_LARGE: {
    "zh-CN": "请求头数据过大（Cookie 过多或过大？）。",
    en: "The request carries too much header data (too many or too large cookies?).",
  },
  REQUEST_TIMEOUT: { "zh-CN": "请求超时，请重试。", en: "The request took too long to arrive; try again." },
  AUTH_TOTP_TOO_MANY: {
    "zh-CN": "验证码错误次数过多，请重新输入密码登录。",
    en: "Too many wrong codes: sign in with your password again.",
  },
  AUTH_SESSION_REQUIRED: {
    "zh-CN": "此操作需要登录会话，访问令牌不能执行。",
    en: "This needs a signed-in session; an access token cannot do it.",
  },
  AUTH_SMS_UNAVAILABLE: {
    "zh-CN": "本服务器未开通短信验证码登录。",
    en: "Sign-in by SMS code is not available on this server.",
  },
  AUTH_OTP_STAFF_ACCOUNT: {
    "zh-CN": "该手机号属于工作人员账号：请使用用户名和密码登录，或请管理员为该账号更换其本人的手机号。",
    en: "This mobile number belongs to a staff account: sign in with its username and password, or ask the administrator to give that account its own number.",
  },
  USER_PHONE_TAKEN: {
    "zh-CN": "该手机号已属于另一个账号。",
    en: "Another account already has this mobile number.",
  },
  USER_PHONE_REFUSED: {
    "zh-CN": "该手机号不能用于此账号，请联系系统管理员。",
    en: "This mobile number cannot be used for this account; ask the deployment's administrator.",
  },
  ROLE_AUDIT_PERMISSIONS_LIMITED: {
    "zh-CN":
      "三员分立：安全审计员角色只能拥有查看和导出审计日志、查看账号和区域的权限，不能拥有查看或解密居民信息等其他权限。",
    en: "Separation of duties: the auditor role may only read and export the audit trail and read accounts and areas; it cannot hold other permissions such as reading or revealing residents' data.",
  },
  DISCLOSURE_NOT_FOUND: {
    "zh-CN": "公开事项不存在，或不在您的权限范围内。",
    en: "The disclosure does not exist or is outside your scope.",
  },
  DISCLOSURE_ID_CONFLICT: {
    "zh-CN": "该编号已被另一条公开事项使用。",
    en: "This id already holds another disclosure.",
  },
  DISCLOSURE_NOT_EDITABLE: {
    "zh-CN": "该版本正在审核或已经发布，不能修改；已发布的内容只能通过更正修改。",
    en: "This version is under review or published and cannot change; a published item changes only by a correction.",
  },
  DISCLOSURE_CORRECTION_PENDING: {
    "zh-CN": "已有一个未发布的版本，请先完成它。",
    en: "Another version is still a draft or under review; finish it first.",
  },
  DISCLOSURE_NOT_PUBLISHED: {
    "zh-CN": "该事项尚未发布，请直接修改草稿。",
    en: "This item was never published; edit its draft instead.",
  },
  DISCLOSURE_NOT_IN_REVIEW: {
    "zh-CN": "该版本不在待审核状态。",
    en: "This version is not waiting for a review.",
  },
  DISCLOSURE_FILE_REJECTED: {
    "zh-CN": "文件不符合要求：应为不超过 10 MB 的 PDF、JPEG、PNG 或 WebP 文件。",
    en: "The file is not accepted: a PDF, JPEG, PNG or WebP file of at most 10 MB.",
  },
  DISCLOSURE_FINANCE_FILE_INVALID: {
    "zh-CN": "财务明细表格式不对，请使用下载的模板。",
    en: "The finance table is not in the template's layout; use the downloaded template.",
  },
  COMMENT_NOT_FOUND: {
    "zh-CN": "留言不存在，或不在您的权限范围内。",
    en: "The question or objection does not exist or is outside your scope.",
  },
  COMMENT_ID_CONFLICT: {
    "zh-CN": "该编号已被另一条留言使用。",
    en: "This id already holds another question or objection.",
  },
  COMMENT_ALREADY_ANSWERED: {
    "zh-CN": "该留言已经答复。",
    en: "This question or objection has already been answered.",
  },
  COMMENT_HIDDEN: {
    "zh-CN": "该留言已被屏蔽。",
    en: "This question or objection has been hidden.",
  },
  DISCLOSURE_PUBLICITY_CLOSED: {
    "zh-CN": "该事项不在公示期内，不能提出异议。",
    en: "This item is not in its publicity period; objections are closed.",
  },
  PROCEDURE_NOT_FOUND: {
    "zh-CN": "办事指南不存在，或不在您的权限范围内。",
    en: "The procedure guide does not exist or is outside your scope.",
  },
  PROCEDURE_ID_CONFLICT: {
    "zh-CN": "该编号已被另一条办事指南使用。",
    en: "This id already holds another procedure guide.",
  },
  PROJECT_NOT_FOUND: { "zh-CN": "没有找到该民生项目。", en: "This project was not found." },
  PROJECT_ID_CONFLICT: {
    "zh-CN": "该编号已被另一条记录使用。",
    en: "This id already holds something else.",
  },
  PROJECT_MILESTONE_NOT_FOUND: {
    "zh-CN": "该项目没有这个节点或文件。",
    en: "This project has no such milestone or file.",
  },
  PROJECT_NO_MILESTONES: {
    "zh-CN": "请先添加至少一个进度节点再公开。",
    en: "Add at least one milestone before publishing.",
  },
  PROJECT_NOT_PUBLISHED: {
    "zh-CN": "项目尚未公开，不能登记验收。",
    en: "The project is not published yet; acceptance cannot be recorded.",
  },
  PROJECT_MILESTONES_OPEN: {
    "zh-CN": "还有未完成的进度节点，不能登记竣工验收。",
    en: "Some milestones are not done; the completion acceptance cannot be recorded yet.",
  },
  PROJECT_ACCEPTED: {
    "zh-CN": "项目已通过竣工验收，不能再更改。",
    en: "The project passed its completion acceptance and can no longer change.",
  },
  PROJECT_FILE_REJECTED: {
    "zh-CN": "文件不符合要求（PDF、JPEG、PNG 或 WebP，且不能为空或过大）。",
    en: "The file is not accepted (PDF, JPEG, PNG or WebP, not empty, not too large).",
  },
};
