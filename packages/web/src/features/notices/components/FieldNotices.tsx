import { Badge, Empty, List, NavBar, Tag, Toast } from "antd-mobile";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Route, Routes, useNavigate, useParams } from "react-router";
import { toApiError } from "../../../lib/api-client.ts";
import { errorMessageKey } from "../../../lib/error-message.ts";
import { useTimeFormat } from "../../../lib/format-time.ts";
import {
  type EventNotification,
  eventNotifications,
  type InboxNotice,
  type LoudspeakerOnlyHousehold,
  loudspeakerOnly,
  noticeInbox,
  readNotice,
} from "../api/notices.ts";
import { NoticeView } from "./NoticeView.tsx";
import { notificationText } from "./notification-text.ts";

/**
 * 通知 in the field app (/field/notices): the notices sent to the worker's areas, urgent unread first;
 * opening one marks it read and lists the households of the worker's grid it was for that have nobody
 * on the resident app — only a loudspeaker told them, so someone may knock on their door.
 */
export function FieldNotices() {
  return (
    <Routes>
      <Route index element={<FieldNoticeList />} />
      <Route path=":id" element={<FieldNoticeDetail />} />
    </Routes>
  );
}

function useToastFail() {
  const { t } = useTranslation();
  return useCallback((e: unknown) => Toast.show({ content: t(errorMessageKey(toApiError(e).code)) }), [t]);
}

function FieldNoticeList() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const fail = useToastFail();
  const [items, setItems] = useState<InboxNotice[]>();
  const [events, setEvents] = useState<EventNotification[]>();
  const time = useTimeFormat();
  useEffect(() => {
    noticeInbox().then(
      (inbox) => setItems(inbox.items),
      (e) => {
        setItems([]);
        fail(e);
      },
    );
    // What happened to the events assigned to the worker or that they follow (the notification centre).
    eventNotifications().then(
      (n) => setEvents(n.items),
      () => setEvents([]),
    );
  }, [fail]);
  return (
    <>
      <List header={t("notices.field.title")}>
        {items?.length === 0 && <Empty description={t("notices.resident.none")} />}
        {items?.map((n) => (
          <List.Item
            key={n.id}
            onClick={() => navigate(n.id)}
            prefix={n.readAt ? undefined : <Badge content={Badge.dot} />}
            description={
              <>
                <span translate="no">{n.areaName}</span> · {time.dateTime(n.sentAt)}
              </>
            }
            extra={n.urgent ? <Tag color="danger">{t("notices.urgent")}</Tag> : undefined}
          >
            <span translate="no">{n.title}</span>
          </List.Item>
        ))}
      </List>
      <List header={t("notices.field.events")}>
        {events?.length === 0 && <Empty description={t("notices.field.noEvents")} />}
        {events?.map((n) => (
          <List.Item
            key={n.id}
            prefix={n.readAt ? undefined : <Badge content={Badge.dot} />}
            onClick={n.eventId ? () => navigate(`/tasks/${n.eventId}`) : undefined}
            description={`${notificationText(t, i18n.language, n).subtitle} · ${time.dateTime(n.createdAt)}`}
            extra={n.state ? <Tag>{t(`events.state.${n.state}`)}</Tag> : undefined}
          >
            <span translate="no">{notificationText(t, i18n.language, n).title}</span>
          </List.Item>
        ))}
      </List>
    </>
  );
}

function FieldNoticeDetail() {
  const { t } = useTranslation();
  const { id } = useParams();
  const navigate = useNavigate();
  const fail = useToastFail();
  const [notice, setNotice] = useState<InboxNotice | null>();
  const [households, setHouseholds] = useState<LoudspeakerOnlyHousehold[]>();
  useEffect(() => {
    if (!id) return;
    readNotice(id).then(setNotice, (e) => {
      setNotice(null);
      fail(e);
    });
    loudspeakerOnly(id).then(setHouseholds, () => setHouseholds([]));
  }, [id, fail]);
  return (
    <>
      <NavBar onBack={() => navigate("/notices")}>{t("notices.field.title")}</NavBar>
      <div style={{ padding: 12 }}>
        {notice === null && <Empty description={t("common.notFound")} />}
        {notice && <NoticeView notice={notice} />}
      </div>
      {households && (
        <List header={t("notices.field.loudspeakerOnly", { n: households.length })} data-testid="loudspeaker-only">
          {households.length === 0 && <Empty description={t("notices.field.everyoneHasApp")} />}
          {households.map((h) => (
            <List.Item
              key={h.householdId}
              onClick={() => navigate(`/residents/households/${h.householdId}`)}
              description={h.headName ? <span translate="no">{h.headName}</span> : undefined}
              extra={
                <Tag color={h.loudspeakerPlayed ? "success" : "warning"}>
                  {h.loudspeakerPlayed ? t("notices.field.played") : t("notices.field.notPlayed")}
                </Tag>
              }
            >
              <span translate="no">{h.address || t("notices.field.noAddress")}</span>
            </List.Item>
          ))}
        </List>
      )}
    </>
  );
}
