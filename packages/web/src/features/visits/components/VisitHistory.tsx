import { App, Empty, Table, Tag, Typography } from "antd";
import type { TFunction } from "i18next";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { toApiError } from "../../../lib/api-client.ts";
import { errorMessageKey } from "../../../lib/error-message.ts";
import { useTimeFormat } from "../../../lib/format-time.ts";
import { listVisitHistory, type Visit } from "../api/visits.ts";

/** A household's or a person's door-knocking visits, newest first (on their cards in the console). */
export function VisitHistory({ householdId, personId }: { householdId?: string; personId?: string }) {
  const { t } = useTranslation();
  const time = useTimeFormat();
  const { message } = App.useApp();
  const [visits, setVisits] = useState<Visit[]>();
  const fail = useCallback((e: unknown) => message.error(t(errorMessageKey(toApiError(e).code))), [message, t]);
  useEffect(() => {
    setVisits(undefined);
    listVisitHistory({ ...(householdId ? { householdId } : {}), ...(personId ? { personId } : {}) }).then(
      setVisits,
      fail,
    );
  }, [householdId, personId, fail]);
  return (
    <section aria-label={t("visits.history")}>
      <Typography.Title level={5}>{t("visits.history")}</Typography.Title>
      {visits && visits.length === 0 ? (
        <Empty description={t("visits.noVisits")} image={Empty.PRESENTED_IMAGE_SIMPLE} />
      ) : (
        <Table
          rowKey="id"
          size="small"
          loading={!visits}
          pagination={false}
          dataSource={visits ?? []}
          columns={visitColumns(t, time.dateTime)}
        />
      )}
    </section>
  );
}

/**
 * A visit's columns (time, kind, outcome, findings, note, who recorded it), shared by the visit lists;
 * times written by the caller's useTimeFormat (the deployment's zone).
 */
export function visitColumns(t: TFunction, dateTime: (iso: string) => string) {
  return [
    {
      title: t("visits.visitedAt"),
      dataIndex: "visitedAt",
      render: (v: string) => dateTime(v),
    },
    { title: t("visits.kind"), dataIndex: "kind", render: (v: string) => t(`visits.kinds.${v}`) },
    {
      title: t("visits.outcome"),
      dataIndex: "outcome",
      render: (v: string) => <Tag color={v === "visited" ? "green" : "default"}>{t(`visits.outcomes.${v}`)}</Tag>,
    },
    {
      title: t("visits.findings"),
      key: "findings",
      render: (_: unknown, v: Visit) => {
        const issues = v.checklist.filter((c) => !c.ok).length;
        return (
          <span>
            {issues === 0 ? t("visits.allFine") : t("visits.issues", { n: issues })}
            {v.needs.length > 0 ? ` · ${t("visits.needs", { n: v.needs.length })}` : ""}
          </span>
        );
      },
    },
    {
      title: t("visits.note"),
      dataIndex: "note",
      render: (v: string | null) => <span translate="no">{v ?? "—"}</span>,
    },
    {
      title: t("visits.recordedBy"),
      dataIndex: "recordedBy",
      render: (v: string | null) => <span translate="no">{v ?? "—"}</span>,
    },
  ];
}
