import { z } from "zod";
import { EVENT_FIGURES } from "../figures/figures.ts";
import { fieldIssue } from "../platform/field.messages.ts";
import { DEVICE_TIME_MAX_AGE_DAYS, DEVICE_TIME_MAX_AHEAD_MINUTES, deviceTimeProblem } from "../shared/device-time.ts";
import type { FieldIssue } from "../shared/domain-error.ts";
import { PRIORITIES } from "./categories.ts";
import { SATISFACTION } from "./disputes.ts";
import { HANDLING_LEVELS } from "./levels.ts";
import { EVENT_ACTIONS, EVENT_STATES } from "./workflow.ts";

/**
 * Request and response shapes of events, their categories and working calendar, attachments,
 * notifications, Open311 keys and intake devices — shared by the server's routes and the web apps.
 * Limits are named here once; the services check what a schema cannot (areas, scopes, categories).
 */
const LNG = z.number().min(73).max(136);
const LAT = z.number().min(3).max(54);
const AREA_CODE = z.string().max(24);
const CATEGORY_KEY = z.string().max(64);
const NOTE = z.string().trim().max(2000);
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A report's time of occurrence comes from the reporting device's clock (a phone's offline queue may
 * send it days later): not ahead of the server by more than the clock skew allowed, nor older than
 * the oldest an offline queue may hold — the bounds a visit's time has.
 */
export const EVENT_TIME_MAX_AHEAD_MINUTES = DEVICE_TIME_MAX_AHEAD_MINUTES;
export const EVENT_TIME_MAX_AGE_DAYS = DEVICE_TIME_MAX_AGE_DAYS;

/** What is wrong with a report's time of occurrence (core's rule; the server judges it at arrival). */
export function eventTimeIssue(occurredAt: Date, now: Date): FieldIssue | null {
  const problem = deviceTimeProblem(occurredAt, now);
  if (problem === "ahead") return fieldIssue("body.occurredAt", "EVENT_FIELD_TIME_AHEAD");
  if (problem === "old")
    return fieldIssue("body.occurredAt", "EVENT_FIELD_TIME_OLD", { days: String(EVENT_TIME_MAX_AGE_DAYS) });
  return null;
}

export const EventIdParamsSchema = z.object({ id: z.uuid() });

// ---- events ------------------------------------------------------------------------------------------

export const CoHandlerSchema = z.object({
  unit: z.string(),
  note: z.string(),
  by: z.string().nullable(),
  at: z.string(),
});

export const EventSchema = z
  .object({
    id: z.uuid(),
    number: z.string().describe("Human-facing number, GX-<county>-<date>-<n>"),
    categoryKey: z.string(),
    title: z.string(),
    description: z.string(),
    lng: z.number().nullable(),
    lat: z.number().nullable(),
    areaCode: z.string(),
    areaPath: z.string(),
    level: z.enum(HANDLING_LEVELS),
    state: z.string(),
    priority: z.string(),
    source: z.string(),
    reporterName: z.string().nullable(),
    assigneeUserId: z.uuid().nullable(),
    dueAt: z
      .string()
      .nullable()
      .describe("Working-time deadline of the current level; null while suspended or settled"),
    remainingMinutes: z.number().int().nullable().describe("Working minutes left, kept while suspended"),
    supervised: z.boolean().describe("Under supervision (督办): by someone's order, or overdue with no level above"),
    overdueAt: z
      .string()
      .nullable()
      .describe(
        "When its deadline passed with no area above to escalate to: it stays overdue (dueAt in the past, in box=overdue) and is supervised",
      ),
    resolvedLevel: z.string().nullable(),
    attributes: z.record(z.string(), z.unknown()),
    address: z.string().nullable(),
    contactName: z.string().nullable(),
    contactPhone: z.string().nullable().describe("Masked"),
    contactEmail: z.string().nullable().describe("Masked"),
    consentNote: z.string().nullable().describe("How the resident consented to a report made on their behalf"),
    public: z
      .boolean()
      .describe(
        "Shown on Open311 (ID and phone numbers masked; a resident's point rounded, no address): the reporter agreed, or staff marked it",
      ),
    mergedInto: z.uuid().nullable(),
    coHandlers: z.array(CoHandlerSchema),
    satisfaction: z.string().nullable(),
    feedback: z.string().nullable(),
    occurredAt: z
      .string()
      .describe(
        "When it was seen or reported where it happened — the phone's time for a report queued offline; the arrival time when not given",
      ),
    createdAt: z
      .string()
      .describe("When the event reached the system: deadlines, escalation and working-time figures count from here"),
    updatedAt: z.string(),
    closedAt: z.string().nullable(),
  })
  .meta({ id: "Event" });

