import {
  AcknowledgeAlertSchema,
  AlertListQuerySchema,
  AlertListSchema,
  AlertSchema,
  AlertTaskSchema,
  BacktestRequestSchema,
  BacktestResultSchema,
  CloseAlertSchema,
  NewPlaybookSchema,
  NewRiskRuleSchema,
  NewSensitiveDateSchema,
  PlaybookSchema,
  PlaybookUpdateSchema,
  RiskRuleSchema,
  RiskRuleUpdateSchema,
  SensitiveDateSchema,
  SensitiveDateUpdateSchema,
  StartPlaybookSchema,
  TaskUpdateSchema,
} from "@wangge/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { principalOf, requestMeta } from "../../http/authenticate.ts";
import { routeErrors } from "../../http/problem.ts";
import {
  acknowledgeAlert,
  closeAlert,
  finishAlertTask,
  getAlert,
  listAlertsOf,
  startPlaybook,
} from "./alerts.service.ts";
import { backtest } from "./backtest.service.ts";
import {
  createPlaybook,
  createRule,
  createSensitiveDate,
  deleteSensitiveDate,
  getRule,
  listPlaybooksOf,
  listRulesOf,
  listSensitiveDatesOf,
  saveRule,
  updatePlaybook,
  updateSensitiveDate,
} from "./risk-rules.service.ts";

const errors = routeErrors;
const IdParams = z.object({ id: z.uuid() });
const tags = ["risk"];

/**
 * Risk early warning: rules (/risk-rules) and their backtest, alerts (/alerts) with the records
 * behind them, playbooks (/playbooks) and their tasks (/alert-tasks), the calendar of sensitive
 * dates (/sensitive-dates). Area-scoped: what lies outside the caller's areas is not found. Every
 * create takes a client id; no response carries an ID or phone number.
 */
