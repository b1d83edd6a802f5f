import {
  ALERT_NOTIFICATION_FIGURES,
  type AlertNotification,
  type AlertView,
  authorId,
  canView,
  canWork,
  DomainError,
  isWithin,
  MAX_ALERT_RECORDS,
  maskName,
  type Principal,
  principalScope,
  RISK_RULE_KIND_NAMES,
  type RiskRuleKind,
  redactPersonalNumbers,
} from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { uuidv7 } from "../../ids.ts";
import { sealFreeText } from "../../privacy/free-text.ts";
import { findArea } from "../areas/areas.service.ts";
import { recordAudit, refusal } from "../audit/audit.service.ts";
import { staffHoldingOn, staffInRoleAt } from "../users/staff-lookup.service.ts";
import { presentRecords, type RecordRef, recordPaths, recordsInOrder } from "./alert-records.service.ts";
import {
  countAlerts,
  countOpenTasks,
  findAlert,
  findAlertByKey,
  findTask,
  finishTask,
  insertAlert,
  insertAlertNotifications,
  insertAlertRecords,
  insertTasks,
  listAlertRecords,
  listAlerts,
  listPartiesByKeys,
  listTasksOf,
  lockAlert,
  type NewAlert,
  updateAlertState,
  updateExplanation,
} from "./alerts.queries.ts";
import type { AlertRow, AlertTaskRow } from "./risk.table.ts";
import { partyKeysOfRepeat } from "./risk-findings.service.ts";
import { findPlaybook } from "./risk-rules.queries.ts";

/**
 * Alerts: raised by the sweep into the inbox of the level that answers for them (their area's staff
 * with risk.handle are notified), read by who may read risk alerts of that area (and the levels
 * above), acknowledged and closed by who may handle them there, with what was done. A playbook
 * started on an alert becomes tasks with deadlines; an alert closes only when they are finished.
 */
type AlertWithArea = NonNullable<Awaited<ReturnType<typeof findAlert>>>;

// ---- raising -----------------------------------------------------------------------------------------

export interface Raise {
  alert: NewAlert;
  records: { type: string; id: string; at: Date | null; areaPath: string }[];
}

/**
 * Raises an alert once (its dedup key is unique: of several processes raising it at once one
 * inserts) and tells the responsible staff; when it exists and is not closed, adds the records
 * found since that lie in its area (its readers answer for that area only: a dispute of the same
 * parties in another village does not join the first village's alert). Returns whether a new alert
 * was raised.
 */
export async function raiseAlert(ctx: AppContext, r: Raise): Promise<boolean> {
  const recipients = await staffHoldingOn(ctx.db, "risk.handle", [r.alert.area_path]);
  return ctx.db.transaction().execute(async (trx) => {
    const id = await insertAlert(trx, r.alert);
    if (!id) {
      const existing = await findAlertByKey(trx, r.alert.dedup_key);
      if (!existing || existing.state === "closed") return false;
      // Records found since it was raised join it while it is not closed, and its figures follow
      // when they count only what joined.
      const inside = r.records.filter((x) => isWithin(x.areaPath, existing.area_path));
      if ((await insertAlertRecords(trx, existing.id, inside)) > 0 && inside.length === r.records.length)
        await updateExplanation(trx, existing.id, r.alert.explanation, r.alert.raised_at);
      return false;
    }
    await insertAlertRecords(trx, id, r.records);
    const kindName = RISK_RULE_KIND_NAMES[r.alert.kind as RiskRuleKind];
    const users = recipients
      .filter((s) => canWork(principalScope(s.principal, "risk.handle"), r.alert.area_path))
      .map((s) => s.principal.userId);
    await insertAlertNotifications(
      trx,
      [...new Set(users)].map((userId) => ({
        id: uuidv7(),
        user_id: userId,
        // The title is for readers that know no alerts; the apps write one from the body's data in
        // the reader's language (see notifications.service.ts).
        title: redactPersonalNumbers(`风险预警：${kindName["zh-CN"]} / Risk alert: ${kindName.en}`),
        body: JSON.stringify({ alert: alertNotificationOf(id, r) }),
        created_at: r.alert.raised_at,
      })),
    );
    await recordAudit(ctx, trx, {
      action: "risk.alert.raise",
      outcome: "success",
      actor: null,
      targetType: "alert",
      targetId: id,
      areaPath: r.alert.area_path,
      details: { ruleId: r.alert.rule_id, kind: r.alert.kind, records: r.records.length },
    });
    return true;
  });
}

