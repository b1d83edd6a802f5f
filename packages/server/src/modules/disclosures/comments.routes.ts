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
/** Staff answer comments on disclosures and procedures (disclosure.manage) and on projects (project.manage). */
const answering: { anyPermission: ("disclosure.manage" | "project.manage")[] } = {
  anyPermission: ["disclosure.manage", "project.manage"],
};

/**
 * Residents' questions and objections on published items (/comments) — disclosures, procedure guides,
 * livelihood projects: anyone signed in asks; the item's own staff answer or hide (with a reason);
 * answered ones are public on the item.
 */
export const commentsRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post(
    "/comments",
    {
      // Any signed-in user: a resident most of all.
      schema: {
        tags,
        summary:
          "Ask a question on a published disclosure, procedure or project, or lodge an objection (异议) on a disclosure in its publicity period",
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
      config: answering,
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
      config: answering,
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
      config: answering,
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
