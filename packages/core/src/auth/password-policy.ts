import { fieldIssue } from "../platform/field.messages.ts";
import type { FieldIssue } from "../shared/domain-error.ts";
import { COMMON_PASSWORDS } from "./common-passwords.ts";

/**
 * Password policy for MLPS 2.0 (GB/T 22239-2019, level 3 "identity authentication"): at least 10
 * characters, not the username (or contained in it, either way), not a commonly used password, and
 * not a single repeated character. Length beats composition rules (NIST SP 800-63B §5.1.1.2).
 */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

export type PasswordProblem =
  | "PASSWORD_TOO_SHORT"
  | "PASSWORD_TOO_LONG"
  | "PASSWORD_CONTAINS_USERNAME"
  | "PASSWORD_TOO_COMMON";

export function checkPassword(password: string, username: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const chars = [...password];
  if (chars.length < PASSWORD_MIN_LENGTH) problems.push("PASSWORD_TOO_SHORT");
  if (chars.length > PASSWORD_MAX_LENGTH) problems.push("PASSWORD_TOO_LONG");
  const lower = password.toLowerCase();
  const user = username.trim().toLowerCase();
  if (user.length >= 3 && (lower.includes(user) || (lower.length >= 3 && user.includes(lower)))) {
    problems.push("PASSWORD_CONTAINS_USERNAME");
  }
  const stripped = lower.replace(/[^a-z0-9]/g, "");
  if (COMMON_PASSWORDS.has(lower) || COMMON_PASSWORDS.has(stripped) || new Set(chars).size <= 2) {
    problems.push("PASSWORD_TOO_COMMON");
  }
  return problems;
}

export function passwordIssues(password: string, username: string, path = "password"): FieldIssue[] {
  const params: Partial<Record<PasswordProblem, Record<string, string>>> = {
    PASSWORD_TOO_SHORT: { min: String(PASSWORD_MIN_LENGTH) },
    PASSWORD_TOO_LONG: { max: String(PASSWORD_MAX_LENGTH) },
  };
  return checkPassword(password, username).map((p) => fieldIssue(path, `FIELD_${p}`, params[p]));
}