export const EventStepSchema = z.object({
  action: z.string(),
  fromState: z.string().nullable(),
  toState: z.string(),
  level: z.string(),
  areaCode: z.string(),
  actorName: z.string().nullable(),
  note: z.string().nullable(),
  lng: z.number().nullable(),
  lat: z.number().nullable(),
  at: z.string(),
});

export const EventDetailSchema = EventSchema.extend({
  timeline: z.array(EventStepSchema),
  allowedActions: z
    .array(z.enum(EVENT_ACTIONS))
    .describe(
      "The actions the caller may take on this event now: the workflow table, their permissions and work scope where the event is, and what each action needs (a level above, an area below) — decided by the same test a transition meets",
    ),
  hidden: z
    .object({
      text: z
        .boolean()
        .describe("Some of the event's free text or timeline notes shown here has ID or phone numbers masked"),
      contact: z.boolean().describe("The reporter left a phone number or e-mail address, shown masked"),
      mayReveal: z
        .boolean()
        .describe("The caller may see them in clear, stating a reason: POST /events/{id}/reveal (audited)"),
    })
    .describe(
      "What is masked on this page. Free text is in full only to whoever wrote it (the reporter their report, a handler their note); everyone else reads it masked",
    ),
}).meta({
  id: "EventDetail",
});

/** Why a handler needs an event's numbers in clear: the audit trail keeps it. */
export const EventRevealBodySchema = z
  .object({
    reason: z.string().trim().min(2).max(500),
  })
  .strict();

/** An event's free text and contact in clear, for a handler who gave a reason. */
export const EventRevealSchema = z
  .object({
    title: z.string(),
    description: z.string(),
    address: z.string().nullable(),
    contactName: z.string().nullable(),
    contactPhone: z.string().nullable(),
    contactEmail: z.string().nullable(),
    consentNote: z.string().nullable(),
    feedback: z.string().nullable(),
    attributes: z.record(z.string(), z.unknown()),
    timeline: z
      .array(z.object({ at: z.string(), action: z.string(), note: z.string().nullable() }))
      .describe("The notes of the timeline in clear, in the order of the event's timeline"),
    attachments: z.array(z.object({ id: z.uuid(), fileName: z.string() })),
  })
  .meta({ id: "EventReveal" });

export const ReportEventBodySchema = z
  .object({
    id: z.uuid(),
    categoryKey: CATEGORY_KEY,
    title: z.string().trim().max(100).optional(),
    description: z.string().trim().min(2).max(5000),
    lng: LNG.optional(),
    lat: LAT.optional(),
    areaCode: AREA_CODE.optional(),
    address: z.string().trim().max(200).optional(),
    occurredAt: z.iso
      .datetime({ offset: true })
      .optional()
      .describe(
        `When it was seen or reported, by the reporting device's clock (a report queued offline keeps the time it was made): at most ${EVENT_TIME_MAX_AHEAD_MINUTES} minutes ahead of the server, at most ${EVENT_TIME_MAX_AGE_DAYS} days old; absent, the time it arrives. Deadlines and escalation count from the arrival (createdAt) all the same`,
      ),
    source: z.enum(["console", "field", "resident"]).default("console"),
    attributes: z.record(z.string(), z.union([z.string(), z.number(), z.array(z.string())])).optional(),
    contact: z
      .object({
        name: z.string().trim().max(50).optional(),
        phone: z.string().trim().max(20).optional(),
        email: z.string().trim().max(200).optional(),
      })
      .strict()
      .optional()
      .describe("The resident who raised it, when staff report on their behalf"),
    consentNote: z
      .string()
      .max(500)
      .optional()
      .describe("Required with contact: how the resident consented to being recorded (e.g. 电话中口头同意)"),
    public: z
      .boolean()
      .default(false)
      .describe(
        "The reporter agrees to show the report publicly (Open311, without name and phone; 公开显示我反映的问题). Ignored for disputes and public-order matters",
      ),
  })
  .strict()
  .superRefine((b, c) => {
    if (b.contact?.name && b.consentNote === undefined)
      c.addIssue({ code: "custom", path: ["consentNote"], message: "record the resident's consent" });
  });

