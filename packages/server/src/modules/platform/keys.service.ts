import { DomainError } from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { rotateKeyFiles } from "../../crypto/field-crypto.ts";
import { recordAudit } from "../audit/audit.service.ts";

/**
 * Makes a new data key current (key files), tells this process's field encryption, and audits it.
 * Keys given in the environment are rotated by the operator instead (new key in WANGGE_DATA_KEY, the
 * old one in WANGGE_RETIRED_DATA_KEYS, the first one in WANGGE_INDEX_KEY), then `wangge keys reencrypt`.
 */
export async function rotateDataKey(
  ctx: AppContext,
  actor: { userId: string | null; username: string | null },
  meta: RequestMeta,
): Promise<{ retiredKeyId: string; newKeyId: string }> {
  if (ctx.config.dataKey)
    throw new DomainError(
      "KEYS_FROM_ENVIRONMENT",
      "the data key comes from WANGGE_DATA_KEY: put the new key there and the old one in WANGGE_RETIRED_DATA_KEYS (and the first one in WANGGE_INDEX_KEY), restart, then run wangge keys reencrypt",
    );
  const rotated = rotateKeyFiles(ctx.config.dataDir);
  ctx.crypto.reload();
  await recordAudit(ctx, ctx.db, {
    action: "system.keys.rotate",
    outcome: "success",
    actor,
    meta,
    details: rotated,
  });
  return rotated;
}
