import {
  CreateAssignmentBodySchema,
  CreateAuditorBodySchema,
  CreatedUserSchema,
  CreateUserBodySchema,
  DomainError,
  fieldIssue,
  ProblemSchema,
  ResetPasswordBodySchema,
  UpdateUserBodySchema,
  UserSchema,
} from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { requestLocale, sayRowIssues } from "../../http/locale.ts";
import { problemResponses } from "../../http/problem.ts";
import { revokeCredentials } from "../auth/auth.service.ts";
import { grantAssignment, revokeAssignment } from "./assignments.service.ts";
import { readStaffFile } from "./staff-file.ts";
import { importStaffPosts } from "./staff-import.service.ts";
import { getUser, listUsers } from "./user-access.service.ts";
import { createAuditor, createUser, resetPassword, updateUser } from "./users.service.ts";

const errors = { ...problemResponses, 401: ProblemSchema, 403: ProblemSchema, 409: ProblemSchema };
const IdParams = z.object({ id: z.uuid() });

export const usersRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    "/users",
    {
      config: { permission: "user.read" },
      schema: {
        tags: ["users"],
        summary: "Accounts in your scope (holding a role in one of your areas)",
        querystring: z
          .object({
            q: z.string().trim().max(64).optional(),
            status: z.enum(["active", "locked", "disabled"]).optional(),
            roleKey: z.string().max(64).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
            offset: z.coerce.number().int().min(0).default(0),
          })
          .strict(),
        response: { 200: z.object({ items: z.array(UserSchema), total: z.number().int() }), ...errors },
      },
    },
    async (request) => {
      const { limit, offset, ...filter } = request.query;
      return listUsers(ctx, principalOf(request), filter, { limit, offset });
    },
  );

  app.post(
    "/users",
    {
      config: { permission: "user.manage" },
      schema: {
        tags: ["users"],
        summary: "Create an account (idempotent on id); without a password a temporary one is returned once",
        body: CreateUserBodySchema,
        response: { 200: CreatedUserSchema, 201: CreatedUserSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { user, created, initialPassword } = await createUser(
        ctx,
        principalOf(request),
        requestMeta(request),
        request.body,
      );
      return reply.status(created ? 201 : 200).send({ user, initialPassword });
    },
  );

  app.post(
    "/auditors",
    {
      // The auditors' own (三员分立): user.manage does not reach it, audit permissions do.
      config: { permission: "audit.read" },
      schema: {
        tags: ["users"],
        summary:
          "Create an auditor (auditors only, never the admin; idempotent on id): a temporary password is returned once",
        body: CreateAuditorBodySchema,
        response: { 200: CreatedUserSchema, 201: CreatedUserSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { user, created, initialPassword } = await createAuditor(
        ctx,
        principalOf(request),
        requestMeta(request),
        request.body,
      );
      return reply.status(created ? 201 : 200).send({ user, initialPassword });
    },
  );

  app.get(
    "/users/:id",
    {
      config: { permission: "user.read" },
      schema: {
        tags: ["users"],
        summary: "One account with its assignments",
        params: IdParams,
        response: { 200: UserSchema, ...errors },
      },
    },
    async (request) => getUser(ctx, principalOf(request), request.params.id),
  );

  app.patch(
    "/users/:id",
    {
      config: { permission: "user.manage" },
      schema: {
        tags: ["users"],
        summary: "Change name, phone or status (active, locked, disabled)",
        params: IdParams,
        body: UpdateUserBodySchema,
        response: { 200: UserSchema, ...errors },
      },
    },
    async (request) =>
      updateUser(ctx, principalOf(request), requestMeta(request), request.params.id, request.body, (trx, userId) =>
        revokeCredentials(ctx, trx, userId),
      ),
  );

  app.post(
    "/users/:id/password-reset",
    {
      config: { permission: "user.manage" },
      schema: {
        tags: ["users"],
        summary: "Set a new password (or get a temporary one, shown once); ends the user's sessions",
        params: IdParams,
        body: ResetPasswordBodySchema,
        response: { 200: z.object({ temporaryPassword: z.string().nullable() }), ...errors },
      },
    },
    async (request) =>
      resetPassword(ctx, principalOf(request), requestMeta(request), request.params.id, request.body, (trx, userId) =>
        revokeCredentials(ctx, trx, userId),
      ),
  );

  app.post(
    "/users/import-staff",
    {
      config: { permission: "user.manage" },
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        tags: ["users"],
        summary:
          "Bulk import staff posts from a CSV or XLSX roster (name, phone, home unit, grid code, role), with a report per row",
        body: z.object({ format: z.enum(["csv", "xlsx"]), content: z.base64().max(16 * 1024 * 1024) }).strict(),
        response: {
          200: z.object({
            created: z.number().int(),
            assigned: z.number().int(),
            unchanged: z.number().int(),
            rejected: z.number().int(),
            rows: z.array(
              z.object({
                row: z.number().int(),
                outcome: z.enum(["created", "assigned", "unchanged", "rejected"]),
                username: z.string().optional(),
                temporaryPassword: z.string().optional(),
                errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      // A CSV whose quotes would shift the columns says where (csv.ts); anything else unreadable, that it is.
      const file = await readStaffFile(Buffer.from(request.body.content, "base64"), request.body.format).catch(
        (error: unknown) => (error instanceof DomainError ? error : undefined),
      );
      if (!file || file instanceof DomainError)
        throw new DomainError("VALIDATION_FAILED", "the file cannot be read", {
          errors: [
            {
              path: "body.content",
              message: file?.message ?? `not a readable ${request.body.format.toUpperCase()} file`,
            },
          ],
        });
      if (!file.ok) {
        throw new DomainError("VALIDATION_FAILED", "the roster lacks columns", {
          errors: [fieldIssue("body.content", "FIELD_MISSING_COLUMNS", { columns: file.missingColumns.join(", ") })],
        });
      }
      const rows = await importStaffPosts(ctx, principalOf(request), requestMeta(request), file.rows);
      const count = (o: string) => rows.filter((r) => r.outcome === o).length;
      return {
        created: count("created"),
        assigned: count("assigned"),
        unchanged: count("unchanged"),
        rejected: count("rejected"),
        rows: sayRowIssues(rows, requestLocale(request)),
      };
    },
  );

  app.post(
    "/assignments",
    {
      config: { permission: "user.manage" },
      schema: {
        tags: ["users"],
        summary: "Give a user a role in an area (idempotent on id); never to yourself",
        body: CreateAssignmentBodySchema,
        response: { 201: UserSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { id, userId, roleKey, areaCode, homeUnit } = request.body;
      const user = await grantAssignment(ctx, principalOf(request), requestMeta(request), {
        id,
        userId,
        roleKey,
        areaCode: areaCode ?? null,
        homeUnit,
      });
      return reply.status(201).send(user);
    },
  );

  app.delete(
    "/assignments/:id",
    {
      config: { permission: "user.manage" },
      schema: {
        tags: ["users"],
        summary: "Take a role away",
        params: IdParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await revokeAssignment(ctx, principalOf(request), requestMeta(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
