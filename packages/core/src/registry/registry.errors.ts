/** Error codes of the registry: places, households, people, organisations, tags, imports. */
export const REGISTRY_ERRORS = {
  PERSON_NOT_FOUND: "a person does not exist or lies outside the caller's scope",
  HOUSEHOLD_NOT_FOUND: "a household does not exist or lies outside the caller's scope",
  PLACE_NOT_FOUND: "a place does not exist or lies outside the caller's scope",
  ORGANISATION_NOT_FOUND: "an organisation does not exist or lies outside the caller's scope",
  PERSON_ID_NUMBER_TAKEN: "another person in the registry has this ID number",
  REGISTRY_ID_CONFLICT: "a create is retried with an id that already holds a different record",
  TAG_NOT_FOUND: "a tag key is not defined (or not visible to the caller)",
  LEAD_HOUSEHOLD_INVALID: "a lead household is not a party member's, or would look after too many households",
  IMPORT_NOT_FOUND: "an import job does not exist or belongs to someone else",
  IMPORT_FILE_INVALID: "an import file is not CSV or XLSX, or lacks required columns",
  IMPORT_REPORT_EXPIRED: "an import's rejected rows were removed after the retention period",
  PERSON_NUMBER_SEARCH_LIMITED:
    "a user searched by exact ID or phone number more often than the limit allows in the window",
  REGISTRY_CURSOR_INVALID: "a search's page cursor is not one the server gave for that search",
} as const;
export type RegistryErrorCode = keyof typeof REGISTRY_ERRORS;
export const REGISTRY_ERROR_CODES = Object.keys(REGISTRY_ERRORS) as RegistryErrorCode[];
