import type { ColumnType, Insertable, Selectable } from "kysely";

export interface AppMetaTable {
  key: string;
  value: ColumnType<unknown, string, string>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface ClientErrorReportTable {
  id: string;
  app: string;
  message: string;
  stack: string | null;
  url: string;
  app_version: string | null;
  user_agent: string | null;
  request_id: string;
  occurred_at: Date;
  received_at: ColumnType<Date, Date | undefined, never>;
  /** A keyed hash of the address the report came from (counted per hour), never the address. */
  reporter_mac: string | null;
}
export type ClientErrorReportRow = Selectable<ClientErrorReportTable>;
export type NewClientErrorReportRow = Insertable<ClientErrorReportTable>;

/** An index or foreign key set aside during a bulk load, to be built again after it. */
export interface DeferredDdlTable {
  table_name: string;
  name: string;
  kind: "index" | "foreign_key";
  definition: string;
  deferred_at: ColumnType<Date, Date | undefined, never>;
}
