/** Error codes of four-affairs disclosures (四务公开), their reviews, and residents' questions and objections. */
export const DISCLOSURE_ERRORS = {
  DISCLOSURE_NOT_FOUND:
    "a disclosure does not exist, is not published (for public readers) or lies outside the caller's scope",
  DISCLOSURE_ID_CONFLICT: "a create is retried with an id that already holds a different disclosure or version",
  DISCLOSURE_NOT_EDITABLE:
    "a version is edited, submitted or given a file while it is under review or published (a published item changes only by a correction)",
  DISCLOSURE_CORRECTION_PENDING: "a correction is started while another version is still a draft or under review",
  DISCLOSURE_NOT_PUBLISHED: "a correction is started for an item that was never published (edit its draft instead)",
  DISCLOSURE_NOT_IN_REVIEW: "a review is given for a version that is not waiting for one",
  DISCLOSURE_FILE_REJECTED: "a disclosure's file is not a PDF, JPEG, PNG or WebP, is empty or too large",
  DISCLOSURE_FINANCE_FILE_INVALID: "a finance table is not an XLSX in the template's layout",
  COMMENT_NOT_FOUND: "a question or objection does not exist or lies outside the caller's scope",
  COMMENT_ID_CONFLICT: "a question or objection is retried with an id that holds another one",
  COMMENT_ALREADY_ANSWERED: "a question or objection that was answered gets another, different answer",
  COMMENT_HIDDEN: "a hidden question or objection is answered or hidden again",
  PROCEDURE_NOT_FOUND:
    "a procedure guide does not exist, is not published (for public readers) or lies outside the caller's scope",
  PROCEDURE_ID_CONFLICT: "a procedure guide is created with an id that holds another one",
  DISCLOSURE_PUBLICITY_CLOSED: "an objection is lodged on an item that is not in its publicity period (公示期)",
} as const;
export type DisclosureErrorCode = keyof typeof DISCLOSURE_ERRORS;
export const DISCLOSURE_ERROR_CODES = Object.keys(DISCLOSURE_ERRORS) as DisclosureErrorCode[];
