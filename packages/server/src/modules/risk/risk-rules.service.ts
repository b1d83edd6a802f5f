import {
  type AreaLevel,
  authorId,
  canView,
  codeOfPath,
  DomainError,
  fieldIssue,
  levelIndex,
  type NewRiskRuleSchema,
  type PlaybookView,
  type Principal,
  principalScope,
  type RiskRuleView,
  redactPersonalNumbers,
  type SensitiveDateView,
} from "@wangge/core";
import type { z } from "zod";
import type { AppContext, RequestMeta } from "../../context.ts";
import { findArea, holdsDeploymentWide } from "../areas/areas.service.ts";
import type { AreaRow } from "../areas/areas.table.ts";
import { recordAudit } from "../audit/audit.service.ts";
import type { PlaybookRow } from "./risk.table.ts";
import {
  findPlaybook,
  findRule,
  findSensitiveDate,
  insertPlaybook,
  insertRule,
  insertSensitiveDate,
  listPlaybooks,
  listRules,
  listSensitiveDates,
  updatePlaybookRow,
  updateRule,
  updateSensitiveDateRow,
} from "./risk-rules.queries.ts";

/**
 * Risk rules, playbooks and the calendar of sensitive dates: data officials tune. A rule is read by
 * who may read or configure risk in its area (and by the areas under it, to whom it applies) and
 * changed by who may configure risk there. Playbooks are the deployment's; its calendar holds dates
 * of the whole deployment (kept by who configures risk everywhere) and of areas. The names and
 * texts typed here reach alerts, tasks and notifications: they are stored with numbers masked.
 */
type RuleRow = NonNullable<Awaited<ReturnType<typeof findRule>>>;
type NewRule = z.infer<typeof NewRiskRuleSchema>;

/** Reading rules, playbooks and the calendar needs risk.read or risk.configure somewhere. */
function assertRiskReader(actor: Principal): void {
  if (!actor.assignments.some((a) => a.permissions.includes("risk.read") || a.permissions.includes("risk.configure")))
    throw new DomainError("AUTH_FORBIDDEN", "reading risk rules needs risk.read or risk.configure");
}

const readScope = (actor: Principal) => {
  const read = principalScope(actor, "risk.read");
  const configure = principalScope(actor, "risk.configure");
  return {
    isGlobal: read.isGlobal || configure.isGlobal,
    view: [...read.view, ...configure.view],
    workSubtrees: [],
    workAreas: [],
  };
};

/** Paths applying to the reader: under their areas, or above them (a county rule covers its townships). */
function appliesTo(actor: Principal, path: string): boolean {
  const scope = readScope(actor);
  return scope.isGlobal || scope.view.some((p) => p.startsWith(path) || path.startsWith(p));
}

const mayConfigure = (actor: Principal, path: string) => canView(principalScope(actor, "risk.configure"), path);

function presentRule(actor: Principal, r: RuleRow & { open_alerts?: string | null }): RiskRuleView {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind as RiskRuleView["kind"],
    params: r.params,
    areaCode: codeOfPath(r.area_path) ?? "",
    areaName: r.area_name,
    alertLevel: r.alert_level as RiskRuleView["alertLevel"],
    enabled: r.enabled,
    playbookId: r.playbook_id,
    version: r.version,
    updatedAt: new Date(r.updated_at).toISOString(),
    editable: mayConfigure(actor, r.area_path),
    openAlerts: Number(r.open_alerts ?? 0),
  };
}

export async function listRulesOf(ctx: AppContext, actor: Principal): Promise<RiskRuleView[]> {
  assertRiskReader(actor);
  const scope = readScope(actor);
  const rows = await listRules(ctx.db, scope.isGlobal ? null : scope.view);
  return rows.map((r) => presentRule(actor, r));
}

export async function getRule(ctx: AppContext, actor: Principal, id: string): Promise<RiskRuleView> {
  assertRiskReader(actor);
  const row = await findRule(ctx.db, id);
  if (!row || !appliesTo(actor, row.area_path)) throw new DomainError("RISK_RULE_NOT_FOUND", `no rule ${id}`);
  return presentRule(actor, row);
}

