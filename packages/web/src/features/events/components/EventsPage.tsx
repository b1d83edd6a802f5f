import { PlusOutlined, ReloadOutlined } from "@ant-design/icons";
import { type ClientConfig, EVENT_STATES, OPEN_STATE_FILTER } from "@wangge/core";
import { App, Badge, Button, Card, Drawer, Input, Segmented, Select, Space, Table, Tabs, Tag, Typography } from "antd";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { AreaName } from "../../../components/AreaName.tsx";
import { openLiveStream } from "../../../lib/live-stream.ts";
import { bulkTransition, type EventItem, type InboxQuery, listEvents } from "../api/events.ts";
import { EventDetailDrawer } from "./EventDetailDrawer.tsx";
import { EventIntake } from "./EventIntake.tsx";
import { EventSettings } from "./EventSettings.tsx";
import { IntegrationsTab } from "./IntegrationsTab.tsx";
import { SettledBoard } from "./SettledBoard.tsx";
import {
  DueText,
  type EventsPermissions,
  StateTag,
  SupervisedTag,
  useCategories,
  useFail,
  useLang,
} from "./shared.tsx";

/**
 * Events in the console: the work inbox (live), reporting an event, an event's detail with its
 * timeline, actions and mediation record; where events were settled; and, for administrators, the
 * categories, the working calendar and the Open311 and device integrations.
 */
export function EventsPage({ config, permissions }: { config: ClientConfig; permissions: EventsPermissions }) {
  const { t } = useTranslation();
  return (
    <Tabs
      items={[
        ...(permissions.canRead
          ? [
              {
                key: "inbox",
                label: t("events.inbox"),
                children: <Inbox config={config} permissions={permissions} />,
              },
              { key: "settled", label: t("events.settledBoard"), children: <SettledBoard /> },
            ]
          : []),
        ...(permissions.canConfigure
          ? [{ key: "settings", label: t("events.settings"), children: <EventSettings /> }]
          : []),
        ...(permissions.canConfigure || permissions.canManageSystem
          ? [
              {
                key: "integrations",
                label: t("events.integrations"),
                children: (
                  <IntegrationsTab canKeys={permissions.canManageSystem} canDevices={permissions.canConfigure} />
                ),
              },
            ]
          : []),
      ]}
    />
  );
}

const BOXES: InboxQuery["box"][] = ["area", "mine", "overdue", "due_soon", "reported", "all"];

function queryFromUrl(search: URLSearchParams): InboxQuery {
  const box = search.get("box") as InboxQuery["box"] | null;
  const get = (k: string) => search.get(k) ?? undefined;
  const figure = get("figure");
  return {
    box: box && BOXES.includes(box) ? box : "area",
    state: get("state"),
    areaCode: get("areaCode"),
    figure,
    q: get("q"),
    from: figure ? get("from") : undefined,
    to: figure ? get("to") : undefined,
    // The whole list behind a figure, as far as one page goes.
    limit: figure ? 200 : undefined,
  };
}

