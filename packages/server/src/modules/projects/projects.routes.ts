import {
  AcceptanceInputSchema,
  AcceptanceSchema,
  ManagedProjectQuerySchema,
  ManagedProjectSchema,
  MilestoneUpdateSchema,
  NewMilestoneSchema,
  NewProjectSchema,
  ProjectFileQuerySchema,
  ProjectListQuerySchema,
  ProjectSummarySchema,
  ProjectUpdateSchema,
  PublicProjectSchema,
} from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { problemResponses, routeErrors } from "../../http/problem.ts";
import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES } from "../events/attachment-files.ts";
import {
  addProjectFile,
  readPublicProjectFile,
  readStaffProjectFile,
  removeProjectFile,
} from "./project-files.service.ts";
import {
  listManagedProjects,
  listPublishedProjectViews,
  managedProject,
  publicAcceptances,
  publicProject,
} from "./project-views.service.ts";
import {
  addMilestone,
  createProject,
  publishProject,
  recordAcceptance,
  updateMilestone,
  updateProject,
} from "./projects.service.ts";

const errors = routeErrors;
const tags = ["projects"];
const IdParams = z.object({ id: z.uuid() });
const FileParams = z.object({ id: z.uuid(), fileId: z.uuid() });
const MilestoneParams = z.object({ id: z.uuid(), milestoneId: z.uuid() });
const manage = { permission: "project.manage" } as const;

/**
 * Livelihood projects (/projects): public reading of published projects of a village and the areas
 * above it; for the area's staff (project.manage) writing, publishing, corrections with a reason,
 * milestones, progress photos and the completion acceptance. A draft exists only for staff of its area.
 */
