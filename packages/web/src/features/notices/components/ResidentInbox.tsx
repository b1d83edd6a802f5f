import { Badge, Button, Card, Empty, List, NavBar, Popup, SearchBar, Tag, Toast } from "antd-mobile";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Route, Routes, useNavigate, useParams } from "react-router";
import { toApiError } from "../../../lib/api-client.ts";
import { errorMessageKey } from "../../../lib/error-message.ts";
import { useTimeFormat } from "../../../lib/format-time.ts";
import {
  chooseVillage,
  type EventNotification,
  eventNotifications,
  type InboxNotice,
  markNotificationsRead,
  myVillage,
  noticeInbox,
  readNotice,
  villageOptions,
} from "../api/notices.ts";
import { NoticeView } from "./NoticeView.tsx";

/**
 * 消息 in the resident app (/h5/inbox): the notices that reached the resident (urgent unread first),
 * the progress of what they reported (the notification centre), and the village whose notices they
 * follow when they are not tied to a household of the registry.
 */
export function ResidentScreen() {
  return (
    <Routes>
      <Route index element={<Inbox />} />
      <Route path=":id" element={<NoticeDetail />} />
    </Routes>
  );
}

function useToastFail() {
  const { t } = useTranslation();
  return useCallback((e: unknown) => Toast.show({ content: t(errorMessageKey(toApiError(e).code)) }), [t]);
}

function Inbox() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const fail = useToastFail();
  const [notices, setNotices] = useState<InboxNotice[]>();
  const [progress, setProgress] = useState<{ unread: number; items: EventNotification[] }>();
  const time = useTimeFormat();
  useEffect(() => {
    noticeInbox().then(
      (inbox) => setNotices(inbox.items),
      (e) => {
        setNotices([]);
        fail(e);
      },
    );
    eventNotifications().then(setProgress, () => setProgress({ unread: 0, items: [] }));
  }, [fail]);
  return (
    <div style={{ padding: 12, display: "flex", flexDirection: "column", gap: 12 }}>
      <MyVillage />
      <List header={t("notices.resident.notices")}>
        {notices?.length === 0 && <Empty description={t("notices.resident.none")} />}
        {notices?.map((n) => (
          <List.Item
            key={n.id}
            onClick={() => navigate(n.id)}
            prefix={n.readAt ? undefined : <Badge content={Badge.dot} />}
            description={
              <>
                <span translate="no">{n.areaName}</span> · {time.date(n.sentAt)}
              </>
            }
            extra={n.urgent ? <Tag color="danger">{t("notices.urgent")}</Tag> : undefined}
          >
            <span translate="no">{n.title}</span>
          </List.Item>
        ))}
      </List>
      <p data-testid="notices-reach" style={{ color: "#888", fontSize: "0.85em", margin: 0 }}>
        {t("notices.resident.reachHint")}
      </p>
      <List
        header={
          <span>
            {t("notices.resident.progress")}
            {progress && progress.unread > 0 && (
              <Button
                size="mini"
                fill="none"
                style={{ marginLeft: 8 }}
                onClick={() => {
                  const now = new Date().toISOString();
                  markNotificationsRead().then(
                    () =>
                      setProgress({
                        ...progress,
                        unread: 0,
                        items: progress.items.map((i) => ({ ...i, readAt: i.readAt ?? now })),
                      }),
                    (e) => {
                      fail(e);
                    },
                  );
                }}
              >
                {t("notices.resident.allRead")}
              </Button>
            )}
          </span>
        }
      >
        {progress?.items.length === 0 && <Empty description={t("notices.resident.noProgress")} />}
        {progress?.items.map((n) => (
          <List.Item
            key={n.id}
            prefix={n.readAt ? undefined : <Badge content={Badge.dot} />}
            onClick={n.eventId ? () => navigate(`/reports/${n.eventId}`) : undefined}
            description={time.dateTime(n.createdAt)}
            extra={n.state ? <Tag>{t(`events.state.${n.state}`)}</Tag> : undefined}
          >
            <span translate="no">{n.title}</span>
          </List.Item>
        ))}
      </List>
    </div>
  );
}

/** The village followed; a resident tied to no household chooses one to receive its notices. */
function MyVillage() {
  const { t } = useTranslation();
  const fail = useToastFail();
  const [village, setVillage] = useState<{ areaCode: string | null; areaName: string | null }>();
  const [picking, setPicking] = useState(false);
  const [q, setQ] = useState("");
  const [options, setOptions] = useState<{ code: string; name: string; parentName: string | null }[]>([]);
  useEffect(() => {
    myVillage().then(setVillage, () => setVillage({ areaCode: null, areaName: null }));
  }, []);
  useEffect(() => {
    if (!picking) return;
    const timer = setTimeout(() => villageOptions(q).then(setOptions, fail), 250);
    return () => clearTimeout(timer);
  }, [picking, q, fail]);
  if (!village) return null;
  return (
    <Card title={t("notices.resident.village")}>
      <div style={{ display: "flex", alignItems: "center", justifyContent: "space-between", gap: 8 }}>
        <span translate="no" data-testid="my-village">
          {village.areaName ?? t("notices.resident.noVillage")}
        </span>
        <Button size="small" onClick={() => setPicking(true)}>
          {village.areaCode ? t("notices.resident.changeVillage") : t("notices.resident.chooseVillage")}
        </Button>
      </div>
      <p style={{ color: "#888", fontSize: "0.85em", marginBottom: 0 }}>{t("notices.resident.villageHint")}</p>
      <Popup visible={picking} onMaskClick={() => setPicking(false)} bodyStyle={{ height: "70vh", overflow: "auto" }}>
        <div style={{ padding: 12 }}>
          <SearchBar
            placeholder={t("notices.resident.searchVillage")}
            value={q}
            onChange={setQ}
            aria-label={t("notices.resident.searchVillage")}
          />
        </div>
        <List>
          {options.map((o) => (
            <List.Item
              key={o.code}
              description={o.parentName ? <span translate="no">{o.parentName}</span> : undefined}
              onClick={() =>
                chooseVillage(o.code).then((v) => {
                  setVillage(v);
                  setPicking(false);
                  Toast.show({ content: t("notices.resident.villageChosen") });
                }, fail)
              }
            >
              <span translate="no">{o.name}</span>
            </List.Item>
          ))}
        </List>
      </Popup>
    </Card>
  );
}

function NoticeDetail() {
  const { t } = useTranslation();
  const { id } = useParams();
  const navigate = useNavigate();
  const fail = useToastFail();
  const [notice, setNotice] = useState<InboxNotice | null>();
  useEffect(() => {
    if (id)
      readNotice(id).then(setNotice, (e) => {
        setNotice(null);
        fail(e);
      });
  }, [id, fail]);
  return (
    <>
      <NavBar onBack={() => navigate("/inbox")}>{t("notices.resident.notices")}</NavBar>
      <div style={{ padding: 12 }}>
        {notice === null && <Empty description={t("common.notFound")} />}
        {notice && <NoticeView notice={notice} />}
      </div>
    </>
  );
}