function Inbox({ config, permissions }: { config: ClientConfig; permissions: EventsPermissions }) {
  const { t } = useTranslation();
  const lang = useLang();
  const fail = useFail();
  const { message } = App.useApp();
  const { categories } = useCategories();
  // A link from the 工作台 opens the list behind a figure: its box, state, area, figure and period.
  const [search, setSearch] = useSearchParams();
  const [query, setQuery] = useState<InboxQuery>(() => queryFromUrl(search));
  const behindFigure = query.figure || query.areaCode;
  const [events, setEvents] = useState<EventItem[]>();
  const [selected, setSelected] = useState<string[]>([]);
  const [open, setOpen] = useState<string>();
  // A notification (the console's bell) opens its event: /events?open=<id>, also when already here.
  const openParam = search.get("open");
  useEffect(() => {
    if (openParam) setOpen(openParam);
  }, [openParam]);
  const [reporting, setReporting] = useState(false);
  const [live, setLive] = useState<"connecting" | "live" | "offline">("connecting");
  const [arrived, setArrived] = useState(0);
  const queryRef = useRef(query);
  queryRef.current = query;

  const load = useCallback(
    (q: InboxQuery = queryRef.current) => {
      listEvents(q).then((list) => {
        setEvents(list);
        setArrived(0);
      }, fail);
    },
    [fail],
  );
  useEffect(() => load(query), [load, query]);

  // Live updates: the server pushes every change of the user's areas; the list reloads (at most twice a
  // second), and again whenever the stream comes back (after a restart or a drop it may have missed some).
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let opened = false;
    const close = openLiveStream("/api/v1/events/stream", {
      // Superseded: the account opened more live pages than the server keeps; this, the oldest, stops.
      onState: (state) => setLive(state === "reconnecting" || state === "superseded" ? "offline" : state),
      onOpen: () => {
        if (opened) load();
        opened = true;
      },
      onChange: (data) => {
        const change = JSON.parse(data) as { action: string };
        if (change.action === "report") setArrived((n) => n + 1);
        clearTimeout(timer);
        timer = setTimeout(() => load(), 500);
      },
    });
    return () => {
      clearTimeout(timer);
      close();
    };
  }, [load]);

  const names = useMemo(() => new Map(categories.map((c) => [c.key, c.name[lang]])), [categories, lang]);
  const groups = categories.filter((c) => !c.parentKey);

  const bulk = async (action: "accept" | "assign") => {
    try {
      const { results } = await bulkTransition(
        selected,
        action,
        action === "assign" ? { assigneeUserId: permissions.userId } : {},
      );
      const ok = results.filter((r) => r.ok).length;
      message.info(t("events.bulkDone", { ok, failed: results.length - ok }));
      setSelected([]);
      load();
    } catch (e) {
      fail(e);
    }
  };

  return (
    <Card>
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented
          value={query.box}
          onChange={(box) => setQuery({ ...query, box: box as InboxQuery["box"] })}
          options={BOXES.map((b) => ({ value: b, label: t(`events.box.${b}`) }))}
        />
        <Select
          allowClear
          style={{ width: 180 }}
          placeholder={t("events.category")}
          aria-label={t("events.category")}
          value={query.categoryKey}
          onChange={(categoryKey?: string) => setQuery({ ...query, categoryKey })}
          options={groups.map((g) => ({ value: g.key, label: g.name[lang] }))}
        />
        <Select
          allowClear
          style={{ width: 160 }}
          placeholder={t("events.stateLabel")}
          aria-label={t("events.stateLabel")}
          value={query.state}
          onChange={(state?: string) => setQuery({ ...query, state })}
          // "open": every state being worked on, the list behind the 工作台's 待办 counts.
          options={[
            { value: OPEN_STATE_FILTER, label: t("events.stateOpen") },
            ...EVENT_STATES.map((s) => ({ value: s, label: t(`events.state.${s}`) })),
          ]}
        />
        <Input.Search
          allowClear
          style={{ width: 240 }}
          placeholder={t("events.searchHint")}
          aria-label={t("events.search")}
          defaultValue={query.q}
          onSearch={(q) => setQuery({ ...query, q })}
        />
        <Button icon={<ReloadOutlined />} onClick={() => load()} aria-label={t("events.reload")} />
        <Badge
          status={live === "live" ? "success" : live === "connecting" ? "processing" : "default"}
          text={t(`events.live.${live}`)}
        />
        {arrived > 0 && <Tag color="red">{t("events.arrived", { n: arrived })}</Tag>}
        {behindFigure && (
          <Tag
            closable
            color="blue"
            data-testid="events-figure-filter"
            onClose={() => {
              setSearch({});
              setQuery({ box: "area" });
            }}
          >
            {[
              query.figure ? t(`figures.name.${query.figure}`) : null,
              query.areaCode ? <AreaName key="area" code={query.areaCode} /> : null,
              query.from ? (query.from === query.to ? query.from : `${query.from} – ${query.to}`) : null,
            ]
              .filter(Boolean)
              .map((part, i) => (
                <span key={String(i)}>
                  {i > 0 ? " · " : ""}
                  {part}
                </span>
              ))}
          </Tag>
        )}
        {permissions.canReport && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setReporting(true)}>
            {t("events.report")}
          </Button>
        )}
      </Space>
      {permissions.canHandle && selected.length > 0 && (
        <Space style={{ marginBottom: 12 }}>
          <Typography.Text>{t("events.selected", { n: selected.length })}</Typography.Text>
          <Button onClick={() => bulk("accept")}>{t("events.bulkAccept")}</Button>
          <Button onClick={() => bulk("assign")}>{t("events.bulkAssignMe")}</Button>
        </Space>
      )}
      <Table
        rowKey="id"
        size="small"
        loading={!events}
        dataSource={events}
        pagination={{
          pageSize: 20,
          showTotal: (n) => <span data-testid="events-total">{t("events.total", { n })}</span>,
        }}
        rowSelection={
          permissions.canHandle
            ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]) }
            : undefined
        }
        onRow={(e) => ({ onClick: () => setOpen(e.id), style: { cursor: "pointer" } })}
        columns={[
          {
            title: t("events.number"),
            dataIndex: "number",
            render: (v: string, e: EventItem) => (
              <Space size={4}>
                <span translate="no">{v}</span>
                <SupervisedTag event={e} />
              </Space>
            ),
          },
          { title: t("events.title"), dataIndex: "title", render: (v: string) => <span translate="no">{v}</span> },
          {
            title: t("events.category"),
            dataIndex: "categoryKey",
            render: (v: string) => names.get(v) ?? <span translate="no">{v}</span>,
          },
          {
            title: t("events.area"),
            dataIndex: "areaCode",
            render: (v: string) => <AreaName code={v} />,
          },
          { title: t("events.levelLabel"), dataIndex: "level", render: (v: string) => t(`events.level.${v}`) },
          { title: t("events.stateLabel"), dataIndex: "state", render: (v: string) => <StateTag state={v} /> },
          {
            title: t("events.due"),
            dataIndex: "dueAt",
            render: (v: string | null, e: EventItem) =>
              e.state === "suspended" ? t("events.clockStopped") : <DueText dueAt={v} />,
          },
        ]}
      />
      <Drawer
        open={reporting}
        width={720}
        title={t("events.report")}
        onClose={() => setReporting(false)}
        destroyOnHidden
      >
        <EventIntake
          config={config}
          onReported={(id) => {
            setReporting(false);
            load();
            setOpen(id);
          }}
          onOpen={(id) => {
            setReporting(false);
            setOpen(id);
          }}
        />
      </Drawer>
      <EventDetailDrawer
        config={config}
        eventId={open}
        permissions={permissions}
        onClose={() => {
          setOpen(undefined);
          if (openParam)
            setSearch(
              (s) => {
                s.delete("open");
                return s;
              },
              { replace: true },
            );
        }}
        onChanged={() => load()}
      />
    </Card>
  );
}
