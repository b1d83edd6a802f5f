import { App, Input, Segmented, Space, Table } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { toApiError } from "../../../lib/api-client.ts";
import { errorMessageKey } from "../../../lib/error-message.ts";
import { useTimeFormat } from "../../../lib/format-time.ts";
import { listAreaVisits, type Visit } from "../api/visits.ts";
import { visitColumns } from "./VisitHistory.tsx";

const PAGE = 50;
type Met = "all" | "true" | "false";

/**
 * 走访记录: an area's visits over a period, newest first — the list behind the workbench's visit
 * figures (`/visits?tab=records&areaCode=…&from=…&to=…&met=true`), a page at a time.
 */
export function VisitRecordsTab({ areaCode }: { areaCode: string | null }) {
  const { t } = useTranslation();
  const time = useTimeFormat();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const code = params.get("areaCode") ?? areaCode;
  // With no area (a reader of the whole deployment), the visits of the last week everywhere they see.
  const from = params.get("from") ?? (code ? "" : weekAgo());
  const to = params.get("to") ?? "";
  const met = (params.get("met") ?? "all") as Met;
  const [page, setPage] = useState(1);
  const [visits, setVisits] = useState<Visit[]>();
  const fail = useCallback((e: unknown) => message.error(t(errorMessageKey(toApiError(e).code))), [message, t]);
  const set = (key: string, value: string) => {
    setPage(1);
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        next.set("tab", "records");
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  };

  useEffect(() => {
    let current = true; // a late answer to an earlier filter is dropped
    setVisits(undefined);
    listAreaVisits({
      ...(code ? { areaCode: code } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(met === "all" ? {} : { met }),
      // One more than a page tells whether there is a next one.
      limit: PAGE + 1,
      offset: (page - 1) * PAGE,
    }).then(
      (v) => current && setVisits(v),
      (e) => current && fail(e),
    );
    return () => {
      current = false;
    };
  }, [code, from, to, met, page, fail]);

  return (
    <Space direction="vertical" style={{ width: "100%" }} data-testid="visit-records">
      <Space wrap>
        <Input
          type="date"
          aria-label={t("visits.records.from")}
          addonBefore={t("visits.records.from")}
          value={from}
          onChange={(e) => set("from", e.target.value)}
          style={{ width: 220 }}
        />
        <Input
          type="date"
          aria-label={t("visits.records.to")}
          addonBefore={t("visits.records.to")}
          value={to}
          onChange={(e) => set("to", e.target.value)}
          style={{ width: 220 }}
        />
        <Segmented<Met>
          value={met}
          onChange={(v) => set("met", v === "all" ? "" : v)}
          options={[
            { value: "all", label: t("visits.records.all") },
            { value: "true", label: t("visits.records.met") },
            { value: "false", label: t("visits.records.notMet") },
          ]}
        />
      </Space>
      <Table
        rowKey="id"
        size="small"
        loading={!visits}
        dataSource={(visits ?? []).slice(0, PAGE)}
        locale={{ emptyText: t("visits.noVisits") }}
        pagination={{
          current: page,
          pageSize: PAGE,
          // The total is not counted: there is a next page while one more than a page came back.
          total: (page - 1) * PAGE + (visits?.length ?? 0),
          showSizeChanger: false,
          onChange: setPage,
        }}
        columns={[
          {
            title: t("visits.address"),
            dataIndex: "address",
            render: (v: string | null) => <span translate="no">{v ?? "—"}</span>,
          },
          ...visitColumns(t, time.dateTime),
        ]}
      />
    </Space>
  );
}

function weekAgo(): string {
  return new Date(Date.now() + 8 * 3_600_000 - 6 * 86_400_000).toISOString().slice(0, 10);
}