export const projectsRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addContentTypeParser(
    [...Object.keys(ATTACHMENT_TYPES), "application/octet-stream"],
    { parseAs: "buffer", bodyLimit: MAX_ATTACHMENT_BYTES + 1024 },
    (_request, body, done) => done(null, body),
  );
  const bodyOf = (body: unknown) => (Buffer.isBuffer(body) ? body : Buffer.alloc(0));
  const sendFile = (
    reply: import("fastify").FastifyReply,
    row: { content_type: string; file_name: string },
    data: Buffer,
    cache: string,
  ) =>
    reply
      .type(row.content_type)
      .header("content-disposition", `inline; filename*=UTF-8''${encodeURIComponent(row.file_name)}`)
      .header("x-content-type-options", "nosniff")
      .header("cache-control", cache)
      .send(data);

  // ---- public ------------------------------------------------------------------------------------

  app.get(
    "/projects",
    {
      config: { public: true },
      schema: {
        tags,
        summary: "Published projects of a village and the areas above it, newest first (public)",
        querystring: ProjectListQuerySchema,
        response: { 200: z.array(ProjectSummarySchema), ...problemResponses },
      },
    },
    async (request) => listPublishedProjectViews(ctx, request.query),
  );

  app.get(
    "/projects/:id",
    {
      config: { public: true },
      schema: {
        tags,
        summary: "A published project: milestones, photos, acceptances, earlier versions, answered questions (public)",
        params: IdParams,
        response: { 200: PublicProjectSchema, ...problemResponses },
      },
    },
    async (request) => publicProject(ctx, request.params.id),
  );

  app.get(
    "/projects/:id/acceptances",
    {
      config: { public: true },
      schema: {
        tags,
        summary: "Every completion acceptance of a published project in order, failed ones included (public)",
        params: IdParams,
        response: { 200: z.array(AcceptanceSchema), ...problemResponses },
      },
    },
    async (request) => publicAcceptances(ctx, request.params.id),
  );

  app.get(
    "/projects/:id/files/:fileId",
    {
      config: { public: true },
      schema: {
        tags,
        summary: "A progress photo or the acceptance document of a published project (public)",
        params: FileParams,
      },
    },
    async (request, reply) => {
      const { row, data } = await readPublicProjectFile(ctx, request.params.id, request.params.fileId);
      return sendFile(reply, row, data, "public, max-age=3600");
    },
  );

  // ---- staff -------------------------------------------------------------------------------------

  app.get(
    "/projects/manage",
    {
      config: manage,
      schema: {
        tags,
        summary: "Projects under the caller's areas, published or not, last changed first",
        querystring: ManagedProjectQuerySchema,
        response: { 200: z.array(ProjectSummarySchema), ...errors },
      },
    },
    async (request) => listManagedProjects(ctx, principalOf(request), request.query),
  );

  app.post(
    "/projects",
    {
      config: manage,
      schema: {
        tags,
        summary: "Start a project as a draft (a retry with the same id answers the first)",
        body: NewProjectSchema,
        response: { 200: ManagedProjectSchema, 201: ManagedProjectSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { project, created } = await createProject(ctx, principalOf(request), requestMeta(request), request.body);
      return reply.status(created ? 201 : 200).send(project);
    },
  );

  app.get(
    "/projects/:id/manage",
    {
      config: manage,
      schema: {
        tags,
        summary: "Everything of a project: versions, milestones, files, acceptance, comments (staff of its area)",
        params: IdParams,
        response: { 200: ManagedProjectSchema, ...errors },
      },
    },
    async (request) => managedProject(ctx, principalOf(request), request.params.id),
  );

  app.put(
    "/projects/:id",
    {
      config: manage,
      schema: {
        tags,
        summary: "Edit a draft, or correct a published project with the reason residents will see",
        params: IdParams,
        body: ProjectUpdateSchema,
        response: { 200: ManagedProjectSchema, ...errors },
      },
    },
    async (request) => updateProject(ctx, principalOf(request), requestMeta(request), request.params.id, request.body),
  );

  app.post(
    "/projects/:id/publish",
    {
      config: manage,
      schema: {
        tags,
        summary: "Publish a draft (it needs a milestone); publishing again answers the same",
        params: IdParams,
        response: { 200: ManagedProjectSchema, ...errors },
      },
    },
    async (request) => publishProject(ctx, principalOf(request), requestMeta(request), request.params.id),
  );

  app.post(
    "/projects/:id/milestones",
    {
      config: manage,
      schema: {
        tags,
        summary: "Add a milestone with its planned date (a retry with the same id answers the first)",
        params: IdParams,
        body: NewMilestoneSchema,
        response: { 200: ManagedProjectSchema, 201: ManagedProjectSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { project, created } = await addMilestone(
        ctx,
        principalOf(request),
        requestMeta(request),
        request.params.id,
        request.body,
      );
      return reply.status(created ? 201 : 200).send(project);
    },
  );

  app.put(
    "/projects/:id/milestones/:milestoneId",
    {
      config: manage,
      schema: {
        tags,
        summary: "Update a milestone: its plan, its state, the date it was done",
        params: MilestoneParams,
        body: MilestoneUpdateSchema,
        response: { 200: ManagedProjectSchema, ...errors },
      },
    },
    async (request) =>
      updateMilestone(
        ctx,
        principalOf(request),
        requestMeta(request),
        request.params.id,
        request.params.milestoneId,
        request.body,
      ),
  );

  app.put(
    "/projects/:id/files/:fileId",
    {
      config: manage,
      bodyLimit: MAX_ATTACHMENT_BYTES + 1024,
      schema: {
        tags,
        summary: "Add a progress photo or the acceptance document (location metadata removed); the body is the file",
        params: FileParams,
        querystring: ProjectFileQuerySchema,
        response: { 200: ManagedProjectSchema, 201: ManagedProjectSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { project, created } = await addProjectFile(ctx, principalOf(request), requestMeta(request), {
        projectId: request.params.id,
        fileId: request.params.fileId,
        fileName: request.query.fileName,
        purpose: request.query.purpose,
        milestoneId: request.query.milestoneId,
        caption: request.query.caption,
        data: bodyOf(request.body),
      });
      return reply.status(created ? 201 : 200).send(project);
    },
  );

  app.delete(
    "/projects/:id/files/:fileId",
    {
      config: manage,
      schema: {
        tags,
        summary: "Remove a photo (the document of a recorded acceptance stays)",
        params: FileParams,
        response: { 200: ManagedProjectSchema, ...errors },
      },
    },
    async (request) =>
      removeProjectFile(ctx, principalOf(request), requestMeta(request), request.params.id, request.params.fileId),
  );

  app.get(
    "/projects/:id/manage/files/:fileId",
    {
      config: manage,
      schema: { tags, summary: "Any file of a project (staff of its area)", params: FileParams },
    },
    async (request, reply) => {
      const { row, data } = await readStaffProjectFile(
        ctx,
        principalOf(request),
        request.params.id,
        request.params.fileId,
      );
      return sendFile(reply, row, data, "no-store");
    },
  );

  app.post(
    "/projects/:id/acceptances",
    {
      config: manage,
      schema: {
        tags,
        summary:
          "Record a completion acceptance (验收) once every milestone is done; a failed one stays on record, a passed one closes the project (a retry with the same id answers the first)",
        params: IdParams,
        body: AcceptanceInputSchema,
        response: { 200: ManagedProjectSchema, 201: ManagedProjectSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { project, created } = await recordAcceptance(
        ctx,
        principalOf(request),
        requestMeta(request),
        request.params.id,
        request.body,
      );
      return reply.status(created ? 201 : 200).send(project);
    },
  );
};
