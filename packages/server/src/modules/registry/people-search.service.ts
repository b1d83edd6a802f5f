import { once } from "node:events";
import { PassThrough, Readable } from "node:stream";
import {
  authorId,
  canView,
  codeOfPath,
  DomainError,
  ETHNIC_GROUPS,
  fieldIssue,
  maskIdNumber,
  maskPhone,
  normalizeMobile,
  type Principal,
  principalScope,
} from "@wangge/core";
import ExcelJS from "exceljs";
import type { AppContext, RequestMeta } from "../../context.ts";
import { csvField } from "../../csv.ts";
import { addXlsxRow } from "../../xlsx-cells.ts";
import { searchPrefixes } from "../areas/areas.service.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { type NumberSought, takeNumberLookup } from "./number-lookups.ts";
import { accessRow, birthOf, today, viewOf } from "./people.service.ts";
import {
  countPeople,
  countPeopleOutside,
  cursorOf,
  listTagsOf,
  logAccess,
  type PersonCursor,
  type PersonFilter,
  searchPeople,
} from "./registry.queries.ts";
import type { PersonRow, TagDefinitionRow } from "./registry.table.ts";
import { charsOf, hasHan, idIndex, isIssue, phoneIndex, sealIdNumber } from "./registry-fields.ts";
import { tagViews, visibleTagDefinitions } from "./tags.service.ts";

/**
 * Finding people: searches within the caller's scope, one ordered query paged by a cursor
 * (registry.queries.ts), exports streamed a page at a time, and searches by an exact ID or phone
 * number — which could be used to guess numbers — limited per user (WANGGE_NUMBER_SEARCHES per
 * WANGGE_NUMBER_SEARCH_MINUTES), audited with the blind index and a mask (never the number), and
 * written to the access log of each person they find.
 */
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const ETHNIC_BY_CODE = new Map(ETHNIC_GROUPS.map((g) => [g.code, g]));

export interface PeopleQuery {
  q?: string | undefined;
  tag?: string | undefined;
  /** People with any care (or service) tag: whom to visit. */
  tagCategory?: "care" | "service" | undefined;
  address?: string | undefined;
  gridCode?: string | undefined;
  householdId?: string | undefined;
  limit: number;
  offset?: number | undefined;
  /** The `nextCursor` of the previous page. */
  cursor?: string | undefined;
}

interface Search {
  filter: PersonFilter;
  number: NumberSought | undefined;
}

export const encodeCursor = (c: PersonCursor) =>
  Buffer.from(JSON.stringify([c.rank, c.key, c.id])).toString("base64url");

function decodeCursor(text: string): PersonCursor {
  try {
    const [rank, key, id] = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as unknown[];
    if (
      (rank === 0 || rank === 1) &&
      typeof key === "string" &&
      key.length <= 200 &&
      typeof id === "string" &&
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)
    )
      return { rank, key, id };
  } catch {
    // Not base64 JSON: answered below like any other bad cursor.
  }
  throw new DomainError("REGISTRY_CURSOR_INVALID", "the cursor is not one this search gave", {
    errors: [fieldIssue("querystring.cursor", "REGISTRY_FIELD_CURSOR")],
  });
}

/**
 * Search within scope: `q` is read as an ID number (exact, through the blind index), a mobile number
 * (the same), one Chinese character as a surname (names starting with it), two or more anywhere in
 * the name, or pinyin — full (`zhangsan`) or initials (`zs`), as a prefix. A page ends with the cursor
 * of the next one (none after the last).
 */
export async function searchPeopleInScope(ctx: AppContext, actor: Principal, meta: RequestMeta, query: PeopleQuery) {
  const search = await peopleFilter(ctx, actor, query);
  if (!search) return { people: [], nextCursor: null };
  const filter = { ...search.filter, limit: query.limit + 1 };
  const found = search.number
    ? await searchByNumber(ctx, actor, meta, search.number, filter)
    : await searchPeople(ctx.db, filter);
  const rows = found.slice(0, query.limit);
  const last = rows.at(-1);
  return {
    people: await viewOf(ctx, actor, rows),
    nextCursor: found.length > query.limit && last ? encodeCursor(cursorOf(filter, last)) : null,
  };
}