/** The area a rule or date names, in the caller's configure scope (else a field error, not a hint). */
async function configurableArea(ctx: AppContext, actor: Principal, code: string, path: string): Promise<AreaRow> {
  const area = await findArea(ctx.db, code);
  if (!area || area.abolished_at || !mayConfigure(actor, area.path))
    throw new DomainError("VALIDATION_FAILED", `no area ${code} you may configure`, {
      errors: [fieldIssue(path, "RISK_FIELD_UNKNOWN_AREA")],
    });
  return area;
}

/**
 * A rule's alerts reach the area at its alert level above the matters: above the rule's own area only
 * when the editor configures risk there too (a township's official cannot fill the county's inbox).
 */
function checkAlertLevel(actor: Principal, area: AreaRow, alertLevel: AreaLevel): void {
  const codes = area.path.split("/").filter(Boolean);
  const depth = codes.length + levelIndex(alertLevel) - levelIndex(area.level as AreaLevel);
  if (depth >= codes.length) return;
  if (!mayConfigure(actor, `/${codes.slice(0, Math.max(depth, 1)).join("/")}/`))
    throw new DomainError("VALIDATION_FAILED", `alerts of ${area.code} may not reach the ${alertLevel} above it`, {
      errors: [fieldIssue("body.alertLevel", "RISK_FIELD_ALERT_LEVEL")],
    });
}

async function checkPlaybook(ctx: AppContext, id: string | null | undefined) {
  if (id && !(await findPlaybook(ctx.db, id)))
    throw new DomainError("VALIDATION_FAILED", `no playbook ${id}`, {
      errors: [fieldIssue("body.playbookId", "RISK_FIELD_UNKNOWN_PLAYBOOK")],
    });
}

/**
 * A rule as typed, checked (its area in the editor's configure scope, its alert level not above it,
 * its playbook existing) and turned into the columns a create and a change both write.
 */
async function ruleColumns(ctx: AppContext, actor: Principal, body: Omit<NewRule, "id">) {
  const area = await configurableArea(ctx, actor, body.areaCode, "body.areaCode");
  checkAlertLevel(actor, area, body.alertLevel);
  await checkPlaybook(ctx, body.playbookId);
  return {
    name: body.name,
    kind: body.rule.kind,
    params: JSON.stringify(body.rule.params),
    area_id: area.id,
    area_path: area.path,
    alert_level: body.alertLevel,
    enabled: body.enabled,
    playbook_id: body.playbookId ?? null,
    updated_by: authorId(actor),
    updated_at: ctx.now(),
  };
}

/** Audits a change to a rule, playbook or sensitive date (`path`: its area, null for the deployment's). */
function auditConfig(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  action: string,
  target: { type: "risk_rule" | "playbook" | "sensitive_date"; id: string; path: string | null },
  details: Record<string, unknown>,
) {
  return recordAudit(ctx, ctx.db, {
    action,
    outcome: "success",
    actor: { userId: authorId(actor), username: actor.username },
    meta,
    targetType: target.type,
    targetId: target.id,
    areaPath: target.path,
    details,
  });
}

export async function createRule(ctx: AppContext, actor: Principal, meta: RequestMeta, typed: NewRule) {
  const body = { ...typed, name: redactPersonalNumbers(typed.name) };
  const existing = await findRule(ctx.db, body.id);
  if (existing) {
    if (
      existing.kind === body.rule.kind &&
      existing.created_by === authorId(actor) &&
      appliesTo(actor, existing.area_path)
    )
      return { created: false, rule: presentRule(actor, existing) };
    throw new DomainError("RISK_RULE_ID_CONFLICT", `rule id ${body.id} is taken`);
  }
  const columns = await ruleColumns(ctx, actor, body);
  const inserted = await insertRule(ctx.db, {
    id: body.id,
    ...columns,
    created_by: columns.updated_by,
    created_at: columns.updated_at,
  });
  if (inserted)
    await auditConfig(
      ctx,
      actor,
      meta,
      "risk.rule.create",
      { type: "risk_rule", id: body.id, path: columns.area_path },
      {
        kind: body.rule.kind,
        params: body.rule.params,
        enabled: body.enabled,
      },
    );
  else return createRule(ctx, actor, meta, body); // lost a parallel race: answer as a retry
  return { created: true, rule: await getRule(ctx, actor, body.id) };
}

