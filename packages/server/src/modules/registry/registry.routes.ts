import { ID_TYPES, ProblemSchema, RELATIONSHIPS, RESIDENCE_STATUSES } from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { problemResponses } from "../../http/problem.ts";
import {
  createHousehold,
  getHousehold,
  HOUSEHOLD_KINDS,
  leadHouseholdLayer,
  searchHouseholdsInScope,
  setLeadHouseholds,
} from "./households.service.ts";
import {
  createOrganisation,
  getOrganisation,
  ORGANISATION_KINDS,
  searchOrganisationsInScope,
} from "./organisations.service.ts";
import { createPerson, getPerson, personAccessLog, revealPerson } from "./people.service.ts";
import { exportPeople, searchPeopleInScope } from "./people-search.service.ts";
import { transferPerson, updatePersonRecord } from "./person-changes.service.ts";
import { createPlace, getPlace, searchPlacesInScope } from "./places.service.ts";
import { endSubjectTag, listTagDefinitionViews, tagSubject, visibleTagDefinitions } from "./tags.service.ts";

const errors = { ...problemResponses, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 422: ProblemSchema };
const IdParams = z.object({ id: z.uuid() });
const date = z.iso.date();
const Paging = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
};
const LocalText = z.object({ "zh-CN": z.string(), en: z.string() });

const TagInputSchema = z
  .object({
    key: z.string().min(1).max(64),
    validFrom: date.optional(),
    validTo: date.optional(),
    note: z.string().max(500).optional(),
  })
  .strict();
const TagSchema = z
  .object({
    id: z.uuid(),
    key: z.string(),
    category: z.enum(["care", "service", "sensitive"]),
    name: LocalText,
    visitEveryDays: z.number().int().nullable(),
    validFrom: z.string(),
    validTo: z.string().nullable(),
    source: z.string(),
    note: z.string().nullable(),
  })
  .meta({ id: "SubjectTag" });

const PersonBody = z
  .object({
    id: z.uuid().describe("Client-generated: a retried create returns the record instead of a duplicate"),
    name: z.string().trim().min(1).max(50),
    gender: z.enum(["male", "female"]).optional(),
    birthDate: date.optional().describe("Read from the ID number when left out"),
    ethnicity: z.string().max(20).optional().describe("Name (壮族, 壮) or GB/T 3304 code (08)"),
    idType: z.enum(ID_TYPES).optional().describe("Default resident_id"),
    idNumber: z.string().max(40).optional(),
    phone: z.string().max(30).optional(),
    residenceStatus: z.enum(RESIDENCE_STATUSES).optional(),
    partyMember: z.boolean().optional(),
    partyBranch: z.string().max(100).optional(),
    registeredAddress: z.string().max(200).optional().describe("户籍地: where the household registration is"),
    householdId: z.uuid().optional(),
    relationship: z.enum(RELATIONSHIPS).optional().describe("Relationship to the head of the household"),
    placeId: z.uuid().optional().describe("Actual residence"),
    gridCode: z.string().max(24).optional().describe("Grid responsible; else the household's or the place's"),
    notes: z.string().max(2000).optional(),
    tags: z.array(TagInputSchema).max(50).optional(),
  })
  .strict();
const PersonSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    gender: z.enum(["male", "female"]).nullable(),
    birthDate: z
      .string()
      .nullable()
      .describe(
        "The full date only where you may reveal ID numbers (person.reveal); else null: with the masked number it would narrow the number to a few hundred",
      ),
    birthYear: z.number().int().nullable(),
    ethnicity: z.object({ code: z.string(), name: LocalText }).nullable(),
    idType: z.string().nullable(),
    idNumber: z
      .string()
      .nullable()
      .describe("Masked to its region (450802************); reveal with a reason for the clear value"),
    phone: z.string().nullable().describe("Masked (138****5678)"),
    residenceStatus: z.string(),
    partyMember: z.boolean(),
    partyBranch: z.string().nullable(),
    registeredAddress: z.string().nullable(),
    householdId: z.uuid().nullable(),
    relationship: z.string().nullable(),
    placeId: z.uuid().nullable(),
    gridCode: z.string().nullable(),
    areaPath: z.string(),
    notes: z.string().nullable(),
    tags: z.array(TagSchema),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Person" });
const PersonDetailSchema = PersonSchema.extend({
  attribution: z.array(
    z.object({
      areaCode: z.string().nullable(),
      areaName: z.string().nullable(),
      validFrom: z.string(),
      validTo: z.string().nullable(),
      reason: z.string().nullable(),
    }),
  ),
}).meta({ id: "PersonDetail" });

