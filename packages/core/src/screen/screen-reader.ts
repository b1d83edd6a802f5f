import type { Permission } from "../auth/permissions.ts";
import type { Principal } from "../auth/principal.ts";

/**
 * The big screen reads figures, open matters, risk alerts and close-outs — through the same services
 * the console uses, which check event.read, risk.read and report.read. A screen account (role 大屏)
 * holds only screen.view: what it may show is decided here, once. The reader stands for the posts
 * that carry screen.view, each reduced to reading what the screen draws, in that post's area — never
 * more areas than screen.view reaches, and nothing that changes or lists records.
 */
export const SCREEN_READS: readonly Permission[] = ["screen.view", "event.read", "risk.read", "report.read"];

export function screenReader(principal: Principal): Principal {
  return {
    ...principal,
    assignments: principal.assignments
      .filter((a) => a.permissions.includes("screen.view"))
      .map((a) => ({ ...a, permissions: [...SCREEN_READS] })),
  };
}
