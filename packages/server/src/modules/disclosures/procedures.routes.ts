import {
  ManagedProcedureQuerySchema,
  NewProcedureSchema,
  ProcedureListQuerySchema,
  ProcedureSchema,
  ProcedureUpdateSchema,
  PublicProcedureSchema,
} from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { problemResponses, routeErrors } from "../../http/problem.ts";
import {
  createProcedure,
  getPublishedProcedure,
  listManagedProcedures,
  searchProcedures,
  updateProcedure,
} from "./procedures.service.ts";

const errors = routeErrors;
const tags = ["procedures"];
const IdParams = z.object({ id: z.uuid() });

/** Procedure guides (/procedures): public search in Chinese or pinyin; staff of the area write and publish. */
export const proceduresRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    "/procedures",
    {
      config: { public: true },
      schema: {
        tags,
        summary: "Published procedures of a village and the areas above it, by Chinese words or pinyin (public)",
        querystring: ProcedureListQuerySchema,
        response: { 200: z.array(ProcedureSchema), ...problemResponses },
      },
    },
    async (request) => searchProcedures(ctx, request.query),
  );

  app.get(
    "/procedures/manage",
    {
      config: { permission: "disclosure.manage" },
      schema: {
        tags,
        summary: "Procedures under the caller's areas, published or not",
        querystring: ManagedProcedureQuerySchema,
        response: { 200: z.array(ProcedureSchema), ...errors },
      },
    },
    async (request) => listManagedProcedures(ctx, principalOf(request), request.query),
  );

  app.get(
    "/procedures/:id",
    {
      config: { public: true },
      schema: {
        tags,
        summary: "A published procedure with its answered questions (public)",
        params: IdParams,
        response: { 200: PublicProcedureSchema, ...problemResponses },
      },
    },
    async (request) => getPublishedProcedure(ctx, request.params.id),
  );

  app.post(
    "/procedures",
    {
      config: { permission: "disclosure.manage" },
      schema: {
        tags,
        summary: "Write a procedure guide (a retry with the same id answers the first)",
        body: NewProcedureSchema,
        response: { 200: ProcedureSchema, 201: ProcedureSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { procedure, created } = await createProcedure(
        ctx,
        principalOf(request),
        requestMeta(request),
        request.body,
      );
      return reply.status(created ? 201 : 200).send(procedure);
    },
  );

  app.put(
    "/procedures/:id",
    {
      config: { permission: "disclosure.manage" },
      schema: {
        tags,
        summary: "Edit, publish or withdraw a procedure guide",
        params: IdParams,
        body: ProcedureUpdateSchema,
        response: { 200: ProcedureSchema, ...errors },
      },
    },
    async (request) =>
      updateProcedure(ctx, principalOf(request), requestMeta(request), request.params.id, request.body),
  );
};