/** A household's members, in name order (at most 100). */
export async function listHouseholdMembers(ctx: AppContext, actor: Principal, householdId: string) {
  const search = await peopleFilter(ctx, actor, { householdId, limit: 100 });
  return search ? viewOf(ctx, actor, await searchPeople(ctx.db, search.filter)) : [];
}

/**
 * A search by an exact number, if the user has searches left in the window: counted under a lock of
 * the user's own (so parallel requests cannot all slip under the limit), audited, and each person
 * found gets a `search` entry in their access log. Over the limit: a denied audit record and 429.
 */
async function searchByNumber(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  number: NumberSought,
  filter: PersonFilter,
): Promise<PersonRow[]> {
  await takeNumberSearch(ctx, actor, meta, number);
  const rows = await searchPeople(ctx.db, filter);
  await ctx.db.transaction().execute(async (trx) => {
    await logAccess(
      trx,
      rows.map((r) => accessRow(actor, meta, r.id, "search", [number.kind])),
    );
    await recordAudit(ctx, trx, {
      action: "person.search",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "person",
      targetId: rows.length === 1 ? (rows[0] as PersonRow).id : null,
      areaPath: rows.length === 1 ? (rows[0] as PersonRow).area_path : null,
      details: { by: number.kind, index: number.index, masked: number.masked, found: rows.length },
    });
  });
  return rows;
}

/** One search by number from the user's allowance (number-lookups.ts), or PERSON_NUMBER_SEARCH_LIMITED. */
const takeNumberSearch = (ctx: AppContext, actor: Principal, meta: RequestMeta, number: NumberSought) =>
  takeNumberLookup(ctx, actor, meta, number, { action: "person.search", path: "querystring.q" });

/** The query as a filter within the caller's scope; undefined when it can match nobody they may see. */
async function peopleFilter(ctx: AppContext, actor: Principal, query: PeopleQuery): Promise<Search | undefined> {
  const prefixes = await searchPrefixes(ctx.db, principalScope(actor, "person.read"), query.gridCode);
  const filter: PersonFilter = {
    prefixes,
    today: today(ctx),
    limit: query.limit,
    offset: query.offset ?? 0,
  };
  if (query.cursor) filter.after = decodeCursor(query.cursor);
  let number: NumberSought | undefined;
  if (query.householdId) filter.householdId = query.householdId;
  const definitions: Map<string, TagDefinitionRow> =
    query.tag || query.tagCategory ? await visibleTagDefinitions(ctx, actor) : new Map();
  if (query.tag) {
    // A sensitive tag the caller may not see is searched as an unknown tag: no hint that it exists.
    if (!definitions.has(query.tag)) return undefined;
    if (definitions.get(query.tag)?.category === "sensitive") {
      const sensitive = principalScope(actor, "tag.sensitive.read");
      filter.prefixes = narrow(prefixes, sensitive.isGlobal ? null : sensitive.view);
    }
    filter.tagKeys = [query.tag];
  }
  if (query.tagCategory) {
    const keys = [...definitions.values()].filter((d) => d.category === query.tagCategory).map((d) => d.key);
    // With a tag as well, that tag if it is of the category.
    filter.tagKeys = filter.tagKeys ? filter.tagKeys.filter((k) => keys.includes(k)) : keys;
    if (filter.tagKeys.length === 0) return undefined;
  }
  const q = query.q?.trim();
  if (q) {
    const compact = q.replace(/[\s-]/g, "").toUpperCase();
    const mobile = normalizeMobile(q);
    if (/^\d{17}[\dX]$|^\d{15}$/.test(compact)) {
      const sealed = sealIdNumber(
        ctx.crypto,
        compact.startsWith("8") ? "hmt_residence_permit" : "resident_id",
        compact,
        "q",
        ctx.now(),
      );
      filter.idIndex = isIssue(sealed) ? idIndex(ctx.crypto, compact) : sealed.id_number_bidx;
      number = { kind: "idNumber", index: filter.idIndex, masked: maskIdNumber(compact) };
    } else if (mobile) {
      filter.phoneIndex = phoneIndex(ctx.crypto, mobile);
      number = { kind: "phone", index: filter.phoneIndex, masked: maskPhone(mobile) };
    } else if (/^[a-zA-Z]+$/.test(q)) filter.pinyinPrefix = q.toLowerCase();
    else if (hasHan(q) && Array.from(q).length === 1) filter.namePrefix = escapeLike(q);
    else if (hasHan(q)) {
      filter.nameChars = charsOf(q);
      filter.nameLike = escapeLike(q);
    } else filter.nameLike = escapeLike(q);
  }
  if (query.address?.trim()) {
    filter.addressChars = charsOf(query.address);
    filter.addressLike = escapeLike(query.address.trim());
  }
  return { filter, number };
}

