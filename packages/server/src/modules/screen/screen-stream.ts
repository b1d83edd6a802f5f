import type { ServerResponse } from "node:http";
import { canView, type DataScope, type Principal, principalPermissions, type ScreenChange } from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { changeFeed, type EventChange } from "../events/event-changes.ts";
import { screenScope } from "./screen.service.ts";

/**
 * The big screen's live feed: a server-sent-event stream telling the screen that a matter of its areas
 * arrived or changed — which one, what happened and where, nothing of what it says or who is in it
 * (the screen refetches its figures and pulses the area on its map). Like the live inbox
 * (events/live-inbox.ts): a client that does not read gets the latest change per matter and is dropped
 * beyond MAX_WAITING; the rights are checked again every RECHECK_MS and the stream ends when the
 * session is gone or the screen may no longer be opened; the app's shutdown ends it.
 */
export const RECHECK_MS = 30_000;
export const HEARTBEAT_MS = 25_000;
export const MAX_WAITING = 200;

export interface ScreenStream {
  recheck(): Promise<void>;
  end(): void;
}

const codeOf = (path: string) => path.split("/").filter(Boolean).at(-1) ?? "";

export function toScreenChange(c: EventChange): ScreenChange {
  return { id: c.id, action: c.action, state: c.state, areaCode: codeOf(c.areaPath), areaPath: c.areaPath, at: c.at };
}

export function openScreenStream(
  ctx: AppContext,
  out: ServerResponse,
  options: { principal: Principal; current: () => Promise<Principal | undefined>; maxSeconds: number },
): ScreenStream {
  const userId = options.principal.userId;
  let scope: DataScope = screenScope(options.principal);
  let ended = false;
  const waiting = new Map<string, ScreenChange>();
  const frame = (c: ScreenChange) => `id: ${c.id}:${c.at}\nevent: change\ndata: ${JSON.stringify(c)}\n\n`;
  const feed = changeFeed(ctx);

  const onChange = (change: EventChange) => {
    if (ended || !canView(scope, change.areaPath)) return;
    const c = toScreenChange(change);
    if (!out.writableNeedDrain && waiting.size === 0) {
      out.write(frame(c));
      return;
    }
    waiting.delete(c.id);
    waiting.set(c.id, c);
    if (waiting.size > MAX_WAITING) end(true);
  };
  const onDrain = () => {
    for (const [id, c] of waiting) {
      waiting.delete(id);
      if (!out.write(frame(c))) return;
    }
  };
  const heartbeat = setInterval(() => {
    if (!out.writableNeedDrain) out.write(": keep-alive\n\n");
  }, HEARTBEAT_MS);
  heartbeat.unref();
  const expiry = setTimeout(() => end(false), options.maxSeconds * 1000);
  expiry.unref();
  const recheckTimer = setInterval(() => void stream.recheck(), RECHECK_MS);
  recheckTimer.unref();
  let checking: Promise<void> | undefined;

  function end(drop: boolean) {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    clearInterval(recheckTimer);
    clearTimeout(expiry);
    feed.off("change", onChange);
    out.off("drain", onDrain);
    waiting.clear();
    if (drop || out.writableNeedDrain) out.destroy();
    else out.end();
  }

  const stream: ScreenStream = {
    recheck() {
      checking ??= (async () => {
        try {
          const now = await options.current();
          if (ended) return;
          if (!now || now.userId !== userId || !principalPermissions(now).includes("screen.view")) end(false);
          else scope = screenScope(now);
        } catch (err) {
          ctx.log.warn({ err }, "a screen stream could not re-check its reader; it tries again shortly");
        } finally {
          checking = undefined;
        }
      })();
      return checking;
    },
    end: () => end(false),
  };
  feed.on("change", onChange);
  out.on("drain", onDrain);
  out.on("close", () => end(false));
  return stream;
}
