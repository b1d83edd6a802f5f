import { canView, type ScreenChange } from "@wangge/core";
import type { EventChange } from "../events/event-changes.ts";
import type { ChangeStreamKind } from "../events/live-inbox.ts";
import { screenScope } from "./screen.service.ts";

/**
 * The big screen's live feed, a kind of change stream (events/live-inbox.ts: bounded memory, rights
 * checked again, ended at shutdown): that a matter of its areas arrived or changed — which one, what
 * happened and where, nothing of what it says or who is in it (the screen refetches its figures and
 * pulses the area on its map).
 */
export const SCREEN_STREAM: ChangeStreamKind<ScreenChange> = {
  permission: "screen.view",
  scopeOf: screenScope,
  view: (c, reader) => (canView(reader.scope, c.areaPath) ? toScreenChange(c) : null),
};

const codeOf = (path: string) => path.split("/").filter(Boolean).at(-1) ?? "";

export function toScreenChange(c: EventChange): ScreenChange {
  return { id: c.id, action: c.action, state: c.state, areaCode: codeOf(c.areaPath), areaPath: c.areaPath, at: c.at };
}