/** The alert as its notifications carry it: kind, rule name and the figures its summary needs. */
function alertNotificationOf(id: string, r: Raise): AlertNotification {
  const figures = r.alert.explanation.figures as Record<string, string | number | boolean | null>;
  return {
    id,
    kind: r.alert.kind,
    ruleName: redactPersonalNumbers(r.alert.explanation.ruleName),
    figures: Object.fromEntries(
      ALERT_NOTIFICATION_FIGURES.filter((k) => figures[k] !== undefined).map((k) => [k, figures[k] ?? null]),
    ),
    records: r.records.length,
  };
}

// ---- reading -----------------------------------------------------------------------------------------

/**
 * An alert's explanation as the reader may see it: the care tags behind a care alert are the
 * subject's, shown only to who may read people of the alert's area (as the registry shows tags).
 */
function explanationFor(actor: Principal, row: AlertWithArea): AlertView["explanation"] {
  const explanation = row.explanation as AlertView["explanation"];
  if (!("tags" in explanation.figures) || canView(principalScope(actor, "person.read"), row.area_path))
    return explanation;
  const { tags: _hidden, ...figures } = explanation.figures;
  return { ...explanation, figures };
}

function summary(actor: Principal, row: AlertWithArea): Omit<AlertView, "records" | "tasks" | "parties"> {
  return {
    id: row.id,
    ruleId: row.rule_id,
    kind: row.kind as AlertView["kind"],
    state: row.state as AlertView["state"],
    title: row.title,
    areaCode: row.area_code,
    areaName: row.area_name,
    raisedAt: new Date(row.raised_at).toISOString(),
    explanation: explanationFor(actor, row),
    recordCount: Number(row.record_count ?? 0),
    acknowledgedAt: row.acknowledged_at ? new Date(row.acknowledged_at).toISOString() : null,
    acknowledgedByName: row.acknowledged_by_name,
    acknowledgeNote: row.ack_note,
    closedAt: row.closed_at ? new Date(row.closed_at).toISOString() : null,
    closedByName: row.closed_by_name,
    closeNote: row.close_note,
    playbookId: row.playbook_id,
    playbookName: row.playbook_name,
  };
}

export function presentTask(t: AlertTaskRow, now: Date) {
  return {
    id: t.id,
    alertId: t.alert_id,
    ord: t.ord,
    title: t.title,
    role: t.role as AlertView["tasks"][number]["role"],
    dueAt: new Date(t.due_at).toISOString(),
    state: t.state as AlertView["tasks"][number]["state"],
    isOverdue: t.state === "open" && new Date(t.due_at) < now,
    doneAt: t.done_at ? new Date(t.done_at).toISOString() : null,
    doneByName: t.done_by_name,
    note: t.note,
  };
}

async function visibleAlert(ctx: AppContext, actor: Principal, id: string): Promise<AlertWithArea> {
  const row = await findAlert(ctx.db, id);
  if (!row || !canView(principalScope(actor, "risk.read"), row.area_path))
    throw new DomainError("RISK_ALERT_NOT_FOUND", `no alert ${id} in your areas`);
  return row;
}

/** The records behind an alert, as references (what they are, which, when). */
async function recordRefsOf(ctx: AppContext, id: string): Promise<RecordRef[]> {
  return (await listAlertRecords(ctx.db, id, MAX_ALERT_RECORDS)).map((r) => ({
    type: r.record_type as RecordRef["type"],
    id: r.record_id,
    at: r.at ? new Date(r.at) : null,
  }));
}