/**
 * The state filter that stands for all of OPEN_STATES (being worked on: not suspended, not yet
 * resolved): the list behind an open-matters count lists what the count counts.
 */
export const OPEN_STATE_FILTER = "open";

export const INBOXES = ["area", "mine", "overdue", "due_soon", "reported", "all"] as const;
export type Inbox = (typeof INBOXES)[number];

export const InboxQuerySchema = z
  .object({
    box: z.enum(INBOXES).default("area"),
    state: z
      .enum([...EVENT_STATES, OPEN_STATE_FILTER])
      .optional()
      .describe(
        `A state, or "${OPEN_STATE_FILTER}": every state whose deadline clock runs (OPEN_STATES, what the 工作台's 待办 counts)`,
      ),
    categoryKey: CATEGORY_KEY.optional(),
    level: z.enum(HANDLING_LEVELS).optional(),
    supervised: z
      .enum(["true", "false"])
      .transform((v) => v === "true")
      .optional(),
    q: z.string().max(100).optional(),
    areaCode: AREA_CODE.optional().describe(
      "Events now in this area or below; with `figure`, the events that arose there (as the figures count them)",
    ),
    figure: z
      .enum(EVENT_FIGURES)
      .optional()
      .describe("The events behind a figure of GET /figures: its change happened in from…to (needs both)"),
    from: z.iso.date().optional(),
    to: z.iso.date().optional().describe("The last day (included)"),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
  })
  .strict();

export const DuplicatesQuerySchema = z
  .object({
    categoryKey: CATEGORY_KEY,
    description: z.string().trim().min(2).max(5000),
    lng: z.coerce.number().min(73).max(136).optional(),
    lat: z.coerce.number().min(3).max(54).optional(),
    areaCode: AREA_CODE.optional(),
    excludeId: z.uuid().optional(),
  })
  .strict()
  .refine((q) => (q.lng === undefined) === (q.lat === undefined), {
    message: "lng and lat go together",
    path: ["lat"],
  });

export const DuplicateSchema = z.object({
  id: z.uuid(),
  number: z.string(),
  title: z.string(),
  description: z.string(),
  state: z.string(),
  createdAt: z.string(),
  distanceM: z.number().nullable(),
  similarity: z.number(),
  score: z.number(),
});

export const TransitionBodySchema = z
  .object({
    action: z.enum(EVENT_ACTIONS),
    note: NOTE.optional(),
    assigneeUserId: z.uuid().optional(),
    areaCode: AREA_CODE.optional().describe("dispatch: the grid or village to send it down to"),
    unit: z.string().trim().max(100).optional().describe("co_handle: the department asked to co-handle"),
    intoId: z.uuid().optional().describe("merge: the open event about the same matter to merge into"),
    lng: LNG.optional(),
    lat: LAT.optional(),
  })
  .strict();

export const EventPublicityBodySchema = z
  .object({
    public: z.boolean().describe("Show the event on Open311 (true) or take it off (false)"),
    note: NOTE.optional().describe("Why (kept on the timeline)"),
  })
  .strict();

export const BulkTransitionBodySchema = z
  .object({
    ids: z.array(z.uuid()).min(1).max(200),
    action: z.enum(EVENT_ACTIONS),
    note: NOTE.optional(),
    assigneeUserId: z.uuid().optional(),
  })
  .strict();

