import { DEFAULT_ROLES } from "@wangge/core";
import {
  App,
  Button,
  Card,
  Descriptions,
  Empty,
  Input,
  List,
  Modal,
  Segmented,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { toApiError } from "../../../lib/api-client.ts";
import { errorMessageKey } from "../../../lib/error-message.ts";
import {
  type AlertListView,
  type AlertView,
  acknowledgeAlert,
  closeAlert,
  finishTask,
  getAlert,
  listAlerts,
  listPlaybooks,
  type PlaybookView,
  startPlaybook,
} from "../api/risk.ts";
import { eventDetail, formatTime, paramsText, summaryOf, useCategoryNames } from "./risk-texts.tsx";

const STATE_COLOR: Record<string, string> = { open: "red", acknowledged: "orange", closed: "green" };

/**
 * The alerts inbox: the alerts of the reader's areas, each opened to its explanation — the rule, its
 * parameters, the figures and every record behind it — with acknowledging, closing with what was
 * done, and a playbook's tasks.
 */
export function AlertsTab({ canHandle }: { canHandle: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [state, setState] = useState("active");
  const [list, setList] = useState<AlertListView>();
  const [openId, setOpenId] = useState<string>();
  const load = useCallback(() => {
    listAlerts(state).then(setList, (e) => message.error(t(errorMessageKey(toApiError(e).code))));
  }, [state, message, t]);
  useEffect(load, [load]);
  // The detail shown is of an alert in the list shown: switching the tab, or an alert leaving the
  // list (closed), drops it rather than leave an alert of the other tab under an empty list.
  const shownId = openId && list?.items.some((a) => a.id === openId) ? openId : undefined;
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      <Segmented
        value={state}
        onChange={(v) => {
          setOpenId(undefined);
          setState(String(v));
        }}
        options={[
          { value: "active", label: t("risk.alerts.active") },
          { value: "closed", label: t("risk.alerts.closed") },
        ]}
      />
      <Table
        rowKey="id"
        size="small"
        loading={!list}
        dataSource={list?.items ?? []}
        pagination={false}
        locale={{ emptyText: t("risk.alerts.none") }}
        onRow={(row) => ({ onClick: () => setOpenId(row.id), style: { cursor: "pointer" } })}
        columns={[
          { title: t("risk.alerts.raisedAt"), dataIndex: "raisedAt", render: (v: string) => formatTime(v), width: 180 },
          {
            title: t("risk.alerts.what"),
            key: "what",
            render: (_: unknown, a) => (
              <Button type="link" style={{ padding: 0 }} onClick={() => setOpenId(a.id)}>
                {summaryOf(t, a.kind, a.explanation.figures, a.recordCount)}
              </Button>
            ),
          },
          { title: t("risk.rules.name"), key: "rule", render: (_: unknown, a) => a.explanation.ruleName },
          { title: t("risk.area"), dataIndex: "areaName" },
          {
            title: t("risk.alerts.state"),
            dataIndex: "state",
            render: (s: string) => <Tag color={STATE_COLOR[s]}>{t(`risk.state.${s}`)}</Tag>,
          },
        ]}
      />
      {shownId ? (
        <AlertDetail
          id={shownId}
          canHandle={canHandle}
          // A closed alert leaves the open ones: the closed tab shows it on, with what was done.
          onChanged={(changed) => (changed.state === "closed" && state !== "closed" ? setState("closed") : load())}
          onClose={() => setOpenId(undefined)}
        />
      ) : null}
    </Space>
  );
}

/** Figures as a person reads them: instants in China time, a missing day as a dash. */
function readableFigures(figures: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(figures).map(([k, v]) => [
      k,
      v === null ? "—" : k.endsWith("At") && typeof v === "string" ? formatTime(v) : v,
    ]),
  );
}

/** A role's name in the reader's language (core's default roles). */
export function roleName(role: string, language: string): string {
  const found = DEFAULT_ROLES.find((r) => r.key === role);
  return found ? found.name[language === "en" ? "en" : "zh-CN"] : role;
}