export async function getAlert(ctx: AppContext, actor: Principal, id: string): Promise<AlertView> {
  const row = await visibleAlert(ctx, actor, id);
  const refs = await recordRefsOf(ctx, id);
  const shown = await presentRecords(ctx, actor, refs);
  const now = ctx.now();
  return {
    ...summary(actor, row),
    records: recordsInOrder(refs, shown),
    tasks: (await listTasksOf(ctx.db, [id])).map((t) => presentTask(t, now)),
    parties: await repeatedParties(
      ctx,
      actor,
      row,
      refs.filter((r) => r.type === "event").map((r) => r.id),
    ),
  };
}

/**
 * Who repeated in a repeated-disputes alert matched by parties: each of the pair by the name the
 * disputes behind it hold (numbers in it masked when stored), in full to who may read one of those
 * disputes, else masked as the records are. Never their ID or phone number.
 */
async function repeatedParties(
  ctx: AppContext,
  actor: Principal,
  row: AlertWithArea,
  eventIds: string[],
): Promise<string[]> {
  if (row.kind !== "repeated_disputes") return [];
  const keys = partyKeysOfRepeat(row.dedup_key);
  const rows = await listPartiesByKeys(ctx.db, eventIds, keys);
  const events = principalScope(actor, "event.read");
  return keys.flatMap((key) => {
    const mine = rows.filter((r) => r.identity_key === key);
    const seen = mine.find((r) => canView(events, r.area_path));
    if (seen) return [seen.name];
    return mine[0] ? [maskName(mine[0].name)] : [];
  });
}

export async function listAlertsOf(
  ctx: AppContext,
  actor: Principal,
  q: { state: string; areaCode?: string | undefined; ruleId?: string | undefined; limit: number; offset: number },
) {
  const scope = principalScope(actor, "risk.read");
  const readable = scope.isGlobal ? null : scope.view;
  const prefixes = q.areaCode ? await areaFilter(ctx, q.areaCode, readable) : readable;
  const states = q.state === "active" ? ["open", "acknowledged"] : [q.state];
  const filter = { prefixes, states, ruleId: q.ruleId };
  const [rows, total] = await Promise.all([
    listAlerts(ctx.db, { ...filter, limit: q.limit, offset: q.offset }),
    countAlerts(ctx.db, filter),
  ]);
  return { total, items: rows.map((row) => summary(actor, row)) };
}

/**
 * The prefixes an area filter leaves of what the reader may read (null: everything): an area in
 * their scope is itself; an area above theirs narrows to their own areas under it, never widens to
 * the whole of it; any other area is not found.
 */
async function areaFilter(ctx: AppContext, code: string, readable: string[] | null): Promise<string[]> {
  const area = await findArea(ctx.db, code);
  if (area && (readable === null || readable.some((p) => isWithin(area.path, p)))) return [area.path];
  const below = area ? (readable ?? []).filter((p) => isWithin(p, area.path)) : [];
  if (below.length === 0) throw new DomainError("AREA_NOT_FOUND", `no area ${code} in your scope`);
  return below;
}

// ---- handling ----------------------------------------------------------------------------------------

async function handledAlert(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  action: string,
): Promise<AlertWithArea> {
  const row = await visibleAlert(ctx, actor, id);
  if (!canWork(principalScope(actor, "risk.handle"), row.area_path))
    throw await refusal(
      ctx,
      actor,
      meta,
      { action: `risk.alert.${action}`, type: "alert", id, areaPath: row.area_path },
      "alerts of this area are handled by its own level",
    );
  return row;
}