const PlaceSchema = z
  .object({
    id: z.uuid(),
    divisionCode: z.string(),
    road: z.string().nullable(),
    houseNumber: z.string().nullable(),
    building: z.string().nullable(),
    unit: z.string().nullable(),
    room: z.string().nullable(),
    address: z.string(),
    lng: z.number().nullable(),
    lat: z.number().nullable(),
    gridCode: z.string().nullable(),
    areaPath: z.string(),
  })
  .meta({ id: "Place" });
const HouseholdSummarySchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(HOUSEHOLD_KINDS),
    ref: z.string().nullable(),
    placeId: z.uuid().nullable(),
    address: z.string().nullable(),
    headPersonId: z.uuid().nullable(),
    headName: z.string().nullable().describe("The head's name, when the household has one"),
    memberCount: z.number().int().describe("Members registered in the household"),
    gridCode: z.string().nullable(),
    areaPath: z.string(),
  })
  .meta({ id: "HouseholdSummary" });
const HouseholdSchema = HouseholdSummarySchema.extend({
  place: PlaceSchema.nullable(),
  members: z.array(PersonSchema),
  tags: z.array(TagSchema),
  ledBy: z.uuid().nullable().describe("The party member's household that looks after this one"),
  looksAfter: z.array(z.object({ householdId: z.uuid(), address: z.string().nullable(), since: z.string() })),
}).meta({ id: "Household" });
const OrganisationSchema = z
  .object({
    id: z.uuid(),
    kind: z.string(),
    name: z.string(),
    creditCode: z.string().nullable(),
    placeId: z.uuid().nullable(),
    gridCode: z.string().nullable(),
    areaPath: z.string(),
    contactName: z.string().nullable(),
    contactPhone: z.string().nullable(),
    notes: z.string().nullable(),
  })
  .meta({ id: "Organisation" });