/** Prefixes covered by both lists (null = everywhere). */
function narrow(a: string[] | null, b: string[] | null): string[] | null {
  if (a === null) return b;
  if (b === null) return a;
  const out = new Set<string>();
  for (const x of a)
    for (const y of b) {
      if (x.startsWith(y)) out.add(x);
      else if (y.startsWith(x)) out.add(y);
    }
  return [...out];
}

export const MAX_EXPORT_ROWS = 200_000;
/** People read, tagged and written per step of an export. */
export const EXPORT_PAGE = 1000;

const EXPORT_HEADER = [
  "姓名",
  "性别",
  "出生日期",
  "民族",
  "证件号码",
  "手机号码",
  "居住状态",
  "是否党员",
  "网格代码",
  "标签",
];

export interface PeopleExport {
  /** The file, produced a page at a time as it is sent. */
  body: Readable;
  /** The people in it. */
  rows: number;
}

/**
 * Everyone matching a search, as CSV or XLSX under the import template's headers: numbers masked and
 * the birth year only, or — for a holder of `person.reveal` wherever the people are, who states a
 * reason — numbers and birth dates in clear. Audited before the first byte; each page of people is
 * written to their access logs as it is read. The file streams (keyset pages of EXPORT_PAGE), so
 * memory stays flat whether it holds a hundred people or MAX_EXPORT_ROWS.
 */
export async function exportPeople(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: Omit<PeopleQuery, "limit" | "offset" | "cursor"> & {
    format: "csv" | "xlsx";
    reveal: boolean;
    reason?: string | undefined;
  },
  pageSize = EXPORT_PAGE,
): Promise<PeopleExport> {
  if (input.reveal) {
    if (!input.reason || input.reason.trim().length < 2)
      throw new DomainError("VALIDATION_FAILED", "an export in clear needs a reason", {
        errors: [fieldIssue("body.reason", "REGISTRY_FIELD_EXPORT_REASON")],
      });
  }
  const search = await peopleFilter(ctx, actor, { ...input, limit: pageSize });
  const revealScope = principalScope(actor, "person.reveal");
  if (search && input.reveal) {
    const refused = await countPeopleOutside(
      ctx.db,
      search.filter,
      revealScope.isGlobal ? null : revealScope.view,
      MAX_EXPORT_ROWS,
    );
    if (refused > 0)
      throw new DomainError("AUTH_FORBIDDEN", `${refused} of these people lie where you may not see numbers in clear`);
  }
  if (search?.number) await takeNumberSearch(ctx, actor, meta, search.number);
  const rows = search ? await countPeople(ctx.db, search.filter, MAX_EXPORT_ROWS) : 0;
  await recordAudit(ctx, ctx.db, {
    action: "person.export",
    outcome: "success",
    actor: { userId: authorId(actor), username: actor.username },
    meta,
    targetType: "person",
    reason: input.reveal ? (input.reason ?? null) : null,
    // What was searched is not recorded in clear: a search can be a number (its blind index instead).
    details: {
      rows,
      format: input.format,
      inClear: input.reveal,
      tag: input.tag ?? null,
      ...(search?.number ? { by: search.number.kind, index: search.number.index, masked: search.number.masked } : {}),
    },
  });
  const lines = search ? exportLines(ctx, actor, meta, input, search.filter, rows) : emptyLines();
  return { body: input.format === "csv" ? csvStream(lines) : xlsxStream(lines), rows };
}

