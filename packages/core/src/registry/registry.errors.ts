/** Error codes of the registry: places, households, people, organisations, tags, imports. */
export const REGISTRY_ERRORS = {
  PERSON_NOT_FOUND: "a person does not exist or lies outside the caller's scope",
  HOUSEHOLD_NOT_FOUND: "a household does not exist or lies outside the caller's scope",
  PLACE_NOT_FOUND: "a place does not exist or lies outside the caller's scope",
  ORGANISATION_NOT_FOUND: "an organisation does not exist or lies outside the caller's scope",
  PERSON_ID_NUMBER_TAKEN:
    "another person the caller may see is registered with this ID number (the issue names them and where)",
  REGISTRY_NUMBER_REFUSED:
    "an ID number or household number given to register or correct a record belongs to a record the caller cannot see: refused without saying where or whose",
  REGISTRY_ID_CONFLICT: "a create is retried with an id that already holds a different record",
  TAG_NOT_FOUND: "a tag key is not defined (or not visible to the caller)",
  LEAD_HOUSEHOLD_INVALID: "a lead household is not a party member's, or would look after too many households",
  IMPORT_NOT_FOUND: "an import job does not exist or belongs to someone else",
  IMPORT_FILE_INVALID: "an import file is not CSV or XLSX, or lacks required columns",
  IMPORT_REPORT_EXPIRED: "an import's rejected rows were removed after the retention period",
  PERSON_NUMBER_SEARCH_LIMITED:
    "a user looked up exact ID, phone or household numbers (searches, registrations of a registered number, ID number corrections) more often than the limit allows in the window",
  REGISTRY_CURSOR_INVALID: "a search's page cursor is not one the server gave for that search",
} as const;
export type RegistryErrorCode = keyof typeof REGISTRY_ERRORS;
export const REGISTRY_ERROR_CODES = Object.keys(REGISTRY_ERRORS) as RegistryErrorCode[];