export const BulkTransitionResultSchema = z.object({
  results: z.array(
    z.object({
      id: z.uuid(),
      ok: z.boolean(),
      state: z.string().optional(),
      number: z.string().optional(),
      code: z.string().optional(),
      message: z.string().optional(),
    }),
  ),
});

export const FeedbackBodySchema = z
  .object({ satisfaction: z.enum(SATISFACTION), comment: z.string().trim().max(1000).optional() })
  .strict();

export const SettledLevelsQuerySchema = z
  .object({
    areaCode: AREA_CODE.optional(),
    from: z.string().regex(DAY).optional(),
    to: z.string().regex(DAY).optional(),
  })
  .strict();

export const SettledShareSchema = z.object({
  areaCode: z.string().nullable(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  settled: z.number().int(),
  open: z.number().int(),
  byLevel: z.record(z.enum(HANDLING_LEVELS), z.number().int()),
  sharePercent: z.object({ grid: z.number(), village: z.number(), above: z.number() }),
});

export const EventStreamQuerySchema = z
  .object({ maxSeconds: z.coerce.number().int().min(0).max(3600).default(1800) })
  .strict();

// ---- notifications -----------------------------------------------------------------------------------

export const NotificationsQuerySchema = z
  .object({
    unread: z.enum(["true", "false"]).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

/**
 * The figures of an alert a notification carries: those its one-line summary is written from, in
 * the reader's language (never the care tags behind a care alert: a notification is no place for them).
 */
export const ALERT_NOTIFICATION_FIGURES = [
  "count",
  "windowDays",
  "match",
  "threshold",
  "reason",
  "unsettledDays",
  "daysLate",
  "dateName",
] as const;

/** A risk alert told in a notification, as data the apps put in words in the reader's language. */
export const AlertNotificationSchema = z.object({
  id: z.uuid(),
  /** The rule's kind (RiskRuleKind). */
  kind: z.string(),
  /** The rule's name as its author typed it (personal numbers masked). */
  ruleName: z.string(),
  figures: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  /** How many records the alert was raised on. */
  records: z.number().int(),
});
export type AlertNotification = z.infer<typeof AlertNotificationSchema>;

export const NotificationsSchema = z.object({
  unread: z.number().int(),
  items: z.array(
    z.object({
      id: z.uuid(),
      eventId: z.uuid().nullable(),
      kind: z.string(),
      title: z.string(),
      /**
       * The event's state when it was told; null for an alert (the state it was raised in goes stale
       * once it is handled: the risk page shows its state now).
       */
      state: z.string().nullable(),
      level: z.string().nullable(),
      note: z.string().nullable(),
      /** For an alert (kind "alert") told since alerts were stored as data; null otherwise. */
      alert: AlertNotificationSchema.nullable(),
      createdAt: z.string(),
      readAt: z.string().nullable(),
    }),
  ),
});

export const MarkNotificationsReadBodySchema = z.object({ ids: z.array(z.uuid()).max(500).optional() }).strict();

// ---- attachments -------------------------------------------------------------------------------------

export const AttachmentSchema = z
  .object({
    id: z.uuid(),
    eventId: z.uuid(),
    fileName: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    sha256: z.string(),
    hadLocation: z.boolean().describe("The original carried a GPS position; residents get a copy without it"),
    createdAt: z.string(),
  })
  .meta({ id: "EventAttachment" });

export const AttachmentUploadQuerySchema = z
  .object({
    fileName: z.string().min(1).max(200),
    attachmentId: z.uuid().optional().describe("Client-generated id: a retried upload is stored once"),
  })
  .strict();

export const AttachmentParamsSchema = z.object({ id: z.uuid(), attachmentId: z.uuid() });
export const AttachmentDownloadQuerySchema = z.object({ variant: z.enum(["original", "public"]).optional() }).strict();

// ---- categories and the working calendar -------------------------------------------------------------

const LocalTextSchema = z.object({ "zh-CN": z.string(), en: z.string() });

export const CategorySchema = z
  .object({
    key: z.string(),
    parentKey: z.string().nullable(),
    name: LocalTextSchema,
    closeLevel: z.enum(HANDLING_LEVELS),
    deadlines: z.record(z.string(), z.number().int()).describe("Working minutes each level has before escalation"),
    priority: z.enum(PRIORITIES),
    attributes: z.array(z.any()),
    active: z.boolean(),
  })
  .meta({ id: "EventCategory" });

export const CategoryParamsSchema = z.object({ key: CATEGORY_KEY });

export const CalendarDaySchema = z.object({
  day: z.iso.date(),
  kind: z.enum(["holiday", "workday"]),
  note: z.string().max(100).nullable().default(null),
});

export const CalendarYearParamsSchema = z.object({ year: z.coerce.number().int().min(2000).max(2100) });
export const CalendarYearBodySchema = z.object({ days: z.array(CalendarDaySchema).max(120) }).strict();

// ---- Open311 keys ------------------------------------------------------------------------------------

export const OPEN311_KEY_NAME_MAX = 60;

/**
 * Characters a name shown to people must not hold: control characters (NUL, terminal escapes),
 * format characters (right-to-left overrides, zero-width spaces) and lone surrogates — the database
 * refuses some, and the others make a listing lie about what it shows.
 */
export const NON_PRINTING = /[\p{Cc}\p{Cf}\p{Cs}]/u;

/** A key's name: printable, trimmed, in Unicode's composed form (so "é" typed two ways is one name). */
export const Open311KeyNameSchema = z
  .string()
  .normalize("NFC")
  .trim()
  .min(1)
  .max(OPEN311_KEY_NAME_MAX)
  .refine(
    (s) => !NON_PRINTING.test(s),
    "letters, digits, spaces and punctuation only (no control or invisible characters)",
  );

export const Open311KeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  requestsPublic: z.boolean(),
});

export const CreateOpen311KeyBodySchema = z
  .object({
    name: Open311KeyNameSchema,
    requestsPublic: z
      .boolean()
      .default(true)
      .describe(
        "Whether the requests this client makes are public (listed in requests.json, numbers masked): the GeoReport convention, so true unless the client collects private reports",
      ),
  })
  .strict();

export const CreatedOpen311KeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  requestsPublic: z.boolean(),
  key: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
});

