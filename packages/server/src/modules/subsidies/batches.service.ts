import type { Readable } from "node:stream";
import {
  authorId,
  canView,
  canWork,
  checkIdNumber,
  DomainError,
  fieldIssue,
  flagRows,
  maskIdNumber,
  type Principal,
  principalScope,
  redactPersonalNumbers,
  type SubsidyFlag,
  type SubsidyRowCorrectionSchema,
} from "@wangge/core";
import type { z } from "zod";
import type { AppContext, RequestMeta } from "../../context.ts";
import { encodeObjects } from "../../db/bulk.ts";
import { uuidv7 } from "../../ids.ts";
import { sealFreeText } from "../../privacy/free-text.ts";
import { getAreaInScope, getAreaToWork } from "../areas/areas.service.ts";
import { recordAudit, refusal } from "../audit/audit.service.ts";
import { idIndex } from "../registry/registry-fields.ts";
import { programsOver } from "./programs.service.ts";
import {
  type BatchView,
  countOpenFlags,
  deleteBatch,
  findBatch,
  findRow,
  insertBatch,
  knownIdIndexes,
  listBatches,
  listRows,
  listRowsWithIndex,
  lockBatch,
  publishBatch,
  type RowView,
  updateRow,
} from "./subsidies.queries.ts";
import { readPaymentFile } from "./subsidy-file.ts";

/**
 * Payment batches (发放批次): imported from an XLSX for a village by whoever manages its disclosures
 * (`disclosure.manage` in their work scope), each row's ID number sealed and blind-indexed like the
 * registry's (never stored in clear). Before publication the village sees every flagged row (an ID
 * number the registry does not hold, one person twice in the batch, an amount outside the programme's
 * range) and corrects it or confirms it with a reason; publication is refused while any is open. A
 * published batch is never changed: its public list and the residents' own payments read it.
 */
const SCOPE = "disclosure.manage" as const;
const WRITE_CHUNK = 5_000;

export const batchNotFound = (id: string) =>
  new DomainError("SUBSIDY_BATCH_NOT_FOUND", `no payment batch ${id} in your scope`);
const published = () => new DomainError("SUBSIDY_BATCH_PUBLISHED", "a published batch is not changed");

export function batchView(b: BatchView) {
  const c = JSON.parse(b.counts ?? '{"rows":0,"total":0,"flagged":0,"open":0}') as Record<string, number>;
  return {
    id: b.id,
    title: b.title,
    areaCode: b.area_code,
    areaName: b.area_name,
    status: b.status,
    fileName: b.file_name,
    rowCount: Number(c.rows),
    totalFen: Number(c.total),
    flaggedRows: Number(c.flagged),
    openFlags: Number(c.open),
    createdAt: b.created_at.toISOString(),
    publishedAt: b.published_at?.toISOString() ?? null,
  };
}

function rowView(r: RowView) {
  return {
    id: r.id,
    row: r.row,
    name: r.name,
    idNumberMasked: r.id_number_masked,
    amountFen: r.amount_fen,
    paidOn: r.paid_on,
    programId: r.program_id,
    programName: r.program_name,
    flags: r.flags as SubsidyFlag[],
    corrected: r.corrected,
    confirmation:
      r.confirmed_at && r.confirm_reason !== null
        ? { reason: r.confirm_reason, by: r.confirmed_by_name, at: r.confirmed_at.toISOString() }
        : null,
  };
}

/** A batch the caller may see (view scope), else not found. */
async function batchInScope(ctx: AppContext, actor: Principal, id: string) {
  const batch = await findBatch(ctx.db, id);
  if (!batch || !canView(principalScope(actor, SCOPE), batch.area_path)) throw batchNotFound(id);
  return batch;
}

/** A batch the caller may change: seen, in their work scope (else refused, audited), and a draft. */
async function batchToChange(ctx: AppContext, actor: Principal, meta: RequestMeta, id: string, action: string) {
  const batch = await batchInScope(ctx, actor, id);
  if (!canWork(principalScope(actor, SCOPE), batch.area_path))
    throw await refusal(
      ctx,
      actor,
      meta,
      { action, type: "subsidy_batch", id, areaPath: batch.area_path },
      "batches are changed by who manages the village's disclosures",
    );
  if (batch.status === "published") throw published();
  return batch;
}

