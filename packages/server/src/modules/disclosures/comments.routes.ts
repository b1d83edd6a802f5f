import {
  CommentHideSchema,
  CommentInboxQuerySchema,
  CommentReplySchema,
  MyCommentSchema,
  NewCommentSchema,
  StaffCommentSchema,
} from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { routeErrors } from "../../http/problem.ts";
import { commentInbox, hideComment, lodgeComment, myComments, replyToComment } from "./comments.service.ts";

const errors = routeErrors;
const tags = ["disclosures"];
const IdParams = z.object({ id: z.uuid() });

/**
 * Residents' questions and objections on published disclosures (/comments): anyone signed in asks;
 * the village's staff answer or hide (with a reason); answered ones are public on the item.
 */
export const commentsRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post(
    "/comments",
    {
      // Any signed-in user: a resident most of all.
      schema: {
        tags,
        summary: "Ask a question or lodge an objection (异议, during the publicity period) on a published item",
        body: NewCommentSchema,
        response: { 200: MyCommentSchema, 201: MyCommentSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { comment, created } = await lodgeComment(ctx, principalOf(request), requestMeta(request), request.body);
      return reply.status(created ? 201 : 200).send(comment);
    },
  );

  app.get(
    "/comments/mine",
    {
      schema: {
        tags,
        summary: "The caller's questions and objections, with answers, newest first",
        response: { 200: z.array(MyCommentSchema), ...errors },
      },
    },
    async (request) => myComments(ctx, principalOf(request)),
  );

  app.get(
    "/comments",
    {
      config: { permission: "disclosure.manage" },
      schema: {
        tags,
        summary: "Questions and objections under the caller's areas: open (oldest first), overdue, answered, hidden",
        querystring: CommentInboxQuerySchema,
        response: { 200: z.array(StaffCommentSchema), ...errors },
      },
    },
    async (request) => commentInbox(ctx, principalOf(request), request.query),
  );

  app.post(
    "/comments/:id/reply",
    {
      config: { permission: "disclosure.manage" },
      schema: {
        tags,
        summary: "Answer a question or objection: it becomes public with the answer",
        params: IdParams,
        body: CommentReplySchema,
        response: { 200: StaffCommentSchema, ...errors },
      },
    },
    async (request) =>
      replyToComment(ctx, principalOf(request), requestMeta(request), request.params.id, request.body.text),
  );

  app.post(
    "/comments/:id/hide",
    {
      config: { permission: "disclosure.manage" },
      schema: {
        tags,
        summary: "Hide an abusive question or objection, with the reason (kept and audited)",
        params: IdParams,
        body: CommentHideSchema,
        response: { 200: StaffCommentSchema, ...errors },
      },
    },
    async (request) =>
      hideComment(ctx, principalOf(request), requestMeta(request), request.params.id, request.body.reason),
  );
};
