import { useSyncExternalStore } from "react";
import { type Reach, reachability } from "./reachability.ts";

/**
 * Whether our server can be reached, and if not why: no network at all ("offline") or a network that
 * does not reach the server ("unreachable"). The field app shows it, keeps records on the phone while
 * it is not "online", and syncs when it is again (lib/reachability.ts).
 */
export function useReach(): Reach {
  return useSyncExternalStore(reachability.subscribe, reachability.get);
}

/** Whether our server can be reached now (see useReach for why it cannot). */
export function useOnline(): boolean {
  return useReach() === "online";
}
