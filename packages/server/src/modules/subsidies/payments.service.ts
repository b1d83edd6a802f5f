import { DomainError, maskPublicName, publicSubsidyRows } from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { findArea } from "../areas/areas.service.ts";
import { programView } from "./programs.service.ts";
import {
  findBatch,
  householdPaymentsStatement,
  listBatches,
  listProgramsOver,
  listPublicRows,
} from "./subsidies.queries.ts";

/**
 * What subsidy payments show outside the console: the public 公示 list of a published batch (names
 * partly masked — 韦*强 —, amounts as the programme's rule says, the date paid; never an ID number or a
 * fragment of one, never a birth date), the programmes' rules, and a linked resident's own payments
 * and their household's (modules/residents).
 */
const notFound = (id: string) => new DomainError("SUBSIDY_BATCH_NOT_FOUND", `no published batch ${id}`);

/**
 * A linked resident's published payments and their household's, newest first (their own name; a
 * member's partly masked); undefined when the account is not linked. One query: this is the resident
 * app's most read page.
 */
export async function householdPayments(ctx: AppContext, userId: string) {
  const rows = await householdPaymentsStatement(ctx.db, userId).execute();
  if (rows.length === 0) return undefined;
  const seen = new Set<string>();
  const payments = [];
  for (const r of rows) {
    // A payment is listed once, even where two records of the household share its ID number.
    if (r.id === null || seen.has(r.id)) continue;
    seen.add(r.id);
    payments.push({
      id: r.id,
      self: r.self === true,
      name: r.self ? (r.name as string) : maskPublicName(r.name as string),
      programName: r.program_name as string,
      amountFen: r.amount_fen as number,
      paidOn: r.paid_on as string,
      batchTitle: r.title as string,
      areaName: r.area_name as string,
    });
  }
  return payments;
}

async function areaPath(ctx: AppContext, code: string) {
  const area = await findArea(ctx.db, code);
  if (!area) throw new DomainError("AREA_NOT_FOUND", `no area ${code}`);
  return area.path;
}

/** Published batches of an area and below, newest first. */
export async function publicBatches(ctx: AppContext, areaCode: string) {
  const path = await areaPath(ctx, areaCode);
  const rows = await listBatches(ctx.db, { prefixes: [path], status: "published", limit: 100 });
  return rows.map((b) => ({
    id: b.id,
    title: b.title,
    areaName: b.area_name,
    publishedAt: (b.published_at as Date).toISOString(),
    rowCount: Number((JSON.parse(b.counts ?? '{"rows":0}') as { rows: number }).rows),
  }));
}

export async function publicSubsidyList(ctx: AppContext, id: string) {
  const batch = await findBatch(ctx.db, id);
  if (batch?.status !== "published") throw notFound(id);
  const programs = await listProgramsOver(ctx.db, batch.area_path);
  const rows = await listPublicRows(ctx.db, id);
  const used = new Set(rows.map((r) => r.program_id));
  const shown = programs.filter((p) => used.has(p.id));
  return {
    batch: {
      id: batch.id,
      title: batch.title,
      areaName: batch.area_name,
      publishedAt: (batch.published_at as Date).toISOString(),
      rowCount: rows.length,
    },
    programs: shown.map((p) => ({ id: p.id, name: p.name, rules: p.rules, publicAmount: p.public_amount })),
    rows: publicSubsidyRows(
      rows.map((r) => ({ name: r.name, programId: r.program_id, amountFen: r.amount_fen, paidOn: r.paid_on })),
      shown.map((p) => ({ id: p.id, publicAmount: p.public_amount })),
    ),
  };
}

/** The programmes run at an area or above it, with their rules: public. */
export async function publicPrograms(ctx: AppContext, areaCode: string) {
  return (await listProgramsOver(ctx.db, await areaPath(ctx, areaCode))).map(programView);
}
