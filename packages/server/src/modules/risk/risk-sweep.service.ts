import { type AreaLevel, commonAreaPath, isDisputeCategory, type RiskRuleKind } from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { uuidv7 } from "../../ids.ts";
import { findArea } from "../areas/areas.service.ts";
import type { AreaRow } from "../areas/areas.table.ts";
import { changeFeed, type EventChange } from "../events/event-changes.ts";
import { raiseAlert } from "./alerts.service.ts";
import { partyIdentityKey } from "./party-identity.ts";
import type { RiskRuleRow } from "./risk.table.ts";
import { depthOfLevel, type Finding, findingsOf, type RuleUnderTest } from "./risk-findings.service.ts";
import { listEnabledRules, markRuleEvaluated, releaseLease, takeLease } from "./risk-rules.queries.ts";
import { listPartiesWithoutKey, setPartyKeys } from "./risk-sources.queries.ts";

/**
 * The durable side of risk early warning: a sweep that evaluates every enabled rule against what
 * holds now and raises what it finds, once. Durable: it reads only the database, so after a restart
 * the first sweep catches up. Exactly once with several server processes: the sweep runs only under
 * the `risk_sweep` lease (one holder at a time, taken by compare-and-set, expiring if its holder
 * dies), and each alert's dedup key is unique besides, so even two sweeps racing raise it once.
 * The cheap side: a dispute's change in this process evaluates the repeated-disputes rules over its
 * area at once, rather than waiting for the next sweep.
 */
const LEASE = "risk_sweep";
const LEASE_MS = 5 * 60_000;
const holderId = `${process.pid}:${uuidv7()}`;

/** Works out the identity keys of parties added since the last sweep (or of one event's parties). */
export async function fillPartyKeys(ctx: AppContext, eventId?: string): Promise<number> {
  let done = 0;
  for (;;) {
    const rows = await listPartiesWithoutKey(ctx.db, 500, eventId);
    if (rows.length === 0) return done;
    await setPartyKeys(
      ctx.db,
      rows.map((r) => ({ id: r.id, key: partyIdentityKey(ctx.crypto, r) })),
    );
    done += rows.length;
    if (rows.length < 500) return done;
  }
}

export function ruleUnderTest(row: RiskRuleRow, area: Pick<AreaRow, "level">): RuleUnderTest {
  return {
    id: row.id,
    kind: row.kind as RiskRuleKind,
    params: row.params,
    areaPath: row.area_path,
    areaLevel: area.level as AreaLevel,
    createdAt: new Date(row.created_at),
  };
}

type AreaOf = (code: string) => Promise<AreaRow | undefined>;

/** A cache of area lookups for one sweep. */
export function areaCache(ctx: AppContext): AreaOf {
  const cache = new Map<string, Promise<AreaRow | undefined>>();
  return (code) => {
    let hit = cache.get(code);
    if (!hit) {
      hit = findArea(ctx.db, code);
      cache.set(code, hit);
    }
    return hit;
  };
}

/**
 * The area whose inbox an alert goes to: the area at the rule's alert level above the records (their
 * nearest common area, if that is higher), never above the rule's own area's root.
 */
export async function alertArea(
  rule: RuleUnderTest & { alertLevel: AreaLevel },
  recordPaths: string[],
  areaOf: AreaOf,
): Promise<AreaRow | undefined> {
  const common = recordPaths.length > 0 ? commonAreaPath(recordPaths) : rule.areaPath;
  const codes = common.split("/").filter(Boolean);
  const depth = Math.min(codes.length, depthOfLevel(rule, rule.alertLevel));
  for (let d = Math.max(depth, 1); d >= 1; d--) {
    const area = await areaOf(codes[d - 1] as string);
    if (area) return area;
  }
  return areaOf(rule.areaPath.split("/").filter(Boolean).at(-1) as string);
}

export function titleOf(kind: RiskRuleKind, f: Finding): string {
  const n = f.records.length;
  switch (kind) {
    case "repeated_disputes":
      return f.figures.match === "address"
        ? `同一地址 ${f.figures.windowDays} 天内 ${n} 起纠纷 / ${n} disputes at one address within ${f.figures.windowDays} days`
        : `相同当事人 ${f.figures.windowDays} 天内 ${n} 起纠纷 / ${n} disputes between the same parties within ${f.figures.windowDays} days`;
    case "category_surge":
      return `本周 ${f.figures.count} 起，超过基线 ${f.figures.threshold} / ${f.figures.count} this week, above the baseline's ${f.figures.threshold}`;
    case "major_dispute":
      return f.figures.reason === "reopened"
        ? "重大疑难纠纷被重新打开 / A major dispute was reopened"
        : `重大疑难纠纷 ${f.figures.unsettledDays} 天未化解 / A major dispute unsettled after ${f.figures.unsettledDays} days`;
    case "care_overdue":
      return `关爱对象超期 ${f.figures.daysLate} 天未走访 / A care subject not visited for ${f.figures.daysLate} days past due`;
    case "sensitive_dates":
      return `${f.figures.dateName}前后 ${n} 起相关事项 / ${n} matters near ${f.figures.dateName}`;
  }
}

