import { Button, List } from "antd-mobile";
import { useTranslation } from "react-i18next";
import { errorMessageKey } from "../lib/error-message.ts";
import { useQueue, useVault } from "../lib/offline/field-vault.tsx";
import type { QueueItem } from "../lib/offline/vault.ts";

/**
 * What this phone recorded and has not yet delivered: each waiting for a network, or refused by the
 * server with its reason (kept until the worker deletes it). Shown on the task list of the field app.
 */
export function QueueList() {
  const { t } = useTranslation();
  const vault = useVault();
  const items = useQueue();
  if (items.length === 0) return null;
  return (
    <List header={t("field.pending", { n: items.length })} data-testid="pending-reports">
      {items.map((item) => (
        <List.Item
          key={item.id}
          description={
            item.refused
              ? `${t(errorMessageKey(item.refused.code))}${item.refused.detail ? ` — ${item.refused.detail}` : ""}`
              : t("field.waitingForNetwork")
          }
          extra={
            item.refused ? (
              <Button size="mini" color="danger" fill="outline" onClick={() => void vault?.remove(item.id)}>
                {t("field.discard")}
              </Button>
            ) : null
          }
        >
          <span translate="no">{summary(item, t)}</span>
        </List.Item>
      ))}
    </List>
  );
}

function summary(item: QueueItem, t: (key: string) => string): string {
  const body = item.body as { description?: string; summary?: string };
  const text = body.description ?? body.summary ?? "";
  return `${t(`field.queueKind.${item.kind.replace(".", "_")}`)}${text ? ` · ${text}` : ""}`;
}
