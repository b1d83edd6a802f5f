import { CategorySettingsSchema, HANDLING_LEVELS, PRIORITIES, ProblemSchema } from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { problemResponses } from "../../http/problem.ts";
import { calendarYear, listCategories, setCalendarYear, updateCategory } from "./categories.service.ts";
import { createOpen311Key, listOpen311Keys, revokeOpen311Key } from "./open311-keys.service.ts";

const errors = { ...problemResponses, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 422: ProblemSchema };
const LocalText = z.object({ "zh-CN": z.string(), en: z.string() });
const CategorySchema = z
  .object({
    key: z.string(),
    parentKey: z.string().nullable(),
    name: LocalText,
    closeLevel: z.enum(HANDLING_LEVELS),
    deadlines: z.record(z.string(), z.number().int()).describe("Working minutes each level has before escalation"),
    priority: z.enum(PRIORITIES),
    attributes: z.array(z.any()),
    active: z.boolean(),
  })
  .meta({ id: "EventCategory" });
const DaySchema = z.object({
  day: z.iso.date(),
  kind: z.enum(["holiday", "workday"]),
  note: z.string().max(100).nullable().default(null),
});

export const eventsRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    "/event-categories",
    {
      // Every signed-in user: residents choose a category when they report.
      schema: {
        tags: ["events"],
        summary: "The event categories: close level, working-time deadlines per level, priority, extra fields",
        response: { 200: z.array(CategorySchema), ...errors },
      },
    },
    async () => listCategories(ctx.db),
  );

  app.put(
    "/event-categories/:key",
    {
      config: { permission: "event.configure" },
      schema: {
        tags: ["events"],
        summary: "Edit a category: its names, close level, deadlines, priority, extra fields, or retire it",
        params: z.object({ key: z.string().max(64) }),
        body: CategorySettingsSchema,
        response: { 200: CategorySchema, ...errors },
      },
    },
    async (request) =>
      updateCategory(ctx, principalOf(request), requestMeta(request), request.params.key, request.body),
  );

  app.get(
    "/work-calendar/:year",
    {
      config: { permission: "event.read" },
      schema: {
        tags: ["events"],
        summary: "A year's public holidays on weekdays and make-up working days (调休) on weekends",
        params: z.object({ year: z.coerce.number().int().min(2000).max(2100) }),
        response: { 200: z.array(DaySchema), ...errors },
      },
    },
    async (request) => calendarYear(ctx.db, request.params.year),
  );

  app.put(
    "/work-calendar/:year",
    {
      config: { permission: "event.configure" },
      schema: {
        tags: ["events"],
        summary: "Replace a year's holidays and make-up working days (deadlines count working time by them)",
        params: z.object({ year: z.coerce.number().int().min(2000).max(2100) }),
        body: z.object({ days: z.array(DaySchema).max(120) }).strict(),
        response: { 200: z.array(DaySchema), ...errors },
      },
    },
    async (request) =>
      setCalendarYear(ctx, principalOf(request), requestMeta(request), request.params.year, request.body.days),
  );

  const KeySchema = z.object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
  });

  app.get(
    "/open311/keys",
    {
      config: { permission: "system.manage" },
      schema: {
        tags: ["open311"],
        summary: "The Open311 API keys (names and prefixes; the keys themselves are never shown again)",
        response: { 200: z.array(KeySchema), ...errors },
      },
    },
    async () => listOpen311Keys(ctx),
  );

  app.post(
    "/open311/keys",
    {
      config: { permission: "system.manage" },
      schema: {
        tags: ["open311"],
        summary: "Create an Open311 API key for a client; the response carries the key, once",
        body: z.object({ name: z.string().trim().min(1).max(60) }).strict(),
        response: {
          201: z.object({ id: z.uuid(), name: z.string(), key: z.string(), prefix: z.string(), createdAt: z.string() }),
          ...errors,
          409: ProblemSchema,
        },
      },
    },
    async (request, reply) => {
      const actor = principalOf(request);
      const key = await createOpen311Key(
        ctx,
        { userId: actor.userId, username: actor.username },
        requestMeta(request),
        request.body.name,
      );
      return reply.status(201).send(key);
    },
  );

  app.delete(
    "/open311/keys/:id",
    {
      config: { permission: "system.manage" },
      schema: {
        tags: ["open311"],
        summary: "Revoke an Open311 API key",
        params: z.object({ id: z.uuid() }),
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      const actor = principalOf(request);
      await revokeOpen311Key(
        ctx,
        { userId: actor.userId, username: actor.username },
        requestMeta(request),
        request.params.id,
      );
      return reply.status(204).send(null);
    },
  );
};