/** Raises what one rule finds now; returns how many alerts were new. */
export async function evaluateRule(
  ctx: AppContext,
  row: RiskRuleRow,
  areaOf: AreaOf = areaCache(ctx),
): Promise<number> {
  const area = await areaOf(row.area_path.split("/").filter(Boolean).at(-1) as string);
  if (!area) return 0;
  const rule = { ...ruleUnderTest(row, area), alertLevel: row.alert_level as AreaLevel };
  const now = ctx.now();
  let raised = 0;
  for (const f of await findingsOf(ctx, rule, { kind: "live", now })) {
    const target = await alertArea(
      rule,
      f.records.map((r) => r.areaPath),
      areaOf,
    );
    if (!target) continue;
    const ok = await raiseAlert(ctx, {
      alert: {
        id: uuidv7(),
        rule_id: row.id,
        kind: row.kind,
        dedup_key: f.dedupKey,
        area_id: target.id,
        area_path: target.path,
        title: titleOf(rule.kind, f),
        explanation: { ruleName: row.name, kind: row.kind, params: row.params, figures: f.figures },
        raised_at: now,
      },
      records: f.records,
    });
    if (ok) raised++;
  }
  await markRuleEvaluated(ctx.db, row.id, now);
  return raised;
}

/**
 * One sweep under the lease: identity keys of new parties, then every enabled rule. A rule that fails
 * is logged and the sweep goes on. Returns the alerts raised, or null when another process holds the lease.
 */
export async function sweepRisks(ctx: AppContext, holder = holderId): Promise<number | null> {
  if (!(await takeLease(ctx.db, LEASE, holder, ctx.now(), LEASE_MS))) return null;
  try {
    await fillPartyKeys(ctx);
    const areaOf = areaCache(ctx);
    let raised = 0;
    for (const rule of await listEnabledRules(ctx.db)) {
      try {
        raised += await evaluateRule(ctx, rule, areaOf);
      } catch (err) {
        ctx.log.warn({ err, ruleId: rule.id }, "a risk rule could not be evaluated; the sweep goes on");
      }
    }
    return raised;
  } finally {
    await releaseLease(ctx.db, LEASE, holder);
  }
}

/** Evaluates the repeated-disputes rules over a dispute's area now (a change to a dispute). */
export async function evaluateOnChange(
  ctx: AppContext,
  change: Pick<EventChange, "id" | "areaPath" | "categoryKey">,
): Promise<number> {
  if (!isDisputeCategory(change.categoryKey)) return 0;
  await fillPartyKeys(ctx, change.id);
  const areaOf = areaCache(ctx);
  let raised = 0;
  for (const rule of await listEnabledRules(ctx.db))
    if (rule.kind === "repeated_disputes" && change.areaPath.startsWith(rule.area_path))
      raised += await evaluateRule(ctx, rule, areaOf);
  return raised;
}

/**
 * Sweeps now, then `intervalMs` after each sweep ends; and listens to this process's event changes
 * so a repeated dispute is flagged within seconds. stop() ends both after what is under way.
 */
export function startRiskTimer(ctx: AppContext, options: { intervalMs?: number } = {}): { stop: () => Promise<void> } {
  const intervalMs = options.intervalMs ?? 60_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  const run = () => {
    timer = undefined;
    running = sweepRisks(ctx)
      .then(
        (n) => {
          if (n) ctx.log.info({ raised: n }, "risk alerts raised");
        },
        (err) => ctx.log.warn({ err }, "risk sweep failed; it runs again shortly"),
      )
      .finally(() => {
        running = undefined;
        if (!stopped) {
          timer = setTimeout(run, intervalMs);
          timer.unref();
        }
      });
  };
  const pending = new Set<Promise<unknown>>();
  // A dispute just reported is compared at once (by address, and by parties given with it); parties
  // added later are keyed and compared by the next sweep.
  const listener = (change: EventChange) => {
    if (stopped || change.action !== "report") return;
    const p: Promise<unknown> = evaluateOnChange(ctx, change)
      .catch((err) =>
        ctx.log.warn({ err, eventId: change.id }, "risk evaluation on report failed; the sweep will do it"),
      )
      .finally(() => pending.delete(p));
    pending.add(p);
  };
  changeFeed(ctx).on("change", listener);
  run();
  return {
    stop: async () => {
      stopped = true;
      changeFeed(ctx).off("change", listener);
      if (timer) clearTimeout(timer);
      await running;
      await Promise.all(pending);
    },
  };
}
