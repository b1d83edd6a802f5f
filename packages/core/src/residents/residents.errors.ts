/** Error codes of a resident's link to their registry record (居民身份关联). */
export const RESIDENT_ERRORS = {
  RESIDENT_LINK_NO_MATCH:
    "a name and ID number given to link an account match no registry record (a wrong name and an unknown number are answered alike)",
  RESIDENT_LINK_LOCKED:
    "five failed link attempts within a day, by this account or for this ID number: linking waits until the day has passed",
  RESIDENT_LINK_TAKEN: "the record is already linked to another resident account",
  RESIDENT_ALREADY_LINKED: "the account is already linked to another record (unlink it first)",
  RESIDENT_NOT_LINKED: "a resident reads their household, access log or subsidies before linking their record",
} as const;
export type ResidentErrorCode = keyof typeof RESIDENT_ERRORS;
export const RESIDENT_ERROR_CODES = Object.keys(RESIDENT_ERRORS) as ResidentErrorCode[];