export const registryRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  // ---- people ----
  app.post(
    "/people",
    {
      config: { permission: "person.manage" },
      schema: {
        tags: ["registry"],
        summary: "Register a person; ID and phone numbers are stored encrypted and answered masked",
        body: PersonBody,
        response: { 200: PersonSchema, 201: PersonSchema, 409: ProblemSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { person, created } = await createPerson(ctx, principalOf(request), requestMeta(request), request.body);
      return reply.status(created ? 201 : 200).send(person);
    },
  );

  app.get(
    "/people",
    {
      config: { permission: "person.read" },
      schema: {
        tags: ["registry"],
        summary: "Search people in your scope",
        description:
          "`q` is read as an ID number or a mobile number (exact, through the blind index; limited per user to WANGGE_NUMBER_SEARCHES in WANGGE_NUMBER_SEARCH_MINUTES, audited, and written to the access log of whoever is found), one Chinese character as a surname (names starting with it), two or more Chinese characters anywhere in the name, or pinyin — full (zhangsan) or initials (zs) — as a prefix. `tag`, `tagCategory`, `address` and `gridCode` narrow further. Results come in one order; the `x-next-cursor` header (absent on the last page) is the `cursor` of the next page.",
        querystring: z
          .object({
            q: z.string().max(50).optional(),
            tag: z.string().max(64).optional(),
            tagCategory: z
              .enum(["care", "service"])
              .optional()
              .describe("People with any tag of this category (care: whom to visit)"),
            address: z.string().max(100).optional(),
            gridCode: z.string().max(24).optional(),
            householdId: z.uuid().optional(),
            ...Paging,
            cursor: z.string().max(400).optional().describe("x-next-cursor of the previous page"),
          })
          .strict(),
        response: { 200: z.array(PersonSchema), 429: ProblemSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { people, nextCursor } = await searchPeopleInScope(
        ctx,
        principalOf(request),
        requestMeta(request),
        request.query,
      );
      if (nextCursor) reply.header("x-next-cursor", nextCursor);
      return people;
    },
  );

  app.post(
    "/people/export",
    {
      config: { permission: "person.read" },
      schema: {
        tags: ["registry"],
        summary: "Export the people a search finds, as CSV or XLSX; numbers masked unless revealed with a reason",
        description:
          "Same filters as GET /people. `reveal: true` needs person.reveal wherever the people are and a reason; the export is audited and written to each person's access log.",
        body: z
          .object({
            format: z.enum(["csv", "xlsx"]).default("xlsx"),
            q: z.string().max(50).optional(),
            tag: z.string().max(64).optional(),
            address: z.string().max(100).optional(),
            gridCode: z.string().max(24).optional(),
            reveal: z.boolean().default(false),
            reason: z.string().trim().max(500).optional(),
          })
          .strict(),
        response: { 200: z.any(), 429: ProblemSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { body, rows } = await exportPeople(ctx, principalOf(request), requestMeta(request), request.body);
      const format = request.body.format;
      return reply
        .header(
          "content-type",
          format === "csv"
            ? "text/csv; charset=utf-8"
            : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        .header(
          "content-disposition",
          `attachment; filename="people.${format}"; filename*=UTF-8''${encodeURIComponent(`人员.${format}`)}`,
        )
        .header("cache-control", "no-store")
        .header("x-row-count", String(rows))
        .send(body);
    },
  );

  app.get(
    "/people/:id",
    {
      config: { permission: "person.read" },
      schema: {
        tags: ["registry"],
        summary: "A person, masked, with tags you may see and the grids they belonged to; the read is logged",
        params: IdParams,
        response: { 200: PersonDetailSchema, ...errors },
      },
    },
    async (request) => getPerson(ctx, principalOf(request), requestMeta(request), request.params.id),
  );

  app.patch(
    "/people/:id",
    {
      config: { permission: "person.manage" },
      schema: {
        tags: ["registry"],
        summary: "Correct or update a person's record: only the fields given change (audited by field name)",
        params: IdParams,
        body: PersonBody.omit({ id: true, gridCode: true, tags: true }).partial().strict(),
        response: { 200: PersonDetailSchema, ...errors },
      },
    },
    async (request) =>
      updatePersonRecord(ctx, principalOf(request), requestMeta(request), request.params.id, request.body),
  );

  app.post(
    "/people/:id/reveal",
    {
      config: { permission: "person.reveal" },
      schema: {
        tags: ["registry"],
        summary: "The clear ID or phone number, once, for a stated reason (audited, in the person's access log)",
        params: IdParams,
        body: z
          .object({
            fields: z
              .array(z.enum(["idNumber", "phone"]))
              .min(1)
              .max(2),
            reason: z.string().trim().min(2).max(500),
          })
          .strict(),
        response: {
          200: z.object({ idNumber: z.string().nullable().optional(), phone: z.string().nullable().optional() }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const clear = await revealPerson(
        ctx,
        principalOf(request),
        requestMeta(request),
        request.params.id,
        request.body.fields,
        request.body.reason,
      );
      reply.header("cache-control", "no-store");
      return clear;
    },
  );

  app.get(
    "/people/:id/access-log",
    {
      config: { permission: "person.read" },
      schema: {
        tags: ["registry"],
        summary: "Who looked at this person's record, revealed, changed or moved it, and when",
        params: IdParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }).strict(),
        response: {
          200: z.array(
            z.object({
              at: z.string(),
              username: z.string().nullable(),
              action: z.string(),
              fields: z.array(z.string()),
              reason: z.string().nullable(),
            }),
          ),
          ...errors,
        },
      },
    },
    async (request) => personAccessLog(ctx, principalOf(request), request.params.id, request.query.limit),
  );

  app.post(
    "/people/:id/transfer",
    {
      config: { permission: "person.manage" },
      schema: {
        tags: ["registry"],
        summary: "Move a person to another grid; the old attribution stays in history",
        params: IdParams,
        body: z
          .object({
            gridCode: z.string().max(24),
            reason: z.string().trim().min(2).max(500),
            placeId: z.uuid().optional(),
          })
          .strict(),
        response: { 200: PersonDetailSchema, ...errors },
      },
    },
    async (request) => transferPerson(ctx, principalOf(request), requestMeta(request), request.params.id, request.body),
  );

  for (const subject of ["people", "households"] as const) {
    const subjectType = subject === "people" ? "person" : "household";
    app.post(
      `/${subject}/:id/tags`,
      {
        config: { permission: "person.manage" },
        schema: {
          tags: ["registry"],
          summary: `Tag a ${subjectType} (care, service or — with the permission — sensitive)`,
          params: IdParams,
          body: z.object({ tags: z.array(TagInputSchema).min(1).max(20) }).strict(),
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await tagSubject(
          ctx,
          principalOf(request),
          requestMeta(request),
          subjectType,
          request.params.id,
          request.body.tags,
        );
        return reply.status(204).send(null);
      },
    );
    app.delete(
      `/${subject}/:id/tags/:tagId`,
      {
        config: { permission: "person.manage" },
        schema: {
          tags: ["registry"],
          summary: `End a tag of a ${subjectType} (kept in history, gone from everyday views)`,
          params: z.object({ id: z.uuid(), tagId: z.uuid() }),
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await endSubjectTag(
          ctx,
          principalOf(request),
          requestMeta(request),
          subjectType,
          request.params.id,
          request.params.tagId,
        );
        return reply.status(204).send(null);
      },
    );
  }

  app.get(
    "/tags",
    {
      config: { permission: "person.read" },
      schema: {
        tags: ["registry"],
        summary: "Tag definitions you may see",
        response: {
          200: z.array(
            z.object({
              key: z.string(),
              category: z.enum(["care", "service", "sensitive"]),
              name: LocalText,
              visitEveryDays: z.number().int().nullable(),
              requiresEndDate: z.boolean(),
            }),
          ),
          ...errors,
        },
      },
    },
    async (request) => listTagDefinitionViews(await visibleTagDefinitions(ctx, principalOf(request))),
  );

  // ---- places ----
  app.post(
    "/places",
    {
      config: { permission: "person.manage" },
      schema: {
        tags: ["registry"],
        summary: "Register a standard address; its grid is found from its coordinates (or given)",
        body: z
          .object({
            id: z.uuid(),
            divisionCode: z.string().max(24).describe("The village or community"),
            road: z.string().max(100).optional().describe("Road, street or hamlet (自然村)"),
            houseNumber: z.string().max(20).optional(),
            building: z.string().max(20).optional(),
            unit: z.string().max(20).optional(),
            room: z.string().max(20).optional(),
            lng: z.number().min(73).max(136).optional(),
            lat: z.number().min(3).max(54).optional(),
            gridCode: z.string().max(24).optional(),
          })
          .strict(),
        response: { 200: PlaceSchema, 201: PlaceSchema, 409: ProblemSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { place, created } = await createPlace(ctx, principalOf(request), requestMeta(request), request.body);
      return reply.status(created ? 201 : 200).send(place);
    },
  );
  app.get(
    "/places",
    {
      config: { permission: "person.read" },
      schema: {
        tags: ["registry"],
        summary: "Search addresses in your scope",
        querystring: z.object({ q: z.string().max(100).optional(), ...Paging }).strict(),
        response: { 200: z.array(PlaceSchema), ...errors },
      },
    },
    async (request) => searchPlacesInScope(ctx, principalOf(request), request.query),
  );
  app.get(
    "/places/:id",
    {
      config: { permission: "person.read" },
      schema: {
        tags: ["registry"],
        summary: "An address with the households living there",
        params: IdParams,
        response: {
          200: PlaceSchema.extend({
            households: z.array(z.object({ id: z.uuid(), kind: z.string(), ref: z.string().nullable() })),
          }),
          ...errors,
        },
      },
    },
    async (request) => getPlace(ctx, principalOf(request), request.params.id),
  );

  // ---- households ----
  app.post(
    "/households",
    {
      config: { permission: "person.manage" },
      schema: {
        tags: ["registry"],
        summary: "Register a household at a place",
        body: z
          .object({
            id: z.uuid(),
            placeId: z.uuid(),
            kind: z.enum(HOUSEHOLD_KINDS).optional(),
            ref: z.string().max(40).optional().describe("The household number of the township's own register"),
            gridCode: z.string().max(24).optional(),
            tags: z.array(TagInputSchema).max(20).optional(),
          })
          .strict(),
        response: { 200: HouseholdSchema, 201: HouseholdSchema, 409: ProblemSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { household, created } = await createHousehold(
        ctx,
        principalOf(request),
        requestMeta(request),
        request.body,
      );
      return reply.status(created ? 201 : 200).send(household);
    },
  );
  app.get(
    "/households",
    {
      config: { permission: "person.read" },
      schema: {
        tags: ["registry"],
        summary: "Search households by address in your scope, or in one grid of it",
        querystring: z
          .object({
            q: z.string().max(100).optional(),
            gridCode: z.string().max(24).optional().describe("Only this grid's (or area's) households"),
            ...Paging,
          })
          .strict(),
        response: { 200: z.array(HouseholdSummarySchema), ...errors },
      },
    },
    async (request) => searchHouseholdsInScope(ctx, principalOf(request), request.query),
  );
  app.get(
    "/households/:id",
    {
      config: { permission: "person.read" },
      schema: {
        tags: ["registry"],
        summary: "A household with its members (masked), tags and lead-household links",
        params: IdParams,
        response: { 200: HouseholdSchema, ...errors },
      },
    },
    async (request) => getHousehold(ctx, principalOf(request), request.params.id),
  );
  app.put(
    "/households/:id/looks-after",
    {
      config: { permission: "person.manage" },
      schema: {
        tags: ["registry"],
        summary: "Make a party member's household the lead household (党员中心户) of 1–15 households",
        params: IdParams,
        body: z.object({ householdIds: z.array(z.uuid()).min(1).max(50) }).strict(),
        response: { 200: HouseholdSchema, ...errors },
      },
    },
    async (request) =>
      setLeadHouseholds(ctx, principalOf(request), requestMeta(request), request.params.id, request.body.householdIds),
  );
  app.get(
    "/lead-households",
    {
      config: { permission: "person.read" },
      schema: {
        tags: ["registry"],
        summary:
          "Lead households (points, kind lead), the households they look after (kind household) and the links between them, for the map",
        querystring: z.object({ areaCode: z.string().max(24) }).strict(),
        response: {
          200: z.object({ type: z.literal("FeatureCollection"), features: z.array(z.any()) }),
          ...errors,
        },
      },
    },
    async (request) => {
      const rows = await leadHouseholdLayer(ctx, principalOf(request), request.query.areaCode);
      const point = (id: string, kind: string, lng: number, lat: number, address: string | null) => ({
        type: "Feature" as const,
        properties: { kind, householdId: id, address },
        geometry: { type: "Point" as const, coordinates: [lng, lat] },
      });
      const leads = new Map<string, ReturnType<typeof point>>();
      const features: unknown[] = [];
      for (const r of rows) {
        if (r.lead_lng === null || r.lead_lat === null || r.lng === null || r.lat === null) continue;
        leads.set(r.lead_household_id, point(r.lead_household_id, "lead", r.lead_lng, r.lead_lat, r.lead_address));
        features.push(point(r.household_id, "household", r.lng, r.lat, r.address), {
          type: "Feature" as const,
          properties: { kind: "lead-link", leadHouseholdId: r.lead_household_id, householdId: r.household_id },
          geometry: {
            type: "LineString" as const,
            coordinates: [
              [r.lead_lng, r.lead_lat],
              [r.lng, r.lat],
            ],
          },
        });
      }
      features.push(...leads.values());
      return { type: "FeatureCollection" as const, features };
    },
  );

  // ---- organisations ----
  app.post(
    "/organisations",
    {
      config: { permission: "person.manage" },
      schema: {
        tags: ["registry"],
        summary: "Register an enterprise, shop, school, clinic, social organisation, party branch or volunteer team",
        body: z
          .object({
            id: z.uuid(),
            kind: z.enum(ORGANISATION_KINDS),
            name: z.string().trim().min(1).max(100),
            creditCode: z.string().max(18).optional().describe("Unified social credit code"),
            placeId: z.uuid().optional(),
            gridCode: z.string().max(24).optional(),
            contactName: z.string().max(50).optional(),
            contactPhone: z.string().max(30).optional(),
            notes: z.string().max(2000).optional(),
          })
          .strict(),
        response: { 200: OrganisationSchema, 201: OrganisationSchema, 409: ProblemSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { organisation, created } = await createOrganisation(
        ctx,
        principalOf(request),
        requestMeta(request),
        request.body,
      );
      return reply.status(created ? 201 : 200).send(organisation);
    },
  );
  app.get(
    "/organisations",
    {
      config: { permission: "person.read" },
      schema: {
        tags: ["registry"],
        summary: "Search organisations in your scope",
        querystring: z
          .object({ q: z.string().max(100).optional(), kind: z.enum(ORGANISATION_KINDS).optional(), ...Paging })
          .strict(),
        response: { 200: z.array(OrganisationSchema), ...errors },
      },
    },
    async (request) => searchOrganisationsInScope(ctx, principalOf(request), request.query),
  );
  app.get(
    "/organisations/:id",
    {
      config: { permission: "person.read" },
      schema: {
        tags: ["registry"],
        summary: "An organisation (contact phone masked)",
        params: IdParams,
        response: { 200: OrganisationSchema, ...errors },
      },
    },
    async (request) => getOrganisation(ctx, principalOf(request), request.params.id),
  );
};
