import type { Principal } from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { listCategories } from "../events/categories.service.ts";
import { reportPdf, reportXlsx, sectionsOf, titleOf } from "./report-files.ts";
import { auditDownload, getReport, visibleReport } from "./reports.service.ts";

const CONTENT_TYPES = {
  pdf: "application/pdf",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
} as const;

/** A report the reader may read, as a PDF or XLSX file; the download is audited. */
export async function reportDocument(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  id: string,
  format: "pdf" | "xlsx",
): Promise<{ data: Buffer; fileName: string; contentType: string }> {
  const stored = await visibleReport(ctx, actor, id);
  const report = await getReport(ctx, actor, id);
  const categories = new Map((await listCategories(ctx.db)).map((c) => [c.key, c.name["zh-CN"]]));
  const sections = sectionsOf(report, (key) => categories.get(key) ?? key);
  const data = format === "pdf" ? await reportPdf(report, sections) : await reportXlsx(report, sections);
  await auditDownload(ctx, actor, meta, { ...report, areaPath: stored.area_path }, format);
  return { data, fileName: `${titleOf(report)}.${format}`, contentType: CONTENT_TYPES[format] };
}