async function* emptyLines(): AsyncGenerator<string[]> {}

/** The export's rows, a page at a time: read after the last row of the page before, logged, formatted. */
async function* exportLines(
  ctx: AppContext,
  actor: Principal,
  meta: RequestMeta,
  input: { reveal: boolean; reason?: string | undefined },
  filter: PersonFilter,
  max: number,
): AsyncGenerator<string[]> {
  const definitions = await visibleTagDefinitions(ctx, actor);
  const sensitiveScope = principalScope(actor, "tag.sensitive.read");
  const day = today(ctx);
  let sent = 0;
  let after: PersonCursor | undefined;
  while (sent < max) {
    const page = await searchPeople(ctx.db, { ...filter, offset: 0, limit: Math.min(filter.limit, max - sent), after });
    if (page.length === 0) return;
    const tags = await listTagsOf(
      ctx.db,
      page.map((r) => r.id),
    );
    const tagsOf = new Map<string, typeof tags>();
    for (const t of tags) tagsOf.set(t.subject_id, [...(tagsOf.get(t.subject_id) ?? []), t]);
    await logAccess(
      ctx.db,
      page.map((r) =>
        accessRow(
          actor,
          meta,
          r.id,
          "export",
          input.reveal ? ["idNumber", "phone"] : [],
          input.reveal ? (input.reason ?? null) : null,
        ),
      ),
    );
    for (const r of page) {
      const clear = input.reveal;
      const birth = birthOf(r, clear);
      const tagNames = tagViews(tagsOf.get(r.id) ?? [], definitions, canView(sensitiveScope, r.area_path), day).map(
        (t) => t.name["zh-CN"],
      );
      yield [
        r.name,
        r.gender === "male" ? "男" : r.gender === "female" ? "女" : "",
        birth.birthDate ?? (birth.birthYear ? String(birth.birthYear) : ""),
        (r.ethnicity ? ETHNIC_BY_CODE.get(r.ethnicity)?.zh : undefined) ?? "",
        (clear && r.id_number_enc ? ctx.crypto.decrypt(r.id_number_enc) : r.id_number_masked) ?? "",
        (clear && r.phone_enc ? ctx.crypto.decrypt(r.phone_enc) : r.phone_masked) ?? "",
        { resident: "常住", migrant: "流动", away: "外出", left_behind: "留守" }[r.residence_status],
        r.party_member ? "是" : "否",
        codeOfPath(r.area_path) ?? "",
        tagNames.join("、"),
      ];
    }
    sent += page.length;
    after = cursorOf(filter, page.at(-1) as PersonRow);
    if (page.length < filter.limit) return;
  }
}

function csvStream(lines: AsyncGenerator<string[]>): Readable {
  return Readable.from(
    (async function* () {
      yield Buffer.from(`\uFEFF${EXPORT_HEADER.map(csvField).join(",")}\r\n`, "utf8");
      for await (const line of lines) yield Buffer.from(`${line.map(csvField).join(",")}\r\n`, "utf8");
    })(),
  );
}

function xlsxStream(lines: AsyncGenerator<string[]>): Readable {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: true });
  const sheet = workbook.addWorksheet("人员");
  // ID and phone numbers as text, so a spreadsheet does not turn them into 4.50802E+17.
  sheet.getColumn(5).numFmt = "@";
  sheet.getColumn(6).numFmt = "@";
  const write = async () => {
    const header = addXlsxRow(sheet, EXPORT_HEADER);
    header.font = { bold: true };
    header.commit();
    // Each cell through the one XLSX cleaning (xlsx-cells.ts): formula-looking text stays text, a
    // control character an import brought in is shown, not left to break the file.
    for await (const line of lines) {
      addXlsxRow(sheet, line).commit();
      // A slow reader holds the next pages back rather than have them pile up here.
      if (out.writableNeedDrain) await once(out, "drain");
    }
    await workbook.commit();
  };
  write().catch((error: unknown) => out.destroy(error as Error));
  return out;
}
