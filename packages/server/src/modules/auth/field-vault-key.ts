import { authorId, DomainError, type Principal } from "@wangge/core";
import type { AppContext } from "../../context.ts";

/**
 * The field app's vault secret for a user (#18 item 3): derived from the deployment's MAC key and the
 * user's id, so nothing is stored and every device of the user gets the same one while signed in. The
 * phone wraps the key of its offline data with it and keeps it in memory only; reading the phone's
 * storage without a valid session (and without the worker's offline PIN) gives nothing readable.
 */
export function fieldVaultKey(ctx: AppContext, actor: Principal): { secret: string } {
  const userId = authorId(actor);
  if (!userId) throw new DomainError("AUTH_SESSION_REQUIRED", "only a signed-in user has a field vault");
  return { secret: Buffer.from(ctx.crypto.mac(`field-vault/v1/${userId}`), "hex").toString("base64url") };
}
