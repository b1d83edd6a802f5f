import { Select, Spin } from "antd";
import { useTranslation } from "react-i18next";
import { useSearch } from "../../../lib/use-search.ts";
import { searchActors } from "../api/audit.ts";

/**
 * Whose actions to show, picked by name: typing part of a person's name (or their account) lists the
 * accounts in the auditor's sight, each as "name (account)"; the filter keeps the account name the
 * trail records. Nobody has to know an account name by heart (#17 item 1). An antd form control.
 */
export function ActorSelect({
  value,
  onChange,
  style,
}: {
  value?: string | undefined;
  onChange?: (username: string | undefined) => void;
  style?: React.CSSProperties;
}) {
  const { t } = useTranslation();
  const { items, loading, search } = useSearch(searchActors);
  return (
    <Select
      showSearch
      allowClear
      aria-label={t("audit.actor")}
      placeholder={t("audit.actorHint")}
      style={style}
      value={value}
      onChange={(v) => onChange?.(v ?? undefined)}
      onSearch={search}
      filterOption={false}
      notFoundContent={loading ? <Spin size="small" /> : t("audit.noActor")}
      options={items.map((u) => ({
        value: u.username,
        label: (
          <span>
            {u.displayName} <span translate="no">({u.username})</span>
          </span>
        ),
      }))}
    />
  );
}
