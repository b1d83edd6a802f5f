import {
  type AreaLevel,
  type BacktestResultView,
  backtestSummary,
  canView,
  chinaMidnight,
  codeOfPath,
  commonAreaPath,
  DomainError,
  fieldIssue,
  MAX_BACKTEST_DAYS,
  MAX_BACKTEST_ITEMS,
  type Principal,
  principalScope,
  type RuleDefinition,
} from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { findArea } from "../areas/areas.service.ts";
import { presentRecords, recordsInOrder } from "./alert-records.service.ts";
import { findingsOf } from "./risk-findings.service.ts";
import { findRule } from "./risk-rules.queries.ts";
import { listFollowUps } from "./risk-sources.queries.ts";
import { titleOf } from "./risk-sweep.service.ts";

/**
 * Backtest (推演): a saved rule, or thresholds being tried unsaved, replayed over a period of the
 * past — what it would have raised, each at its moment, and whether the matters behind each were
 * escalated or reopened afterwards (a precision-like share), so thresholds are chosen by evidence.
 * Reads what the caller may read risk of; records are shown as alerts show them.
 */
const DAY_MS = 86_400_000;
/** Records listed per would-be alert (the count in its figures says how many there were). */
const RECORDS_PER_ITEM = 50;

export interface BacktestInput {
  ruleId?: string | undefined;
  rule?: RuleDefinition | undefined;
  areaCode?: string | undefined;
  from: string;
  to: string;
}

export async function backtest(ctx: AppContext, actor: Principal, input: BacktestInput): Promise<BacktestResultView> {
  const scope = principalScope(actor, "risk.read");
  let definition = input.rule;
  let areaCode = input.areaCode;
  let ruleId = "backtest";
  let createdAt = new Date(0);
  if (input.ruleId) {
    const saved = await findRule(ctx.db, input.ruleId);
    if (!saved || (!canView(scope, saved.area_path) && !scope.view.some((p) => p.startsWith(saved.area_path))))
      throw new DomainError("RISK_RULE_NOT_FOUND", `no rule ${input.ruleId}`);
    // Thresholds being tried replace the saved ones; the saved rule stays as it is.
    definition ??= { kind: saved.kind, params: saved.params } as RuleDefinition;
    areaCode ??= codeOfPath(saved.area_path) ?? undefined;
    ruleId = saved.id;
    createdAt = new Date(saved.created_at);
  }
  const issues = [];
  if (!definition) issues.push(fieldIssue("body.rule", "RISK_FIELD_RULE_OR_ID"));
  if (!areaCode) issues.push(fieldIssue("body.areaCode", "RISK_FIELD_RULE_OR_ID"));
  if (!definition || !areaCode)
    throw new DomainError("VALIDATION_FAILED", "give ruleId, or rule and areaCode", { errors: issues });
  const area = await findArea(ctx.db, areaCode);
  if (!area || !canView(scope, area.path))
    throw new DomainError("VALIDATION_FAILED", `no area ${areaCode} in your scope`, {
      errors: [fieldIssue("body.areaCode", "RISK_FIELD_UNKNOWN_AREA")],
    });
  const from = chinaMidnight(input.from);
  const to = new Date(chinaMidnight(input.to).getTime() + DAY_MS);
  if (!(from < to) || to.getTime() - from.getTime() > MAX_BACKTEST_DAYS * DAY_MS)
    throw new DomainError("RISK_BACKTEST_PERIOD", `a backtest spans 1 to ${MAX_BACKTEST_DAYS} days`, {
      errors: [fieldIssue("body.to", "RISK_FIELD_PERIOD", { max: String(MAX_BACKTEST_DAYS) })],
    });
  const findings = (
    await findingsOf(
      ctx,
      {
        id: ruleId,
        kind: definition.kind,
        params: definition.params,
        areaPath: area.path,
        areaLevel: area.level as AreaLevel,
        createdAt,
      },
      { kind: "history", from, to },
    )
  ).sort((a, b) => a.raisedAt.getTime() - b.raisedAt.getTime());

  // What happened to the matters afterwards: an escalation (by a person or the deadline), a reopening.
  const eventIds = [...new Set(findings.flatMap((f) => f.records.filter((r) => r.type === "event").map((r) => r.id)))];
  const follow = new Map<string, { action: string; at: number }[]>();
  for (const s of await listFollowUps(ctx.db, eventIds)) {
    const list = follow.get(s.event_id) ?? [];
    list.push({ action: s.action, at: new Date(s.at).getTime() });
    follow.set(s.event_id, list);
  }
  const outcomes = findings.map((f) => {
    const after = f.records.flatMap((r) => follow.get(r.id) ?? []).filter((s) => s.at > f.raisedAt.getTime());
    return {
      escalated: after.some((s) => s.action === "escalate" || s.action === "deadline"),
      reopened: after.some((s) => s.action === "reopen"),
    };
  });
  const listed = findings.slice(0, MAX_BACKTEST_ITEMS);
  const refs = listed.flatMap((f) => f.records.slice(0, RECORDS_PER_ITEM));
  const shown = await presentRecords(ctx, actor, refs);
  return {
    kind: definition.kind,
    params: definition.params,
    areaCode: area.code,
    from: input.from,
    to: input.to,
    summary: backtestSummary(outcomes),
    items: listed.map((f, i) => ({
      raisedAt: f.raisedAt.toISOString(),
      title: titleOf(definition.kind, f),
      areaCode: codeOfPath(commonAreaPath(f.records.map((r) => r.areaPath))) ?? area.code,
      figures: { ...f.figures, records: f.records.length },
      records: recordsInOrder(f.records.slice(0, RECORDS_PER_ITEM), shown),
      escalated: outcomes[i]?.escalated ?? false,
      reopened: outcomes[i]?.reopened ?? false,
    })),
    truncated: findings.length > listed.length,
  };
}