export async function importSubsidyBatch(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: { id: string; areaCode: string; title: string; fileName: string },
  file: Readable | string,
) {
  // The title is published with the batch, the file's name shown to staff: numbers typed into them are masked.
  input = { ...input, title: redactPersonalNumbers(input.title), fileName: redactPersonalNumbers(input.fileName) };
  const existing = await findBatch(ctx.db, input.id);
  if (existing) {
    if (existing.created_by !== authorId(actor) || existing.file_name !== input.fileName)
      throw new DomainError("SUBSIDY_ID_CONFLICT", "the id holds another batch");
    (file as Readable).resume?.();
    return { created: false, batch: batchView(existing) };
  }
  const area = await getAreaToWork(ctx, actor, meta, input.areaCode, principalScope(actor, SCOPE), "subsidy.import");
  const programs = await programsOver(ctx, area.path);
  const byName = new Map(programs.map((p) => [p.name, p]));
  const now = ctx.now();
  const lines = await readPaymentFile(file, new Set(byName.keys()), now);

  const sealed = lines.map((l) => {
    const normalized = l.idNumber;
    return {
      line: l,
      enc: ctx.crypto.encrypt(normalized),
      bidx: idIndex(ctx.crypto, normalized),
      masked: maskIdNumber(normalized),
    };
  });
  const created = await ctx.bulk.session(async (session) => {
    const trx = session.db;
    const inserted = await insertBatch(trx, {
      id: input.id,
      title: input.title,
      area_id: area.id,
      area_path: area.path,
      status: "draft",
      file_name: input.fileName,
      created_by: authorId(actor),
      created_at: now,
      published_at: null,
      published_by: null,
    });
    if (!inserted) return false;
    const known = new Set<string>();
    const distinct = [...new Set(sealed.map((s) => s.bidx))];
    for (let i = 0; i < distinct.length; i += WRITE_CHUNK)
      for (const k of await knownIdIndexes(trx, distinct.slice(i, i + WRITE_CHUNK))) known.add(k);
    const flags = flagRows(
      sealed.map((s) => {
        const program = byName.get(s.line.programName);
        return {
          idIndex: s.bidx,
          programId: program?.id ?? "",
          known: known.has(s.bidx),
          amountFen: s.line.amountFen,
          minFen: program?.min_amount_fen ?? null,
          maxFen: program?.max_amount_fen ?? null,
        };
      }),
    );
    for (let i = 0; i < sealed.length; i += WRITE_CHUNK) {
      const rows = sealed.slice(i, i + WRITE_CHUNK).map((s, j) => ({
        id: uuidv7(now.getTime()),
        batch_id: input.id,
        row: s.line.row,
        program_id: byName.get(s.line.programName)?.id as string,
        name: redactPersonalNumbers(s.line.name),
        id_number_enc: s.enc,
        id_number_bidx: s.bidx,
        id_number_masked: s.masked,
        amount_fen: s.line.amountFen,
        paid_on: s.line.paidOn,
        flags: flags[i + j] as string[],
      }));
      await session.send([encodeObjects("subsidy_payment", rows)]);
    }
    await recordAudit(ctx, trx as never, {
      action: "subsidy.import",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "subsidy_batch",
      targetId: input.id,
      areaPath: area.path,
      details: { rows: sealed.length, flagged: flags.filter((f) => f.length > 0).length },
    });
    return true;
  });
  const batch = (await findBatch(ctx.db, input.id)) as BatchView;
  if (!created && (batch.created_by !== authorId(actor) || batch.file_name !== input.fileName))
    throw new DomainError("SUBSIDY_ID_CONFLICT", "the id holds another batch");
  return { created, batch: batchView(batch) };
}

export async function listSubsidyBatches(
  ctx: AppContext,
  actor: Principal,
  query: { areaCode?: string | undefined; status?: "draft" | "published" | undefined },
) {
  const scope = principalScope(actor, SCOPE);
  let prefixes: string[] | null = scope.isGlobal ? null : scope.view;
  if (query.areaCode) {
    prefixes = [(await getAreaInScope(ctx.db, query.areaCode, scope)).path];
  }
  const rows = await listBatches(ctx.db, { prefixes, status: query.status, limit: 200 });
  return rows.map(batchView);
}

export async function getSubsidyBatch(ctx: AppContext, actor: Principal, id: string) {
  return batchView(await batchInScope(ctx, actor, id));
}

export async function listSubsidyRows(
  ctx: AppContext,
  actor: Principal,
  id: string,
  query: { flagged?: "true" | "false" | undefined; limit: number; offset: number },
) {
  await batchInScope(ctx, actor, id);
  const rows = await listRows(ctx.db, id, {
    limit: query.limit,
    offset: query.offset,
    flagged: query.flagged === "true",
  });
  return rows.map(rowView);
}

async function rowOf(ctx: AppContext, batchId: string, rowId: string) {
  const row = await findRow(ctx.db, batchId, rowId);
  if (!row) throw new DomainError("SUBSIDY_ROW_NOT_FOUND", `no row ${rowId} in batch ${batchId}`);
  return row;
}

/** Recomputes the duplicate flag of the rows paying these ID numbers by these programmes (after a correction). */
async function reflagDuplicates(
  trx: Parameters<typeof listRowsWithIndex>[0],
  batchId: string,
  payees: { idIndex: string; programId: string }[],
) {
  for (const payee of payees) {
    const rows = await listRowsWithIndex(trx, batchId, payee.idIndex, payee.programId);
    const twice = rows.length > 1;
    for (const r of rows) {
      const has = r.flags.includes("duplicate");
      if (has === twice) continue;
      const flags = twice ? [...r.flags, "duplicate"] : r.flags.filter((f) => f !== "duplicate");
      await updateRow(trx, r.id, { flags });
    }
  }
}

