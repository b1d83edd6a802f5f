import { childPath, type DataScope, DomainError } from "@wangge/core";
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import { uuidv7 } from "../../ids.ts";
import { findAreaByCode, insertAreaIfMissing, listAreasUnder } from "./areas.queries.ts";
import type { AreaRow, AreaTable } from "./areas.table.ts";

/**
 * The part of the areas module that accounts need now: resolving an area code inside a scope. The
 * areas module (boundaries, import, history, routing) builds on the same table.
 */
export async function getAreaInScope(
  db: Kysely<DB> | Transaction<DB>,
  code: string,
  scope: DataScope,
): Promise<AreaRow> {
  const area = await findAreaByCode(db, code);
  if (!area || !(scope.isGlobal || scope.view.some((p) => area.path.startsWith(p)))) {
    throw new DomainError("AREA_NOT_FOUND", `no area ${code} in your scope`, {
      errors: [{ path: "areaCode", message: "unknown area" }],
    });
  }
  return area;
}

export async function listAreasInScope(db: Kysely<DB>, scope: DataScope, limit = 500): Promise<AreaRow[]> {
  if (scope.isGlobal) return listAreasUnder(db, "/", limit);
  const lists = await Promise.all(scope.view.map((p) => listAreasUnder(db, p, limit)));
  return lists.flat().slice(0, limit);
}

/** Creates the area (and records its path) unless the code exists; used by seeds and imports. */
export async function ensureArea(
  db: Kysely<DB> | Transaction<DB>,
  input: { code: string; name: string; level: AreaTable["level"]; parentCode: string | null },
): Promise<AreaRow> {
  const parent = input.parentCode ? await findAreaByCode(db, input.parentCode) : undefined;
  if (input.parentCode && !parent)
    throw new DomainError("AREA_NOT_FOUND", `parent area ${input.parentCode} does not exist`);
  await insertAreaIfMissing(db, {
    id: uuidv7(),
    code: input.code,
    name: input.name,
    level: input.level,
    parent_id: parent?.id ?? null,
    path: childPath(parent?.path ?? null, input.code),
  });
  return (await findAreaByCode(db, input.code)) as AreaRow;
}
