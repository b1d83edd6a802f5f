import { CalendarDaySchema, CalendarYearBodySchema, CalendarYearParamsSchema, ProblemSchema } from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { problemResponses } from "../../http/problem.ts";
import { calendarYear, setCalendarYear } from "./categories.service.ts";

const errors = { ...problemResponses, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 422: ProblemSchema };

/** The working calendar deadlines are counted in: public holidays and make-up working days (调休). */
export const workCalendarRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    "/work-calendar/:year",
    {
      // Every signed-in user: public holidays are no secret, and who sets them (event.configure, which
      // an administrator holds without event.read) must read them to set them.
      schema: {
        tags: ["events"],
        summary: "A year's public holidays on weekdays and make-up working days (调休) on weekends",
        params: CalendarYearParamsSchema,
        response: { 200: z.array(CalendarDaySchema), ...errors },
      },
    },
    async (request) => calendarYear(ctx.db, request.params.year),
  );

  app.put(
    "/work-calendar/:year",
    {
      config: { permission: "event.configure", deploymentWide: true },
      schema: {
        tags: ["events"],
        summary: "Replace a year's holidays and make-up working days (deadlines count working time by them)",
        params: CalendarYearParamsSchema,
        body: CalendarYearBodySchema,
        response: { 200: z.array(CalendarDaySchema), ...errors },
      },
    },
    async (request) =>
      setCalendarYear(ctx, principalOf(request), requestMeta(request), request.params.year, request.body.days),
  );
};