export async function saveRule(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  typed: Omit<NewRule, "id"> & { version: number },
) {
  const body = { ...typed, name: redactPersonalNumbers(typed.name) };
  const row = await findRule(ctx.db, id);
  if (!row || !appliesTo(actor, row.area_path)) throw new DomainError("RISK_RULE_NOT_FOUND", `no rule ${id}`);
  if (!mayConfigure(actor, row.area_path))
    throw new DomainError("AUTH_FORBIDDEN", "rules of this area are configured above your level");
  const columns = await ruleColumns(ctx, actor, body);
  const changed = await updateRule(ctx.db, id, body.version, columns);
  if (!changed) throw new DomainError("RISK_RULE_STALE", "the rule was changed since you read it; reload it");
  await auditConfig(
    ctx,
    actor,
    meta,
    "risk.rule.update",
    { type: "risk_rule", id, path: columns.area_path },
    {
      before: { kind: row.kind, params: row.params, enabled: row.enabled, areaPath: row.area_path },
      after: { kind: body.rule.kind, params: body.rule.params, enabled: body.enabled, areaPath: columns.area_path },
    },
  );
  return getRule(ctx, actor, id);
}

// ---- playbooks ---------------------------------------------------------------------------------------

type PlaybookText = { name: string; description: string; steps: PlaybookView["steps"] };

/** What an official types into a playbook, with ID and phone numbers masked: tasks and alerts show it to many. */
function maskedPlaybook<T extends PlaybookText>(typed: T): T {
  return {
    ...typed,
    name: redactPersonalNumbers(typed.name),
    description: redactPersonalNumbers(typed.description),
    steps: typed.steps.map((s) => ({ ...s, title: redactPersonalNumbers(s.title) })),
  };
}

function presentPlaybook(p: PlaybookRow): PlaybookView {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    steps: p.steps as PlaybookView["steps"],
    active: p.active,
    updatedAt: new Date(p.updated_at).toISOString(),
  };
}

export async function listPlaybooksOf(ctx: AppContext, actor: Principal): Promise<PlaybookView[]> {
  assertRiskReader(actor);
  return (await listPlaybooks(ctx.db)).map(presentPlaybook);
}

export async function createPlaybook(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  typed: PlaybookText & { id: string },
) {
  const body = maskedPlaybook(typed);
  const now = ctx.now();
  const inserted = await insertPlaybook(ctx.db, {
    id: body.id,
    name: body.name,
    description: body.description,
    steps: body.steps,
    created_by: authorId(actor),
    created_at: now,
    updated_at: now,
  });
  const row = (await findPlaybook(ctx.db, body.id)) as PlaybookRow;
  if (!inserted) {
    if (row.name === body.name) return { created: false, playbook: presentPlaybook(row) };
    throw new DomainError("RISK_RULE_ID_CONFLICT", `playbook id ${body.id} is taken`);
  }
  await auditConfig(
    ctx,
    actor,
    meta,
    "risk.playbook.create",
    { type: "playbook", id: body.id, path: null },
    {
      name: body.name,
      steps: body.steps.length,
    },
  );
  return { created: true, playbook: presentPlaybook(row) };
}

export async function updatePlaybook(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  typed: PlaybookText & { active: boolean },
) {
  const body = maskedPlaybook(typed);
  if (!(await updatePlaybookRow(ctx.db, id, { ...body, updated_at: ctx.now() })))
    throw new DomainError("RISK_PLAYBOOK_NOT_FOUND", `no playbook ${id}`);
  await auditConfig(
    ctx,
    actor,
    meta,
    "risk.playbook.update",
    { type: "playbook", id, path: null },
    {
      name: body.name,
      steps: body.steps.length,
      active: body.active,
    },
  );
  return presentPlaybook((await findPlaybook(ctx.db, id)) as PlaybookRow);
}

// ---- sensitive dates ---------------------------------------------------------------------------------

type DateRow = NonNullable<Awaited<ReturnType<typeof findSensitiveDate>>>;

function presentDate(d: DateRow): SensitiveDateView {
  return {
    id: d.id,
    name: d.name,
    onDate: String(d.on_date).slice(0, 10),
    recursYearly: d.recurs_yearly,
    daysBefore: d.days_before,
    daysAfter: d.days_after,
    areaCode: d.area_code ?? null,
    areaName: d.area_name ?? null,
  };
}

