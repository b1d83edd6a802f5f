/** Limits shared by the server and the web app, so a form and the route that receives it agree. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
export const MAX_BODY_LIMIT_BYTES = 64 * 1024 * 1024;
/** Request ids we accept from a client or proxy (`x-request-id`); anything else is replaced. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;
export const DEFAULT_PORT = 3000;
export const DEFAULT_TIMEZONE = "Asia/Shanghai";
export const SUPPORTED_LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "zh-CN";
