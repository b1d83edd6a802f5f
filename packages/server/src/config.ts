import path from "node:path";
import {
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_LOCALE,
  DEFAULT_PORT,
  DEFAULT_SESSION_ABSOLUTE_HOURS,
  DEFAULT_SESSION_IDLE_MINUTES,
  DEFAULT_TIMEZONE,
  DomainError,
  MAX_BODY_LIMIT_BYTES,
  passwordIssues,
  SUPPORTED_LOCALES,
  TileCoordinateSystemSchema,
  tileTemplateProblems,
  tileTemplates,
} from "@wangge/core";
import { z } from "zod";

/**
 * Every environment variable Wangge reads, parsed once at start. A bad value stops the process with
 * one line naming the variable (CONFIG_INVALID) instead of failing later. The README's configuration
 * table lists the same variables.
 */
const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const EnvSchema = z.object({
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(DEFAULT_PORT)),
  HOST: z.preprocess(emptyToUndefined, z.string().default("0.0.0.0")),
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
      .optional(),
  ),
  DATABASE_POOL_SIZE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(200).default(10)),
  WANGGE_DATA_DIR: z.preprocess(emptyToUndefined, z.string().default("./data")),
  WANGGE_PGLITE_SHARED_BUFFERS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[1-9]\d*(kB|MB|GB)$/, "a size such as 256MB")
      .default("128MB"),
  ),
  WANGGE_WEB_DIST: z.preprocess(emptyToUndefined, z.string().optional()),
  WANGGE_BODY_LIMIT_BYTES: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(1024).max(MAX_BODY_LIMIT_BYTES).default(DEFAULT_BODY_LIMIT_BYTES),
  ),
  WANGGE_SHUTDOWN_TIMEOUT_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).default(10_000)),
  WANGGE_TIMEZONE: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((tz) => isValidTimeZone(tz), "is not an IANA time zone such as Asia/Shanghai")
      .default(DEFAULT_TIMEZONE),
  ),
  WANGGE_DEFAULT_LOCALE: z.preprocess(emptyToUndefined, z.enum(SUPPORTED_LOCALES).default(DEFAULT_LOCALE)),
  WANGGE_TILE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .superRefine((value, ctx) => {
        const problems = tileTemplateProblems(value);
        for (const message of problems) ctx.addIssue({ code: "custom", message });
        if (problems.length > 0) return;
        for (const template of tileTemplates(value)) {
          // The security policy names each template's origin: it must parse as a URL.
          if (!URL.canParse(template.replace(/\{[a-z]\}/g, "0")))
            ctx.addIssue({ code: "custom", message: `${template} is not a URL` });
        }
      })
      // One space between templates: the form the apps and the security policy read.
      .transform((value) => tileTemplates(value).join(" "))
      .optional(),
  ),
  WANGGE_TILE_COORDINATES: z.preprocess(emptyToUndefined, TileCoordinateSystemSchema.default("wgs84")),
  WANGGE_TILE_ATTRIBUTION: z.preprocess(emptyToUndefined, z.string().optional()),
  WANGGE_MAP_CENTER: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^-?\d+(\.\d+)?,-?\d+(\.\d+)?$/, "must be 'lng,lat', e.g. 108.37,22.82")
      .default("108.37,22.82"),
  ),
  WANGGE_MAP_ZOOM: z.preprocess(emptyToUndefined, z.coerce.number().min(0).max(22).default(6)),
  WANGGE_TRUST_PROXY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(
        /^(true|false|\d+|[0-9a-fA-F.:/,\s]+)$/,
        "must be true, false, a hop count, or addresses/CIDRs separated by commas",
      )
      .default("false"),
  ),
  WANGGE_DATA_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
  WANGGE_OPEN311_JURISDICTION: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[\w.-]{1,100}$/)
      .default("wangge"),
  ),
  WANGGE_WORKING_HOURS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\d{2}:\d{2}-\d{2}:\d{2}(,\d{2}:\d{2}-\d{2}:\d{2})*$/, "HH:MM-HH:MM[,HH:MM-HH:MM…]")
      .default("08:30-12:00,14:30-17:30"),
  ),
  WANGGE_WEEKEND: z.preprocess(
    (v) => (v === undefined ? undefined : v),
    z
      .string()
      .regex(/^$|^[0-6](,[0-6])*$/, "days 0 (Sunday) to 6, comma-separated, or empty")
      .default("6,0"),
  ),
  WANGGE_RETIRED_DATA_KEYS: z.preprocess(emptyToUndefined, z.string().optional()),
  WANGGE_INDEX_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
  WANGGE_CRYPTO: z.preprocess(emptyToUndefined, z.enum(["standard", "gm"]).default("standard")),
  // Checked here, before anything opens the database: a first start refused for its admin password
  // would otherwise have migrated the database and made its roles already.
  WANGGE_ADMIN_PASSWORD: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .superRefine((value, ctx) => {
        for (const issue of passwordIssues(value, "admin")) ctx.addIssue({ code: "custom", message: issue.message });
      })
      .optional(),
  ),
  WANGGE_SESSION_IDLE_MINUTES: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(1).max(1440).default(DEFAULT_SESSION_IDLE_MINUTES),
  ),
  WANGGE_SESSION_ABSOLUTE_HOURS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(1).max(720).default(DEFAULT_SESSION_ABSOLUTE_HOURS),
  ),
  WANGGE_AUDIT_CHECKPOINT_MINUTES: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(1440).default(5)),
  WANGGE_RATE_LIMIT_PER_MINUTE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).default(600)),
  WANGGE_LOGIN_RATE_LIMIT_PER_MINUTE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).default(20)),
  WANGGE_SMS_WEBHOOK_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional()),
  WANGGE_NUMBER_SEARCHES: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(10_000).default(20)),
  WANGGE_NUMBER_SEARCH_MINUTES: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(1440).default(10)),
  WANGGE_ACCESS_LOG_SHOWS: z.preprocess(emptyToUndefined, z.enum(["roles", "names"]).default("roles")),
  WANGGE_IMPORT_REPORT_DAYS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(3650).default(30)),
  WANGGE_SMS_SENDER: z.preprocess(emptyToUndefined, z.enum(["webhook", "log"]).optional()),
  WANGGE_OPEN311_POSTS_PER_MINUTE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).default(30)),
  WANGGE_CLIENT_ERRORS_PER_HOUR: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(10_000).default(60)),
  WANGGE_CLIENT_ERROR_DAYS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(3650).default(30)),
  WANGGE_DEVICE_BODY_LIMIT_BYTES: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number()
      .int()
      .min(1024)
      .max(MAX_BODY_LIMIT_BYTES)
      .default(256 * 1024),
  ),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ),
});

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export interface Config {
  port: number;
  host: string;
  database:
    | {
        kind: "pglite";
        dataDir: string;
        /** PGlite's buffer cache (PostgreSQL's shared_buffers); its own default is 128MB. */
        sharedBuffers?: string;
      }
    | { kind: "postgres"; url: string; poolSize: number };
  dataDir: string;
  webDist: string;
  bodyLimitBytes: number;
  shutdownTimeoutMs: number;
  timezone: string;
  defaultLocale: (typeof SUPPORTED_LOCALES)[number];
  map: {
    tileUrl: string | null;
    tileCoordinateSystem: "wgs84" | "gcj02";
    tileAttribution: string | null;
    center: [number, number];
    zoom: number;
  };
  /** Whether X-Forwarded-For is believed: false, true, a hop count, or the proxies' addresses. */
  trustProxy: boolean | number | string[];
  logLevel: string;
  /** WANGGE_DATA_KEY as given (the key file in the data directory when unset). */
  dataKey: string | undefined;
  /** Earlier data keys, comma-separated, still used to decrypt (when keys come from the environment). */
  retiredKeys: string | undefined;
  /** Working hours of a working day, minutes after midnight (deadlines count only these). */
  workingHours: [number, number][];
  /** Days of the week off (0 Sunday … 6 Saturday). */
  weekend: number[];
  /** The jurisdiction_id Open311 clients send (GeoReport v2). */
  open311Jurisdiction: string;
  /** The key blind indexes derive from (default: the data key; pinned when a key is rotated). */
  indexKey: string | undefined;
  /** "gm": Chinese commercial cryptography (SM3 for the audit chain). */
  crypto: "standard" | "gm";
  adminPassword: string | undefined;
  session: { idleMinutes: number; absoluteHours: number };
  rateLimit: { perMinute: number; loginPerMinute: number; open311PostsPerMinute: number };
  /** Minutes between checkpoints of the audit trail written outside the database (when it grew). */
  auditCheckpointMinutes: number;
  /** Where one-time codes are POSTed as {phone, message} (with smsSender "webhook"). */
  smsWebhookUrl: string | undefined;
  /** How one-time codes are sent: the webhook, the log (development, chosen explicitly), or not at all. */
  smsSender: "webhook" | "log" | "none";
  /** Searches of the registry by an exact ID or phone number a user may make per window. */
  numberSearch: { limit: number; windowMinutes: number };
  /**
   * What a resident's "who looked at my record" shows of staff: their posts (role and area) only, or
   * their names beside them — the deployment's policy, roles only unless it says otherwise.
   */
  accessLogShows: "roles" | "names";
  /** Days an import's rejected rows (its report) are kept after it ends. */
  importReportRetentionDays: number;
  /** Crash reports from the web apps: how many one address may store per hour, and for how many days. */
  clientErrors: { perHour: number; retentionDays: number };
  /** The largest body an intake device may send (read only once the device and its headers check out). */
  deviceBodyLimitBytes: number;
}