function audit(
  ctx: AppContext,
  trx: Parameters<typeof recordAudit>[1],
  actor: Principal,
  meta: RequestMeta,
  row: AlertRow,
  action: string,
  details: Record<string, unknown>,
) {
  return recordAudit(ctx, trx, {
    action,
    outcome: "success",
    actor: { userId: authorId(actor), username: actor.username },
    meta,
    targetType: "alert",
    targetId: row.id,
    areaPath: row.area_path,
    details,
  });
}

/** Acknowledges an open alert (签收); acknowledging again is a no-op. With a note, says what is being done. */
export async function acknowledgeAlert(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  body: { note?: string | undefined },
): Promise<AlertView> {
  await handledAlert(ctx, actor, meta, id, "acknowledge");
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    const row = (await lockAlert(trx, id)) as AlertRow;
    if (row.state === "closed") throw new DomainError("RISK_ALERT_CLOSED", "the alert is closed");
    if (row.state === "acknowledged") return;
    const note = body.note ? sealFreeText(ctx, body.note) : null;
    await updateAlertState(trx, id, {
      state: "acknowledged",
      acknowledged_at: now,
      acknowledged_by: authorId(actor),
      acknowledged_by_name: actor.displayName,
      ack_note: note?.redacted ?? null,
      ack_note_sealed: note?.sealed ?? null,
      updated_at: now,
    });
    await audit(ctx, trx, actor, meta, row, "risk.alert.acknowledge", { withNote: Boolean(note) });
  });
  return getAlert(ctx, actor, id);
}

/**
 * Closes an alert with what was done (its note stored with numbers masked, the original sealed).
 * An alert not yet acknowledged is acknowledged by the same act. Refused while tasks of its playbook
 * are open; closing a closed alert again is refused (its note is kept as written).
 */
export async function closeAlert(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  body: { note: string },
): Promise<AlertView> {
  await handledAlert(ctx, actor, meta, id, "close");
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    const row = (await lockAlert(trx, id)) as AlertRow;
    if (row.state === "closed") throw new DomainError("RISK_ALERT_CLOSED", "the alert is closed already");
    const open = await countOpenTasks(trx, id);
    if (open > 0)
      throw new DomainError("RISK_ALERT_TASKS_OPEN", `${open} tasks of the playbook are still open`, {
        details: { openTasks: open },
      });
    const note = sealFreeText(ctx, body.note);
    await updateAlertState(trx, id, {
      state: "closed",
      ...(row.acknowledged_at
        ? {}
        : { acknowledged_at: now, acknowledged_by: authorId(actor), acknowledged_by_name: actor.displayName }),
      closed_at: now,
      closed_by: authorId(actor),
      closed_by_name: actor.displayName,
      close_note: note.redacted,
      close_note_sealed: note.sealed,
      updated_at: now,
    });
    await audit(ctx, trx, actor, meta, row, "risk.alert.close", {});
  });
  return getAlert(ctx, actor, id);
}

