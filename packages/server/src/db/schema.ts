import type { AppMetaTable, ClientErrorReportTable } from "../modules/platform/platform.table.ts";

/** Every table Kysely may query; each module contributes its `<domain>.table.ts`. */
export interface DB {
  app_meta: AppMetaTable;
  client_error_report: ClientErrorReportTable;
}
