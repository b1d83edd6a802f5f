/** Error codes of subsidy programmes, payment batches and their public lists (惠民惠农补贴). */
export const SUBSIDY_ERRORS = {
  SUBSIDY_PROGRAM_NOT_FOUND: "a subsidy programme does not exist or lies outside the caller's scope",
  SUBSIDY_BATCH_NOT_FOUND: "a payment batch does not exist, lies outside the caller's scope, or is not published",
  SUBSIDY_ROW_NOT_FOUND: "a payment batch has no row with that id",
  SUBSIDY_ID_CONFLICT: "a create is retried with an id that already holds a different programme or batch",
  SUBSIDY_FILE_INVALID: "a payment file is not a readable XLSX, lacks a column, or has rows that cannot be imported",
  SUBSIDY_BATCH_PUBLISHED: "a published batch is changed (rows, flags, publication or deletion)",
  SUBSIDY_BATCH_FLAGS_OPEN: "a batch is published while some of its flagged rows are neither corrected nor confirmed",
  SUBSIDY_BATCH_EMPTY: "a payment file has no data rows",
} as const;
export type SubsidyErrorCode = keyof typeof SUBSIDY_ERRORS;
export const SUBSIDY_ERROR_CODES = Object.keys(SUBSIDY_ERRORS) as SubsidyErrorCode[];
