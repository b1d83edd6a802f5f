import { z } from "zod";

/**
 * Notices (通知公告) sent by officials to an area — optionally only to households with a tag — over
 * the resident app's inbox, the field app and village loudspeakers; and what a loudspeaker pulls.
 * No response here carries an ID or phone number: a notice's text is refused when it holds one.
 */
export const NOTICE_CHANNELS = ["app", "field", "loudspeaker"] as const;
export type NoticeChannel = (typeof NOTICE_CHANNELS)[number];
export const MAX_NOTICE_TITLE = 60;
export const MAX_NOTICE_BODY = 1000;
/** The largest recording a notice may carry to the loudspeakers (a few minutes of MP3). */
export const MAX_BROADCAST_AUDIO_BYTES = 5 * 1024 * 1024;

const text = (max: number) => z.string().normalize("NFC").trim().min(1).max(max);

export const SendNoticeBodySchema = z
  .object({
    id: z.uuid().describe("Chosen by the client: a retry returns the notice first sent"),
    title: text(MAX_NOTICE_TITLE),
    body: text(MAX_NOTICE_BODY).describe("Read out by the loudspeakers (TTS) as written"),
    areaCode: z.string().min(1).max(32).describe("The area it goes to: everyone under it"),
    tagKey: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,63}$/)
      .optional()
      .describe("Only households where someone (or the household) has this care or service tag"),
    urgent: z.boolean().default(false).describe("Urgent: first in inboxes and ahead of the loudspeakers' queue"),
    audioId: z
      .uuid()
      .optional()
      .describe(
        "A recording uploaded first (POST /broadcast/audio) that the loudspeakers play instead of reading the text",
      ),
    channels: z
      .array(z.enum(NOTICE_CHANNELS))
      .min(1)
      .max(3)
      .refine((c) => new Set(c).size === c.length, "each channel once"),
  })
  .strict()
  .meta({ id: "SendNoticeBody" });
export type SendNoticeBody = z.infer<typeof SendNoticeBodySchema>;

export const NoticeDeliverySchema = z
  .object({
    residents: z.number().int().describe("Resident accounts it reached"),
    residentsRead: z.number().int(),
    workers: z.number().int().describe("Grid workers and heads it reached"),
    workersRead: z.number().int(),
    loudspeakers: z.number().int(),
    loudspeakersFetched: z.number().int().describe("Loudspeakers that took it from their queue"),
    loudspeakersPlayed: z.number().int(),
    loudspeakersFailed: z.number().int(),
    households: z.number().int().describe("Households it was for (tag-targeted notices: those with the tag)"),
    householdsWithApp: z.number().int().describe("Of those, households with someone who uses the resident app"),
    householdsLoudspeakerOnly: z
      .number()
      .int()
      .describe("Households with no app user, reached only by a loudspeaker of their area"),
  })
  .meta({ id: "NoticeDelivery" });

export const NoticeSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    body: z.string(),
    areaCode: z.string(),
    areaName: z.string(),
    tagKey: z.string().nullable(),
    urgent: z.boolean(),
    channels: z.array(z.enum(NOTICE_CHANNELS)),
    audioId: z.uuid().nullable(),
    sentByName: z.string().nullable(),
    sentAt: z.string(),
    delivery: NoticeDeliverySchema,
  })
  .meta({ id: "Notice" });

export const NoticesQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    before: z.iso.datetime({ offset: true }).optional().describe("Notices sent before this instant (paging)"),
  })
  .strict();

export const InboxNoticeSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    body: z.string(),
    urgent: z.boolean(),
    areaName: z.string(),
    sentAt: z.string(),
    readAt: z.string().nullable(),
  })
  .meta({ id: "InboxNotice" });
export const InboxSchema = z
  .object({ unread: z.number().int(), items: z.array(InboxNoticeSchema) })
  .meta({ id: "NoticeInbox" });

export const NoticeIdParamsSchema = z.object({ id: z.uuid() });

export const MyVillageSchema = z
  .object({
    areaCode: z.string().nullable().describe("The village or community whose notices the resident follows"),
    areaName: z.string().nullable(),
  })
  .meta({ id: "MyVillage" });
export const SetMyVillageBodySchema = z.object({ areaCode: z.string().min(1).max(32) }).strict();

export const VillageOptionSchema = z.object({ code: z.string(), name: z.string(), parentName: z.string().nullable() });

/** Households of the asker's grids a notice was for, that have no app user: the loudspeaker was their only channel. */
export const LoudspeakerOnlyHouseholdSchema = z
  .object({
    householdId: z.uuid(),
    address: z.string(),
    headName: z.string().nullable().describe("The head of household's name, masked (韦**)"),
    areaCode: z.string(),
    loudspeakerPlayed: z.boolean().describe("A loudspeaker of its area reported playing the notice"),
  })
  .meta({ id: "LoudspeakerOnlyHousehold" });

export const BroadcastAudioQuerySchema = z
  .object({ id: z.uuid().describe("Chosen by the client: a retried upload is stored once") })
  .strict();
export const BroadcastAudioSchema = z
  .object({ id: z.uuid(), contentType: z.string(), size: z.number().int() })
  .meta({ id: "BroadcastAudio" });

// ---- loudspeakers ------------------------------------------------------------------------------------

export const RegisterLoudspeakerBodySchema = z
  .object({
    deviceKey: z.string().regex(/^[A-Za-z0-9_.-]{3,64}$/),
    name: text(100),
    areaCode: z.string().min(1).max(32).describe("The village, community or grid it plays in"),
  })
  .strict();

export const LoudspeakerSchema = z
  .object({
    id: z.uuid(),
    deviceKey: z.string(),
    name: z.string(),
    areaCode: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
    lastSeenAt: z.string().nullable(),
  })
  .meta({ id: "Loudspeaker" });

export const BroadcastItemSchema = z
  .object({
    itemId: z.uuid(),
    noticeId: z.uuid(),
    urgent: z.boolean(),
    title: z.string(),
    text: z.string().describe("What to read out (TTS)"),
    audioUrl: z.string().nullable().describe("An uploaded recording to play instead, fetched with a signed GET"),
    queuedAt: z.string(),
  })
  .meta({ id: "BroadcastItem" });
export const BroadcastQueueSchema = z.object({ items: z.array(BroadcastItemSchema) }).meta({ id: "BroadcastQueue" });

export const BroadcastAckBodySchema = z
  .object({
    outcome: z.enum(["played", "failed"]),
    detail: z.string().max(200).optional().describe("Why it failed (no speaker, power), as the device says"),
  })
  .strict();

/** A notice's loudspeakers and what each did with it, for its sender. */
export const BroadcastDeliverySchema = z
  .object({
    deviceId: z.uuid(),
    name: z.string(),
    areaCode: z.string(),
    state: z.enum(["queued", "fetched", "played", "failed"]),
    fetchedAt: z.string().nullable(),
    doneAt: z.string().nullable(),
    detail: z.string().nullable(),
  })
  .meta({ id: "BroadcastDelivery" });

/** One sent notice for its sender: who read it (residents' names masked) and what each loudspeaker did. */
export const NoticeDeliveryDetailSchema = z
  .object({
    notice: NoticeSchema,
    recipients: z.array(
      z.object({
        kind: z.enum(["resident", "worker"]),
        name: z.string().describe("A resident's name masked (韦**); a worker's in full"),
        readAt: z.string().nullable(),
      }),
    ),
    loudspeakers: z.array(BroadcastDeliverySchema),
  })
  .meta({ id: "NoticeDeliveryDetail" });