// ---- intake devices ----------------------------------------------------------------------------------

export const DeviceSchema = z.object({
  id: z.uuid(),
  deviceKey: z.string(),
  name: z.string(),
  categoryKey: z.string(),
  areaCode: z.string().nullable(),
  lng: z.number().nullable(),
  lat: z.number().nullable(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
  lastSeenAt: z.string().nullable(),
});

export const RegisterDeviceBodySchema = z
  .object({
    deviceKey: z.string().regex(/^[A-Za-z0-9_.-]{3,64}$/),
    name: z
      .string()
      .normalize("NFC")
      .trim()
      .min(1)
      .max(100)
      .refine((s) => !NON_PRINTING.test(s), "letters, digits, spaces and punctuation only"),
    categoryKey: CATEGORY_KEY,
    areaCode: AREA_CODE.optional(),
    lng: LNG.optional(),
    lat: LAT.optional(),
  })
  .strict();

export const DeviceReportBodySchema = z
  .object({
    externalId: z.string().min(1).max(100).describe("The device's own id for what it saw: a retry reports it once"),
    description: z.string().trim().min(2).max(5000),
    categoryKey: CATEGORY_KEY.optional(),
    lng: LNG.optional(),
    lat: LAT.optional(),
    attributes: z.record(z.string(), z.union([z.string(), z.number(), z.array(z.string())])).optional(),
    snapshot: z
      .object({ fileName: z.string().min(1).max(200), base64: z.string().max(14_000_000) })
      .strict()
      .optional(),
  })
  .strict();

export const DeviceReportedSchema = z.object({ id: z.uuid(), number: z.string(), areaCode: z.string() });