/** Starts a playbook on an alert: its steps become tasks due `dueHours` from now. Once per alert. */
export async function startPlaybook(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  playbookId: string,
): Promise<AlertView> {
  const alert = await handledAlert(ctx, actor, meta, id, "playbook");
  const playbook = await findPlaybook(ctx.db, playbookId);
  if (!playbook?.active) throw new DomainError("RISK_PLAYBOOK_NOT_FOUND", `no playbook ${playbookId}`);
  const now = ctx.now();
  // Each step reaches the holders of its role in the alert's area: on it, above it, or within it
  // where the alert's records are (a township's alert on one grid's disputes tells that grid's worker).
  const within = await recordPaths(ctx, await recordRefsOf(ctx, id));
  const holders = new Map<string, { userId: string }[]>();
  for (const role of new Set(playbook.steps.map((s) => s.role)))
    holders.set(role, await staffInRoleAt(ctx.db, role, alert.area_path, within));
  await ctx.db.transaction().execute(async (trx) => {
    const row = (await lockAlert(trx, id)) as AlertRow;
    if (row.state === "closed") throw new DomainError("RISK_ALERT_CLOSED", "the alert is closed");
    if (row.playbook_id) {
      if (row.playbook_id === playbookId) return; // a retry
      throw new DomainError("RISK_PLAYBOOK_ALREADY_STARTED", "the alert already runs a playbook");
    }
    await insertTasks(
      trx,
      playbook.steps.map((s, i) => ({
        id: uuidv7(),
        alert_id: id,
        ord: i + 1,
        title: s.title,
        role: s.role,
        due_at: new Date(now.getTime() + s.dueHours * 3_600_000),
        state: "open",
        created_at: now,
      })),
    );
    await updateAlertState(trx, id, {
      playbook_id: playbookId,
      ...(row.state === "open"
        ? {
            state: "acknowledged",
            acknowledged_at: now,
            acknowledged_by: authorId(actor),
            acknowledged_by_name: actor.displayName,
          }
        : {}),
      updated_at: now,
    });
    // A task of its own kind (alert_task): a title and a note in both languages, the apps show the
    // reader's half; no state (the risk page shows the task's).
    const kindName = RISK_RULE_KIND_NAMES[alert.kind as RiskRuleKind];
    // An alert's own title may be "中文 / English": each language's note takes its half, so the
    // apps' split at the last " / " falls between the two notes.
    const at = alert.title.lastIndexOf(" / ");
    const [titleZh, titleEn] =
      at < 0 ? [alert.title, alert.title] : [alert.title.slice(0, at), alert.title.slice(at + 3)];
    const notifications = playbook.steps.flatMap((s) =>
      [...new Set((holders.get(s.role) ?? []).map((h) => h.userId))].map((userId) => ({
        id: uuidv7(),
        user_id: userId,
        title: redactPersonalNumbers(`预案任务：${s.title} / Playbook task: ${s.title}`),
        body: JSON.stringify({
          note: redactPersonalNumbers(
            `${kindName["zh-CN"]}：${titleZh}（${alert.area_name}）· ${playbook.name} / ${kindName.en}: ${titleEn} (${alert.area_name}) · ${playbook.name}`,
          ),
        }),
        created_at: now,
      })),
    );
    await insertAlertNotifications(trx, notifications, "alert_task");
    await audit(ctx, trx, actor, meta, row, "risk.alert.playbook", {
      playbookId,
      tasks: playbook.steps.length,
      notified: notifications.length,
    });
  });
  return getAlert(ctx, actor, id);
}

/** Marks a task of an alert's playbook done or skipped, with a note; a retry of the same is a no-op. */
export async function finishAlertTask(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  taskId: string,
  body: { state: "done" | "skipped"; note?: string | undefined },
) {
  const task = await findTask(ctx.db, taskId);
  if (!task) throw new DomainError("RISK_TASK_NOT_FOUND", `no task ${taskId}`);
  const alert = await visibleAlert(ctx, actor, task.alert_id).catch(() => {
    throw new DomainError("RISK_TASK_NOT_FOUND", `no task ${taskId}`);
  });
  await handledAlert(ctx, actor, meta, alert.id, "task");
  if (task.state !== "open") {
    if (task.state === body.state) return presentTask(task, ctx.now());
    throw new DomainError("RISK_ALERT_CLOSED", `the task is ${task.state} already`);
  }
  const now = ctx.now();
  const note = body.note ? sealFreeText(ctx, body.note) : null;
  await ctx.db.transaction().execute(async (trx) => {
    const changed = await finishTask(trx, taskId, {
      state: body.state,
      done_at: now,
      done_by: authorId(actor) ?? actor.userId,
      done_by_name: actor.displayName,
      note: note?.redacted ?? null,
      note_sealed: note?.sealed ?? null,
    });
    if (changed) await audit(ctx, trx, actor, meta, alert, "risk.task.finish", { taskId, state: body.state });
  });
  return presentTask((await findTask(ctx.db, taskId)) as AlertTaskRow, now);
}