function AlertDetail({
  id,
  canHandle,
  onChanged,
  onClose,
}: {
  id: string;
  canHandle: boolean;
  onChanged: (alert: AlertView) => void;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [alert, setAlert] = useState<AlertView>();
  const [note, setNote] = useState("");
  const [playbooks, setPlaybooks] = useState<PlaybookView[]>([]);
  const [playbookId, setPlaybookId] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [finishing, setFinishing] = useState<AlertView["tasks"][number]>();
  const [taskNote, setTaskNote] = useState("");
  const categories = useCategoryNames();
  const fail = useCallback((e: unknown) => message.error(t(errorMessageKey(toApiError(e).code))), [message, t]);
  useEffect(() => {
    setAlert(undefined);
    getAlert(id).then(setAlert, fail);
    listPlaybooks().then(setPlaybooks, () => setPlaybooks([]));
  }, [id, fail]);
  const act = async (run: () => Promise<AlertView>, done: string) => {
    setBusy(true);
    try {
      const changed = await run();
      setAlert(changed);
      message.success(t(done));
      onChanged(changed);
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };
  if (!alert) return <Card loading />;
  const e = alert.explanation;
  const open = alert.state !== "closed";
  const openTasks = alert.tasks.filter((task) => task.state === "open").length;
  const finish = async () => {
    if (!finishing) return;
    setBusy(true);
    try {
      await finishTask(finishing.id, "done", taskNote.trim() || undefined);
      setFinishing(undefined);
      setAlert(await getAlert(id));
      message.success(t("risk.tasks.doneOk"));
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card
      title={summaryOf(t, alert.kind, e.figures, alert.recordCount)}
      extra={
        <Button size="small" onClick={onClose}>
          {t("risk.close")}
        </Button>
      }
      data-testid="alert-detail"
    >
      <Descriptions size="small" column={2} bordered>
        <Descriptions.Item label={t("risk.alerts.state")}>
          <Tag color={STATE_COLOR[alert.state]}>{t(`risk.state.${alert.state}`)}</Tag>
        </Descriptions.Item>
        <Descriptions.Item label={t("risk.area")}>{alert.areaName}</Descriptions.Item>
        <Descriptions.Item label={t("risk.rules.name")}>{e.ruleName}</Descriptions.Item>
        <Descriptions.Item label={t("risk.rules.kind")}>{t(`risk.kind.${e.kind}`)}</Descriptions.Item>
        <Descriptions.Item label={t("risk.rules.params")} span={2}>
          {paramsText(t, e.params, categories.names)}
        </Descriptions.Item>
        {alert.parties.length > 0 ? (
          <Descriptions.Item label={t("risk.alerts.parties")} span={2}>
            <span data-testid="alert-parties" translate="no">
              {alert.parties.join(t("risk.listSeparator"))}
            </span>
          </Descriptions.Item>
        ) : null}
        <Descriptions.Item label={t("risk.alerts.why")} span={2}>
          {t(`risk.why.${e.kind}`, {
            ...readableFigures(e.figures),
            n: alert.recordCount,
            matched: t(`risk.matched.${e.figures.match === "address" ? "address" : "parties"}`),
          })}
          {e.figures.basis ? ` ${t(`risk.basis.${e.figures.basis}`)}` : ""}
        </Descriptions.Item>
        <Descriptions.Item label={t("risk.alerts.raisedAt")}>{formatTime(alert.raisedAt)}</Descriptions.Item>
        <Descriptions.Item label={t("risk.alerts.acknowledged")}>
          {alert.acknowledgedAt ? `${alert.acknowledgedByName ?? ""} ${formatTime(alert.acknowledgedAt)}` : "—"}
          {alert.acknowledgeNote ? ` — ${alert.acknowledgeNote}` : ""}
        </Descriptions.Item>
        {alert.closedAt ? (
          <Descriptions.Item label={t("risk.alerts.closeNote")} span={2}>
            {alert.closeNote} — {alert.closedByName} {formatTime(alert.closedAt)}
          </Descriptions.Item>
        ) : null}
      </Descriptions>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t("risk.alerts.records", { n: alert.recordCount })}
      </Typography.Title>
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={alert.records}
        columns={[
          {
            title: t("risk.records.label"),
            dataIndex: "label",
            // An event the reader may open links to it in the events list (its drawer opens).
            render: (v: string, r: AlertView["records"][number]) =>
              r.type === "event" && r.visible ? (
                <Link to={`/events?open=${encodeURIComponent(r.id)}`} translate="no" data-testid="risk-record-event">
                  {v}
                </Link>
              ) : (
                <span translate="no">{v}</span>
              ),
          },
          {
            title: t("risk.records.detail"),
            dataIndex: "detail",
            render: (v: string | null, r: AlertView["records"][number]) => {
              const d = eventDetail(categories, r.categoryKey, v);
              if (!d.category && !d.title) return "—";
              return (
                <span data-testid="risk-record-detail">
                  {d.category}
                  {d.category && d.title ? " · " : ""}
                  {d.title ? <span translate="no">{d.title}</span> : null}
                </span>
              );
            },
          },
          {
            title: t("risk.records.state"),
            dataIndex: "state",
            render: (v: string | null) => (v ? t(`risk.eventState.${v}`, { defaultValue: v }) : "—"),
          },
          { title: t("risk.records.at"), dataIndex: "at", render: (v: string | null) => formatTime(v) },
        ]}
      />
      {alert.tasks.length > 0 ? (
        <>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t("risk.tasks.title", { name: alert.playbookName ?? "" })}
          </Typography.Title>
          <List
            size="small"
            dataSource={alert.tasks}
            renderItem={(task) => (
              <List.Item
                actions={
                  canHandle && task.state === "open"
                    ? [
                        <Button
                          key="done"
                          size="small"
                          onClick={() => {
                            setTaskNote("");
                            setFinishing(task);
                          }}
                        >
                          {t("risk.tasks.done")}
                        </Button>,
                      ]
                    : []
                }
              >
                <Space>
                  <Tag color={task.state === "open" ? (task.isOverdue ? "red" : "blue") : "green"}>
                    {t(`risk.taskState.${task.state}`)}
                  </Tag>
                  {task.title}
                  <Typography.Text type="secondary">
                    {roleName(task.role, i18n.language)} · {t("risk.tasks.due")} {formatTime(task.dueAt)}
                  </Typography.Text>
                  {task.state !== "open" ? (
                    <Typography.Text type="secondary" data-testid="task-done-by">
                      {t("risk.tasks.doneBy", { name: task.doneByName ?? "—", at: formatTime(task.doneAt) })}
                      {task.note ? ` — ${task.note}` : ""}
                    </Typography.Text>
                  ) : null}
                </Space>
              </List.Item>
            )}
          />
        </>
      ) : null}
      {canHandle && open ? (
        <Space direction="vertical" style={{ width: "100%", marginTop: 16 }}>
          <Space wrap>
            {alert.state === "open" ? (
              <Button
                loading={busy}
                onClick={() =>
                  act(async () => {
                    // A note typed before acknowledging says what is being done.
                    const acknowledged = await acknowledgeAlert(id, note.trim().length >= 2 ? note.trim() : undefined);
                    setNote("");
                    return acknowledged;
                  }, "risk.alerts.acknowledgedOk")
                }
              >
                {t("risk.alerts.acknowledge")}
              </Button>
            ) : null}
            {!alert.playbookId && playbooks.length > 0 ? (
              <>
                <Select
                  style={{ minWidth: 240 }}
                  placeholder={t("risk.alerts.pickPlaybook")}
                  value={playbookId}
                  onChange={setPlaybookId}
                  options={playbooks.filter((p) => p.active).map((p) => ({ value: p.id, label: p.name }))}
                  aria-label={t("risk.alerts.pickPlaybook")}
                />
                <Button
                  disabled={!playbookId}
                  loading={busy}
                  onClick={() => playbookId && act(() => startPlaybook(id, playbookId), "risk.alerts.playbookStarted")}
                >
                  {t("risk.alerts.startPlaybook")}
                </Button>
              </>
            ) : null}
          </Space>
          <Input.TextArea
            rows={3}
            value={note}
            onChange={(ev) => setNote(ev.target.value)}
            placeholder={t("risk.alerts.notePlaceholder")}
            aria-label={t("risk.alerts.note")}
            maxLength={2000}
          />
          <Space wrap>
            <Button
              type="primary"
              disabled={note.trim().length < 2 || openTasks > 0}
              loading={busy}
              onClick={() => act(() => closeAlert(id, note.trim()), "risk.alerts.closedOk")}
            >
              {t("risk.alerts.closeWithNote")}
            </Button>
            {openTasks > 0 ? (
              <Typography.Text type="secondary" data-testid="close-rule">
                {t("risk.alerts.tasksOpenRule", { n: openTasks })}
              </Typography.Text>
            ) : null}
          </Space>
        </Space>
      ) : null}
      <Modal
        open={Boolean(finishing)}
        title={t("risk.tasks.confirmDone", { title: finishing?.title ?? "" })}
        okText={t("risk.tasks.done")}
        cancelText={t("common.cancel")}
        confirmLoading={busy}
        onOk={finish}
        onCancel={() => setFinishing(undefined)}
        destroyOnHidden
      >
        <Input.TextArea
          rows={3}
          value={taskNote}
          onChange={(ev) => setTaskNote(ev.target.value)}
          placeholder={t("risk.tasks.notePlaceholder")}
          aria-label={t("risk.tasks.note")}
          maxLength={2000}
        />
      </Modal>
      {alert.records.length === 0 ? <Empty /> : null}
    </Card>
  );
}
