import { BellOutlined } from "@ant-design/icons";
import { App, Badge, Button, Empty, List, Popover, Space, Tag, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { toApiError } from "../../../lib/api-client.ts";
import { errorMessageKey } from "../../../lib/error-message.ts";
import { useTimeFormat } from "../../../lib/format-time.ts";
import { type EventNotification, eventNotifications, markNotificationsRead } from "../api/notices.ts";
import { notificationText } from "./notification-text.ts";

/** How often the bell asks for news while the console is open (and whenever it is opened). */
const REFRESH_MS = 120_000;

/**
 * The console's bell: the signed-in user's notifications (GET /notifications) — what became of the
 * events they reported or follow, what was assigned to them, the risk alerts raised in their area —
 * with the unread count on it. Opening one marks it read
 * and opens its event (/events?open=…) or the risk page; "mark all read" clears the count. Texts are in
 * the reader's language and times in the deployment's zone.
 */
export function ConsoleBell({
  onOpenEvent,
  onOpenAlerts,
}: {
  onOpenEvent: (eventId: string) => void;
  onOpenAlerts: () => void;
}) {
  const { t, i18n } = useTranslation();
  const time = useTimeFormat();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [data, setData] = useState<{ unread: number; items: EventNotification[] }>();
  const fail = useCallback((e: unknown) => void message.error(t(errorMessageKey(toApiError(e).code))), [message, t]);
  const refresh = useCallback(() => {
    // A bell that cannot be read (signed out meanwhile, a server restarting) stays quiet.
    eventNotifications().then(setData, () => undefined);
  }, []);
  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);
  const markRead = (ids?: string[]) => {
    const now = new Date().toISOString();
    return markNotificationsRead(ids).then(() =>
      setData((d) =>
        d
          ? {
              // The count covers more than the 30 shown: lowered by those just read.
              unread: ids ? Math.max(0, d.unread - d.items.filter((i) => !i.readAt && ids.includes(i.id)).length) : 0,
              items: d.items.map((i) => (!ids || ids.includes(i.id) ? { ...i, readAt: i.readAt ?? now } : i)),
            }
          : d,
      ),
    );
  };
  const unread = data?.unread ?? 0;
  const content = (
    <div style={{ width: 360, maxHeight: 420, overflow: "auto" }} data-testid="console-notifications">
      <List
        size="small"
        dataSource={data?.items ?? []}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("notices.bell.none")} /> }}
        renderItem={(n) => {
          const text = notificationText(t, i18n.language, n);
          const isAlert = n.kind === "alert" || n.kind === "alert_task";
          return (
            <List.Item
              style={{ cursor: n.eventId || isAlert ? "pointer" : undefined, paddingInline: 4 }}
              data-testid="console-notification"
              onClick={() => {
                if (!n.readAt) markRead([n.id]).catch(fail);
                if (n.eventId) {
                  setOpen(false);
                  onOpenEvent(n.eventId);
                } else if (isAlert) {
                  setOpen(false);
                  onOpenAlerts();
                }
              }}
              extra={n.state ? <Tag>{t(`events.state.${n.state}`)}</Tag> : undefined}
            >
              <List.Item.Meta
                avatar={<Badge status={n.readAt ? "default" : "processing"} />}
                title={
                  <Typography.Text strong={!n.readAt} translate="no" data-testid="notification-title">
                    {text.title}
                  </Typography.Text>
                }
                description={
                  <Space direction="vertical" size={0}>
                    <span data-testid="notification-subtitle">{text.subtitle}</span>
                    {text.note && <span translate="no">{text.note}</span>}
                    <span data-testid="notification-time">{time.dateTime(n.createdAt)}</span>
                  </Space>
                }
              />
            </List.Item>
          );
        }}
      />
    </div>
  );
  return (
    <Popover
      trigger="click"
      placement="bottomRight"
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) refresh();
      }}
      title={
        <Space style={{ width: "100%", justifyContent: "space-between" }}>
          <span>{t("notices.bell.title")}</span>
          <Button size="small" type="link" disabled={unread === 0} onClick={() => markRead().catch(fail)}>
            {t("notices.bell.allRead")}
          </Button>
        </Space>
      }
      content={content}
    >
      <Badge count={unread} size="small" data-testid="console-bell-count">
        <Button
          type="text"
          icon={<BellOutlined />}
          aria-label={unread > 0 ? t("notices.bell.labelUnread", { n: unread }) : t("notices.bell.title")}
        />
      </Badge>
    </Popover>
  );
}
