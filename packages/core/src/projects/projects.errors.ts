/** Error codes of livelihood projects (民生项目): their milestones, progress photos and completion acceptance. */
export const PROJECT_ERRORS = {
  PROJECT_NOT_FOUND:
    "a project does not exist, is not published (for public readers) or lies outside the caller's scope",
  PROJECT_ID_CONFLICT: "a create (project, milestone, file) is retried with an id that holds something else",
  PROJECT_MILESTONE_NOT_FOUND: "a milestone or a file does not belong to the project",
  PROJECT_NO_MILESTONES: "a project is published before it has any milestone (residents follow its progress by them)",
  PROJECT_NOT_PUBLISHED: "a completion acceptance is recorded for a project that was never published",
  PROJECT_MILESTONES_OPEN: "a completion acceptance (验收) is recorded while a milestone is not done",
  PROJECT_ACCEPTED: "a project that passed its completion acceptance is changed (its record is closed)",
  PROJECT_FILE_REJECTED: "a project's photo or document is not a PDF, JPEG, PNG or WebP, is empty or too large",
} as const;
export type ProjectErrorCode = keyof typeof PROJECT_ERRORS;
export const PROJECT_ERROR_CODES = Object.keys(PROJECT_ERRORS) as ProjectErrorCode[];
