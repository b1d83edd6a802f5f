import {
  InboxNoticeSchema,
  InboxSchema,
  LoudspeakerOnlyHouseholdSchema,
  MyVillageSchema,
  NoticeDeliveryDetailSchema,
  NoticeIdParamsSchema,
  NoticeSchema,
  NoticesQuerySchema,
  SendNoticeBodySchema,
  SetMyVillageBodySchema,
  VillageOptionSchema,
} from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { routeErrors } from "../../http/problem.ts";
import {
  chooseVillage,
  getNoticeDelivery,
  inbox,
  listNotices,
  listVillages,
  loudspeakerOnly,
  myVillage,
  readNotice,
  sendNotice,
} from "./notices.service.ts";

const errors = routeErrors;
const tags = ["notices"];

/** Notices (通知公告): sending and delivery for officials, inboxes for residents and grid workers, a resident's village. */
export const noticesRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post(
    "/notices",
    {
      config: { permission: "notice.send" },
      schema: {
        tags,
        summary:
          "Send a notice to an area (optionally only households with a tag) over the app, field app and loudspeakers",
        description:
          "Refused with NOTICE_FIELD_PERSONAL_NUMBER on body.title / body.body when the text holds an ID or phone number. Recipients are settled when it is sent (who counts as a household's resident: GET /notices/inbox); a retry with the same id answers 200 with the first notice. Audited.",
        body: SendNoticeBodySchema,
        response: { 200: NoticeSchema, 201: NoticeSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { notice, created } = await sendNotice(ctx, principalOf(request), requestMeta(request), request.body);
      return reply.status(created ? 201 : 200).send(notice);
    },
  );

  app.get(
    "/notices",
    {
      config: { permission: "notice.send" },
      schema: {
        tags,
        summary: "Notices sent to your areas, newest first, with their delivery and read counts",
        querystring: NoticesQuerySchema,
        response: { 200: z.array(NoticeSchema), ...errors },
      },
    },
    async (request) => listNotices(ctx, principalOf(request), request.query),
  );

  app.get(
    "/notices/inbox",
    {
      schema: {
        tags,
        summary: "The notices that reached you (resident app, field app): unread urgent ones first",
        description:
          "Settled when each notice was sent. A resident receives the notices to the households of the registry they are linked to (PUT /residents/me/link), and to any household where a member's registered phone is the mobile number they signed in with (SMS-verified, so they hold it; a wrong or recycled number in the registry sends that household's notices to whoever holds it now — the resident app says so and asks them to have it corrected); and, of notices to everyone of an area, those to the village they follow. Tag-targeted notices never reach followers. A grid worker or head receives those sent over the field app to an area they are posted under. An item names neither the household nor the tag that brought it.",
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict(),
        response: { 200: InboxSchema, ...errors },
      },
    },
    async (request) => inbox(ctx, principalOf(request), request.query.limit),
  );

  app.post(
    "/notices/inbox/:id/read",
    {
      schema: {
        tags,
        summary: "Open a notice you received: it is marked read (its read receipt)",
        params: NoticeIdParamsSchema,
        response: { 200: InboxNoticeSchema, ...errors },
      },
    },
    async (request) => readNotice(ctx, principalOf(request), request.params.id),
  );

  app.get(
    "/notices/:id",
    {
      config: { permission: "notice.send" },
      schema: {
        tags,
        summary: "A notice sent to your areas: who read it, and what each loudspeaker did",
        params: NoticeIdParamsSchema,
        response: { 200: NoticeDeliveryDetailSchema, ...errors },
      },
    },
    async (request) => getNoticeDelivery(ctx, principalOf(request), request.params.id),
  );

  app.get(
    "/notices/:id/loudspeaker-only",
    {
      config: { permission: "person.read" },
      schema: {
        tags,
        summary:
          "Households of your areas the notice was for with nobody on the resident app: only a loudspeaker told them",
        params: NoticeIdParamsSchema,
        response: { 200: z.array(LoudspeakerOnlyHouseholdSchema), ...errors },
      },
    },
    async (request) => loudspeakerOnly(ctx, principalOf(request), request.params.id),
  );

  app.get(
    "/resident/village",
    {
      config: { permission: "resident.self" },
      schema: {
        tags,
        summary: "The village or community whose notices you follow (a resident not linked to a household)",
        response: { 200: MyVillageSchema, ...errors },
      },
    },
    async (request) => myVillage(ctx, principalOf(request)),
  );

  app.put(
    "/resident/village",
    {
      config: { permission: "resident.self" },
      schema: {
        tags,
        summary: "Follow a village or community: its notices reach your inbox from now on",
        body: SetMyVillageBodySchema,
        response: { 200: MyVillageSchema, ...errors },
      },
    },
    async (request) => chooseVillage(ctx, principalOf(request), requestMeta(request), request.body.areaCode),
  );

  app.get(
    "/resident/villages",
    {
      config: { permission: "resident.self" },
      schema: {
        tags,
        summary: "Villages and communities to follow, by name",
        querystring: z.object({ q: z.string().max(40).optional() }).strict(),
        response: { 200: z.array(VillageOptionSchema), ...errors },
      },
    },
    async (request) => listVillages(ctx, request.query.q),
  );
};