export async function listSensitiveDatesOf(ctx: AppContext, actor: Principal): Promise<SensitiveDateView[]> {
  assertRiskReader(actor);
  const scope = readScope(actor);
  return (await listSensitiveDates(ctx.db, scope.isGlobal ? null : scope.view)).map(presentDate);
}

interface DateBody {
  name: string;
  onDate: string;
  recursYearly: boolean;
  daysBefore: number;
  daysAfter: number;
  areaCode: string | null;
}

async function dateArea(ctx: AppContext, actor: Principal, code: string | null): Promise<AreaRow | null> {
  if (code !== null) return configurableArea(ctx, actor, code, "body.areaCode");
  if (!(await holdsDeploymentWide(ctx.db, actor, "risk.configure")))
    throw new DomainError("AUTH_FORBIDDEN", "dates of the whole deployment are kept by who configures risk everywhere");
  return null;
}

async function visibleDate(ctx: AppContext, actor: Principal, id: string): Promise<DateRow> {
  const row = await findSensitiveDate(ctx.db, id);
  if (!row || row.deleted_at || (row.area_path !== null && !appliesTo(actor, row.area_path)))
    throw new DomainError("RISK_SENSITIVE_DATE_NOT_FOUND", `no sensitive date ${id}`);
  return row;
}

export async function createSensitiveDate(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  typed: DateBody & { id: string },
) {
  const body = { ...typed, name: redactPersonalNumbers(typed.name) };
  const existing = await findSensitiveDate(ctx.db, body.id);
  if (existing) {
    if (existing.name === body.name && existing.created_by === authorId(actor))
      return { created: false, date: presentDate(await visibleDate(ctx, actor, body.id)) };
    throw new DomainError("RISK_RULE_ID_CONFLICT", `sensitive date id ${body.id} is taken`);
  }
  const area = await dateArea(ctx, actor, body.areaCode);
  const now = ctx.now();
  const inserted = await insertSensitiveDate(ctx.db, {
    id: body.id,
    name: body.name,
    on_date: body.onDate,
    recurs_yearly: body.recursYearly,
    days_before: body.daysBefore,
    days_after: body.daysAfter,
    area_id: area?.id ?? null,
    area_path: area?.path ?? null,
    created_by: authorId(actor),
    created_at: now,
    updated_at: now,
  });
  if (!inserted) return createSensitiveDate(ctx, actor, meta, body);
  await auditConfig(
    ctx,
    actor,
    meta,
    "risk.sensitive_date.create",
    { type: "sensitive_date", id: body.id, path: area?.path ?? null },
    {
      name: body.name,
      onDate: body.onDate,
    },
  );
  return { created: true, date: presentDate(await visibleDate(ctx, actor, body.id)) };
}

export async function updateSensitiveDate(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  typed: DateBody,
) {
  const body = { ...typed, name: redactPersonalNumbers(typed.name) };
  const row = await visibleDate(ctx, actor, id);
  await dateArea(ctx, actor, row.area_code ?? null);
  const area = await dateArea(ctx, actor, body.areaCode);
  await updateSensitiveDateRow(ctx.db, id, {
    name: body.name,
    on_date: body.onDate,
    recurs_yearly: body.recursYearly,
    days_before: body.daysBefore,
    days_after: body.daysAfter,
    area_id: area?.id ?? null,
    area_path: area?.path ?? null,
    updated_at: ctx.now(),
  });
  await auditConfig(
    ctx,
    actor,
    meta,
    "risk.sensitive_date.update",
    { type: "sensitive_date", id, path: area?.path ?? null },
    {
      name: body.name,
      onDate: body.onDate,
    },
  );
  return presentDate(await visibleDate(ctx, actor, id));
}

export async function deleteSensitiveDate(ctx: AppContext, actor: Principal, meta: RequestMeta, id: string) {
  const row = await visibleDate(ctx, actor, id);
  await dateArea(ctx, actor, row.area_code ?? null);
  await updateSensitiveDateRow(ctx.db, id, { deleted_at: ctx.now(), updated_at: ctx.now() });
  await auditConfig(
    ctx,
    actor,
    meta,
    "risk.sensitive_date.delete",
    { type: "sensitive_date", id, path: row.area_path },
    {
      name: row.name,
    },
  );
}