export async function correctSubsidyRow(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  batchId: string,
  rowId: string,
  input: z.output<typeof SubsidyRowCorrectionSchema>,
) {
  const batch = await batchToChange(ctx, actor, meta, batchId, "subsidy.row.correct");
  const before = await rowOf(ctx, batchId, rowId);
  const now = ctx.now();
  const id = checkIdNumber("resident_id", input.idNumber, now);
  if (!id.ok)
    throw new DomainError("VALIDATION_FAILED", "not an ID number", {
      errors: [{ path: "body.idNumber", message: id.reason, said: id.message }],
    });
  const program = (await programsOver(ctx, batch.area_path)).find((p) => p.id === input.programId);
  if (!program)
    throw new DomainError("VALIDATION_FAILED", "no such programme here", {
      errors: [fieldIssue("body.programId", "SUBSIDY_FIELD_PROGRAM", { name: input.programId })],
    });
  const bidx = idIndex(ctx.crypto, id.normalized);
  await ctx.db.transaction().execute(async (trx) => {
    const locked = await lockBatch(trx, batchId);
    if (locked?.status !== "draft") throw published();
    const known = (await knownIdIndexes(trx, [bidx])).has(bidx);
    const [own] = flagRows([
      {
        idIndex: bidx,
        programId: program.id,
        known,
        amountFen: input.amountFen,
        minFen: program.min_amount_fen,
        maxFen: program.max_amount_fen,
      },
    ]);
    await updateRow(trx, rowId, {
      name: redactPersonalNumbers(input.name),
      id_number_enc: ctx.crypto.encrypt(id.normalized),
      id_number_bidx: bidx,
      id_number_masked: maskIdNumber(id.normalized),
      amount_fen: input.amountFen,
      paid_on: input.paidOn,
      program_id: program.id,
      flags: own ?? [],
      corrected: true,
      confirm_reason: null,
      confirm_reason_sealed: null,
      confirmed_by: null,
      confirmed_by_name: null,
      confirmed_at: null,
    });
    await reflagDuplicates(trx, batchId, [
      { idIndex: before.id_number_bidx, programId: before.program_id },
      { idIndex: bidx, programId: program.id },
    ]);
    await recordAudit(ctx, trx, {
      action: "subsidy.row.correct",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "subsidy_batch",
      targetId: batchId,
      areaPath: batch.area_path,
      details: { row: before.row },
    });
  });
  return rowView(await rowOf(ctx, batchId, rowId));
}

export async function confirmSubsidyRow(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  batchId: string,
  rowId: string,
  reason: string,
) {
  const batch = await batchToChange(ctx, actor, meta, batchId, "subsidy.row.confirm");
  const row = await rowOf(ctx, batchId, rowId);
  const sealed = sealFreeText(ctx, reason);
  await ctx.db.transaction().execute(async (trx) => {
    const locked = await lockBatch(trx, batchId);
    if (locked?.status !== "draft") throw published();
    await updateRow(trx, rowId, {
      confirm_reason: sealed.redacted,
      confirm_reason_sealed: sealed.sealed,
      confirmed_by: authorId(actor),
      confirmed_by_name: actor.displayName,
      confirmed_at: ctx.now(),
    });
    await recordAudit(ctx, trx, {
      action: "subsidy.row.confirm",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "subsidy_batch",
      targetId: batchId,
      areaPath: batch.area_path,
      reason: sealed.redacted,
      details: { row: row.row, flags: row.flags },
    });
  });
  return rowView(await rowOf(ctx, batchId, rowId));
}

export async function publishSubsidyBatch(ctx: AppContext, actor: Principal, meta: RequestMeta, id: string) {
  const batch = await batchToChange(ctx, actor, meta, id, "subsidy.publish");
  await ctx.db.transaction().execute(async (trx) => {
    const locked = await lockBatch(trx, id);
    if (locked?.status !== "draft") throw published();
    const open = await countOpenFlags(trx, id);
    if (open > 0)
      throw new DomainError("SUBSIDY_BATCH_FLAGS_OPEN", `${open} flagged rows are neither corrected nor confirmed`, {
        errors: [fieldIssue("batch", "SUBSIDY_FIELD_FLAGS_OPEN", { count: String(open) })],
        details: { openFlags: open },
      });
    await publishBatch(trx, id, ctx.now(), authorId(actor));
    await recordAudit(ctx, trx, {
      action: "subsidy.publish",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "subsidy_batch",
      targetId: id,
      areaPath: batch.area_path,
    });
  });
  return batchView((await findBatch(ctx.db, id)) as BatchView);
}

export async function deleteSubsidyBatch(ctx: AppContext, actor: Principal, meta: RequestMeta, id: string) {
  const batch = await batchToChange(ctx, actor, meta, id, "subsidy.delete");
  await ctx.db.transaction().execute(async (trx) => {
    const locked = await lockBatch(trx, id);
    if (locked?.status !== "draft") throw published();
    await deleteBatch(trx, id);
    await recordAudit(ctx, trx, {
      action: "subsidy.delete",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "subsidy_batch",
      targetId: id,
      areaPath: batch.area_path,
      details: { title: batch.title },
    });
  });
}