export const riskRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  // Rules: read by who reads or configures risk (the check is the service's: either permission).
  app.get(
    "/risk-rules",
    {
      schema: {
        tags,
        summary: "Risk rules of the caller's areas and of the areas above them",
        response: { 200: z.array(RiskRuleSchema), ...errors },
      },
    },
    async (request) => listRulesOf(ctx, principalOf(request)),
  );

  app.get(
    "/risk-rules/:id",
    { schema: { tags, summary: "One risk rule", params: IdParams, response: { 200: RiskRuleSchema, ...errors } } },
    async (request) => getRule(ctx, principalOf(request), request.params.id),
  );

  app.post(
    "/risk-rules",
    {
      config: { permission: "risk.configure" },
      schema: {
        tags,
        summary: "Create a risk rule (a retry with the same id answers the first)",
        body: NewRiskRuleSchema,
        response: { 200: RiskRuleSchema, 201: RiskRuleSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { created, rule } = await createRule(ctx, principalOf(request), requestMeta(request), request.body);
      return reply.status(created ? 201 : 200).send(rule);
    },
  );

  app.put(
    "/risk-rules/:id",
    {
      config: { permission: "risk.configure" },
      schema: {
        tags,
        summary: "Change a risk rule (its version read; RISK_RULE_STALE if changed since)",
        params: IdParams,
        body: RiskRuleUpdateSchema,
        response: { 200: RiskRuleSchema, ...errors },
      },
    },
    async (request) => saveRule(ctx, principalOf(request), requestMeta(request), request.params.id, request.body),
  );

  app.post(
    "/risk-rules/backtest",
    {
      config: { permission: "risk.read" },
      schema: {
        tags,
        summary: "Backtest (推演): what a rule, saved or with thresholds being tried, would have raised in a period",
        body: BacktestRequestSchema,
        response: { 200: BacktestResultSchema, ...errors },
      },
    },
    async (request) => backtest(ctx, principalOf(request), request.body),
  );

  // Alerts.
  app.get(
    "/alerts",
    {
      config: { permission: "risk.read" },
      schema: {
        tags,
        summary: "Alerts of the caller's areas, newest first",
        querystring: AlertListQuerySchema,
        response: { 200: AlertListSchema, ...errors },
      },
    },
    async (request) => listAlertsOf(ctx, principalOf(request), request.query),
  );

  app.get(
    "/alerts/:id",
    {
      config: { permission: "risk.read" },
      schema: {
        tags,
        summary: "One alert: the rule, its parameters, the figures and the records behind it, its tasks",
        params: IdParams,
        response: { 200: AlertSchema, ...errors },
      },
    },
    async (request) => getAlert(ctx, principalOf(request), request.params.id),
  );

  app.post(
    "/alerts/:id/acknowledge",
    {
      config: { permission: "risk.handle" },
      schema: {
        tags,
        summary: "Acknowledge an alert (签收)",
        params: IdParams,
        body: AcknowledgeAlertSchema,
        response: { 200: AlertSchema, ...errors },
      },
    },
    async (request) =>
      acknowledgeAlert(ctx, principalOf(request), requestMeta(request), request.params.id, request.body),
  );

  app.post(
    "/alerts/:id/close",
    {
      config: { permission: "risk.handle" },
      schema: {
        tags,
        summary: "Close an alert with what was done",
        params: IdParams,
        body: CloseAlertSchema,
        response: { 200: AlertSchema, ...errors },
      },
    },
    async (request) => closeAlert(ctx, principalOf(request), requestMeta(request), request.params.id, request.body),
  );

  app.post(
    "/alerts/:id/playbook",
    {
      config: { permission: "risk.handle" },
      schema: {
        tags,
        summary: "Start a playbook on an alert: its steps become tasks with deadlines",
        params: IdParams,
        body: StartPlaybookSchema,
        response: { 200: AlertSchema, ...errors },
      },
    },
    async (request) =>
      startPlaybook(ctx, principalOf(request), requestMeta(request), request.params.id, request.body.playbookId),
  );

  app.post(
    "/alert-tasks/:id/finish",
    {
      config: { permission: "risk.handle" },
      schema: {
        tags,
        summary: "Mark a playbook task done or skipped",
        params: IdParams,
        body: TaskUpdateSchema,
        response: { 200: AlertTaskSchema, ...errors },
      },
    },
    async (request) =>
      finishAlertTask(ctx, principalOf(request), requestMeta(request), request.params.id, request.body),
  );

  // Playbooks: the deployment's, read by who reads or configures risk.
  app.get(
    "/playbooks",
    { schema: { tags, summary: "Playbooks (预案)", response: { 200: z.array(PlaybookSchema), ...errors } } },
    async (request) => listPlaybooksOf(ctx, principalOf(request)),
  );

  app.post(
    "/playbooks",
    {
      config: { permission: "risk.configure", deploymentWide: true },
      schema: {
        tags,
        summary: "Create a playbook",
        body: NewPlaybookSchema,
        response: { 200: PlaybookSchema, 201: PlaybookSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { created, playbook } = await createPlaybook(ctx, principalOf(request), requestMeta(request), request.body);
      return reply.status(created ? 201 : 200).send(playbook);
    },
  );

  app.put(
    "/playbooks/:id",
    {
      config: { permission: "risk.configure", deploymentWide: true },
      schema: {
        tags,
        summary: "Change a playbook (tasks already started keep their steps)",
        params: IdParams,
        body: PlaybookUpdateSchema,
        response: { 200: PlaybookSchema, ...errors },
      },
    },
    async (request) => updatePlaybook(ctx, principalOf(request), requestMeta(request), request.params.id, request.body),
  );

  // The calendar of sensitive dates.
  app.get(
    "/sensitive-dates",
    {
      schema: {
        tags,
        summary: "Sensitive dates of the deployment and of the caller's areas",
        response: { 200: z.array(SensitiveDateSchema), ...errors },
      },
    },
    async (request) => listSensitiveDatesOf(ctx, principalOf(request)),
  );

  app.post(
    "/sensitive-dates",
    {
      config: { permission: "risk.configure" },
      schema: {
        tags,
        summary: "Add a sensitive date",
        body: NewSensitiveDateSchema,
        response: { 200: SensitiveDateSchema, 201: SensitiveDateSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { created, date } = await createSensitiveDate(
        ctx,
        principalOf(request),
        requestMeta(request),
        request.body,
      );
      return reply.status(created ? 201 : 200).send(date);
    },
  );

  app.put(
    "/sensitive-dates/:id",
    {
      config: { permission: "risk.configure" },
      schema: {
        tags,
        summary: "Change a sensitive date",
        params: IdParams,
        body: SensitiveDateUpdateSchema,
        response: { 200: SensitiveDateSchema, ...errors },
      },
    },
    async (request) =>
      updateSensitiveDate(ctx, principalOf(request), requestMeta(request), request.params.id, request.body),
  );

  app.delete(
    "/sensitive-dates/:id",
    {
      config: { permission: "risk.configure" },
      schema: { tags, summary: "Remove a sensitive date", params: IdParams, response: { 204: z.null(), ...errors } },
    },
    async (request, reply) => {
      await deleteSensitiveDate(ctx, principalOf(request), requestMeta(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
