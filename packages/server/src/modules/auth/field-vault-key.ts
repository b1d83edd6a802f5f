import { authorId, DomainError, type Principal } from "@wangge/core";
import type { AppContext } from "../../context.ts";
import { findAccount } from "../users/users.service.ts";

/**
 * The field app's vault secret for a user (#18 item 3): derived from the deployment's MAC key, the
 * user's id and their password's (salted) hash, so nothing new is stored, every device of the user
 * gets the same one while signed in, and it changes with the password: an admin's reset after a phone
 * is lost (which also ends the user's sessions) makes a secret read off that phone worthless. The
 * phone wraps the key of its offline data with it and keeps it in memory only; reading the phone's
 * storage without a valid session (and without the worker's offline PIN) gives nothing readable. When
 * the secret has changed, the phone asks the worker's offline PIN once to wrap its data key under the
 * new one (its queue kept); without a PIN, what it kept is lost.
 */
export async function fieldVaultKey(ctx: AppContext, actor: Principal): Promise<{ secret: string }> {
  const userId = authorId(actor);
  const user = userId ? await findAccount(ctx.db, userId) : undefined;
  if (!user) throw new DomainError("AUTH_SESSION_REQUIRED", "only a signed-in user has a field vault");
  // The hash is salted afresh whenever a password is set: every change gives another secret.
  const password = user.password_hash ?? "-";
  return {
    secret: Buffer.from(ctx.crypto.mac(`field-vault/v2/${user.id}/${password}`), "hex").toString("base64url"),
  };
}
