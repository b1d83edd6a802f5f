import { PERMISSIONS, ProblemSchema, RoleSchema, UpdateRoleBodySchema } from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { problemResponses } from "../../http/problem.ts";
import { getRole, listRoles, setRolePermissions } from "./roles.service.ts";

const errors = { ...problemResponses, 401: ProblemSchema, 403: ProblemSchema };

export const rolesRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    "/roles",
    {
      config: { permission: "user.read" },
      schema: {
        tags: ["roles"],
        summary: "Roles with their permissions",
        response: { 200: z.array(RoleSchema), ...errors },
      },
    },
    async () => listRoles(ctx.db),
  );

  app.get(
    "/permissions",
    {
      config: { permission: "user.read" },
      schema: {
        tags: ["roles"],
        summary: "The permission catalogue: every guarded action and what it allows",
        response: { 200: z.array(z.object({ key: z.string(), description: z.string() })), ...errors },
      },
    },
    async () => Object.entries(PERMISSIONS).map(([key, description]) => ({ key, description })),
  );

  // The auditor role has a route of its own, for auditors (三员分立): the admin's role.manage does not
  // reach it. A static path wins over /roles/:key in the router, whatever the order here.
  app.put(
    "/roles/auditor",
    {
      config: { permission: "audit.read" },
      schema: {
        tags: ["roles"],
        summary:
          "Replace the auditor role's permissions or require TOTP of it: auditors only, never the admin (separation of duties)",
        body: UpdateRoleBodySchema,
        response: { 200: RoleSchema, ...errors, 422: ProblemSchema },
      },
    },
    async (request) =>
      setRolePermissions(ctx, principalOf(request), requestMeta(request), "auditor", request.body as never),
  );

  app.put(
    "/roles/:key",
    {
      config: { permission: "role.manage", deploymentWide: true },
      schema: {
        tags: ["roles"],
        summary: "Replace a role's permissions (audit permissions stay with the auditor); optionally require TOTP",
        params: z.object({ key: z.string().max(64) }),
        body: UpdateRoleBodySchema,
        response: { 200: RoleSchema, ...errors, 422: ProblemSchema },
      },
    },
    async (request) => {
      await getRole(ctx.db, request.params.key);
      return setRolePermissions(
        ctx,
        principalOf(request),
        requestMeta(request),
        request.params.key,
        request.body as never,
      );
    },
  );
};
