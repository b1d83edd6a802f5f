import type { ServerResponse } from "node:http";
import {
  canView,
  type DataScope,
  type Permission,
  type Principal,
  principalPermissions,
  principalScope,
} from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { changeFeed, type EventChange } from "./event-changes.ts";

/**
 * The live inbox: a server-sent-event stream of the changes to events its reader may see. It holds
 * three promises. Bounded memory: while the client does not take what was written (the socket's
 * buffer is full) changes wait coalesced, the latest per event, and a client that falls behind by
 * more than MAX_WAITING events is dropped (its browser reconnects and reloads the inbox). Current
 * rights: every RECHECK_MS the stream asks again who its session or token stands for — the scope
 * follows role and assignment changes, and the stream ends for a revoked session, a disabled account
 * or a lost permission. Shutdown: closing the app ends every stream at once.
 */
export const RECHECK_MS = 30_000;
export const HEARTBEAT_MS = 25_000;
export const MAX_WAITING = 200;
/**
 * Open streams one reader (an account, or a big-screen link) may hold across the live inbox and the
 * big screen. A new one beyond it ends the reader's oldest, told so with a last `superseded` event:
 * the likeliest oldest is a socket the server has not yet seen die (a wall's browser that crashed or
 * reloaded, a laptop shut), and refusing the newcomer would black out the one screen being watched.
 * A client told `superseded` waits long before it reconnects, so six live tabs do not take turns.
 */
export const MAX_STREAMS_PER_READER = 5;

export interface LiveInbox {
  readonly userId: string;
  /** Asks again who the stream serves; ends the stream if no longer allowed. */
  recheck(): Promise<void>;
  /** Ends the stream (shutdown, or a client dropped). */
  end(): void;
  /** Ends the stream to make room for a newer one of the same reader, saying so to the client. */
  supersede(): void;
}

const inboxes = new WeakMap<object, Set<LiveInbox>>();

/** The open live inboxes over one database (every app built on it shares them). */
export function liveInboxes(ctx: Pick<AppContext, "db">): Set<LiveInbox> {
  let set = inboxes.get(ctx.db);
  if (!set) {
    set = new Set();
    inboxes.set(ctx.db, set);
  }
  return set;
}

/** Re-checks every open live inbox now (the timers do it every RECHECK_MS). */
export async function recheckLiveInboxes(ctx: Pick<AppContext, "db">): Promise<void> {
  await Promise.all([...liveInboxes(ctx)].map((inbox) => inbox.recheck()));
}

/** Re-checks now the open streams of one reader (a user, or a screen link whose revocation must show at once). */
export async function recheckStreamsOf(ctx: Pick<AppContext, "db">, userId: string): Promise<void> {
  await Promise.all([...liveInboxes(ctx)].filter((s) => s.userId === userId).map((s) => s.recheck()));
}

/**
 * What one kind of change stream sends: the permission that opens it, the reader's scope, and what of
 * a change the reader is told (null: not theirs). The live inbox and the big screen's feed are two kinds.
 */
export interface ChangeStreamKind<T extends { id: string; at: string }> {
  permission: Permission;
  scopeOf(principal: Principal): DataScope;
  view(change: EventChange, reader: { userId: string; scope: DataScope }): T | null;
}

/** The live inbox: every change of an event the reader may see, or reported by or assigned to them. */
export const INBOX_STREAM: ChangeStreamKind<EventChange> = {
  permission: "event.read",
  scopeOf: (principal) => principalScope(principal, "event.read"),
  view: (c, reader) =>
    c.reporterUserId === reader.userId || c.assigneeUserId === reader.userId || canView(reader.scope, c.areaPath)
      ? c
      : null,
};

type StreamOptions = { principal: Principal; current: () => Promise<Principal | undefined>; maxSeconds: number };

/**
 * Streams the changes of `kind` that `principal` may see to `out` (already answered 200,
 * text/event-stream) until `maxSeconds` pass, the client goes, the rights go, or end() is called —
 * the live inbox's promises for any kind (bounded memory, current rights, shutdown). `current` says
 * who the credential stands for now (undefined once revoked).
 */
export function openChangeStream<T extends { id: string; at: string }>(
  ctx: AppContext,
  out: ServerResponse,
  kind: ChangeStreamKind<T>,
  options: StreamOptions,
): LiveInbox {
  const userId = options.principal.userId;
  // The reader's oldest streams make room (the set keeps the order they were opened in).
  const mine = [...liveInboxes(ctx)].filter((s) => s.userId === userId);
  for (const old of mine.slice(0, Math.max(0, mine.length - MAX_STREAMS_PER_READER + 1))) old.supersede();
  let scope: DataScope = kind.scopeOf(options.principal);
  let ended = false;
  const waiting = new Map<string, T>();
  const frame = (c: T) => `id: ${c.id}:${c.at}\nevent: change\ndata: ${JSON.stringify(c)}\n\n`;

  const feed = changeFeed(ctx);
  const onChange = (change: EventChange) => {
    if (ended) return;
    const c = kind.view(change, { userId, scope });
    if (!c) return;
    if (!out.writableNeedDrain && waiting.size === 0) {
      out.write(frame(c));
      return;
    }
    // The client has not taken what was written: keep only the latest change of each event.
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
  const recheckTimer = setInterval(() => void inbox.recheck(), RECHECK_MS);
  recheckTimer.unref();
  let checking: Promise<void> | undefined;

  function end(drop: boolean, lastWords?: string) {
    if (ended) return;
    ended = true;
    if (lastWords && !drop && !out.writableNeedDrain) out.write(lastWords);
    clearInterval(heartbeat);
    clearInterval(recheckTimer);
    clearTimeout(expiry);
    feed.off("change", onChange);
    out.off("drain", onDrain);
    waiting.clear();
    liveInboxes(ctx).delete(inbox);
    // A client that is not reading would keep an ended response's bytes: let go of them and the socket.
    if (drop || out.writableNeedDrain) out.destroy();
    else out.end();
  }

  const inbox: LiveInbox = {
    userId,
    recheck() {
      checking ??= (async () => {
        try {
          const now = await options.current();
          if (ended) return;
          if (!now || now.userId !== userId || !principalPermissions(now).includes(kind.permission)) end(false);
          else scope = kind.scopeOf(now);
        } catch (err) {
          ctx.log.warn({ err }, "a live stream could not re-check its reader; it tries again shortly");
        } finally {
          checking = undefined;
        }
      })();
      return checking;
    },
    end: () => end(false),
    supersede: () => end(false, "event: superseded\ndata: {}\n\n"),
  };

  liveInboxes(ctx).add(inbox);
  feed.on("change", onChange);
  out.on("drain", onDrain);
  out.on("close", () => end(false));
  return inbox;
}