const defaultWebDist = path.resolve(import.meta.dirname, "../../web/dist");

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
    const summary = errors.map((e) => `${e.path} ${e.message}`).join("; ");
    throw new DomainError("CONFIG_INVALID", `invalid configuration: ${summary}`, { errors });
  }
  const e = parsed.data;
  const smsIssue =
    e.WANGGE_SMS_SENDER === "webhook" && !e.WANGGE_SMS_WEBHOOK_URL
      ? "WANGGE_SMS_SENDER=webhook needs WANGGE_SMS_WEBHOOK_URL"
      : e.WANGGE_SMS_SENDER === "log" && e.WANGGE_SMS_WEBHOOK_URL
        ? "WANGGE_SMS_SENDER=log sends no SMS although WANGGE_SMS_WEBHOOK_URL is set: choose one"
        : undefined;
  if (smsIssue) {
    throw new DomainError("CONFIG_INVALID", `invalid configuration: WANGGE_SMS_SENDER ${smsIssue}`, {
      errors: [{ path: "WANGGE_SMS_SENDER", message: smsIssue }],
    });
  }
  const dataDir = path.resolve(e.WANGGE_DATA_DIR);
  const [lng, lat] = e.WANGGE_MAP_CENTER.split(",").map(Number) as [number, number];
  return {
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL
      ? { kind: "postgres", url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
      : { kind: "pglite", dataDir, sharedBuffers: e.WANGGE_PGLITE_SHARED_BUFFERS },
    dataDir,
    webDist: path.resolve(e.WANGGE_WEB_DIST ?? defaultWebDist),
    bodyLimitBytes: e.WANGGE_BODY_LIMIT_BYTES,
    shutdownTimeoutMs: e.WANGGE_SHUTDOWN_TIMEOUT_MS,
    timezone: e.WANGGE_TIMEZONE,
    defaultLocale: e.WANGGE_DEFAULT_LOCALE,
    map: {
      tileUrl: e.WANGGE_TILE_URL ?? null,
      // The offline background is this server's own WGS-84 outlines: nothing to shift without tiles.
      tileCoordinateSystem: e.WANGGE_TILE_URL ? e.WANGGE_TILE_COORDINATES : "wgs84",
      tileAttribution: e.WANGGE_TILE_ATTRIBUTION ?? null,
      center: [lng, lat],
      zoom: e.WANGGE_MAP_ZOOM,
    },
    trustProxy: parseTrustProxy(e.WANGGE_TRUST_PROXY),
    logLevel: e.LOG_LEVEL,
    dataKey: e.WANGGE_DATA_KEY,
    retiredKeys: e.WANGGE_RETIRED_DATA_KEYS,
    open311Jurisdiction: e.WANGGE_OPEN311_JURISDICTION,
    workingHours: e.WANGGE_WORKING_HOURS.split(",").map((w) => {
      const [from, to] = w.split("-").map((hm) => {
        const [h, m] = hm.split(":").map(Number);
        return (h ?? 0) * 60 + (m ?? 0);
      });
      return [from ?? 0, to ?? 0] as [number, number];
    }),
    weekend: e.WANGGE_WEEKEND === "" ? [] : e.WANGGE_WEEKEND.split(",").map(Number),
    indexKey: e.WANGGE_INDEX_KEY,
    crypto: e.WANGGE_CRYPTO,
    adminPassword: e.WANGGE_ADMIN_PASSWORD,
    session: { idleMinutes: e.WANGGE_SESSION_IDLE_MINUTES, absoluteHours: e.WANGGE_SESSION_ABSOLUTE_HOURS },
    rateLimit: {
      perMinute: e.WANGGE_RATE_LIMIT_PER_MINUTE,
      loginPerMinute: e.WANGGE_LOGIN_RATE_LIMIT_PER_MINUTE,
      open311PostsPerMinute: e.WANGGE_OPEN311_POSTS_PER_MINUTE,
    },
    auditCheckpointMinutes: e.WANGGE_AUDIT_CHECKPOINT_MINUTES,
    smsWebhookUrl: e.WANGGE_SMS_WEBHOOK_URL,
    // A webhook URL alone chooses the webhook; the log only when asked for by name.
    smsSender: e.WANGGE_SMS_SENDER ?? (e.WANGGE_SMS_WEBHOOK_URL ? "webhook" : "none"),
    numberSearch: { limit: e.WANGGE_NUMBER_SEARCHES, windowMinutes: e.WANGGE_NUMBER_SEARCH_MINUTES },
    accessLogShows: e.WANGGE_ACCESS_LOG_SHOWS,
    importReportRetentionDays: e.WANGGE_IMPORT_REPORT_DAYS,
    clientErrors: { perHour: e.WANGGE_CLIENT_ERRORS_PER_HOUR, retentionDays: e.WANGGE_CLIENT_ERROR_DAYS },
    deviceBodyLimitBytes: e.WANGGE_DEVICE_BODY_LIMIT_BYTES,
  };
}

function parseTrustProxy(value: string): boolean | number | string[] {
  if (value === "true") return true;
  if (value === "false") return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
