import { Card, Tag } from "antd-mobile";
import { useTranslation } from "react-i18next";
import { useTimeFormat } from "../../../lib/format-time.ts";
import type { InboxNotice } from "../api/notices.ts";

/** One received notice as the phone apps show it: urgent marked, where it is from, when. */
export function NoticeView({ notice }: { notice: InboxNotice }) {
  const { t } = useTranslation();
  const time = useTimeFormat();
  return (
    <Card
      title={
        <span>
          {notice.urgent && (
            <Tag color="danger" style={{ marginRight: 6 }}>
              {t("notices.urgent")}
            </Tag>
          )}
          <span translate="no">{notice.title}</span>
        </span>
      }
    >
      <p translate="no" style={{ whiteSpace: "pre-wrap", margin: 0 }}>
        {notice.body}
      </p>
      <p style={{ color: "#888", fontSize: "0.85em", marginBottom: 0 }}>
        <span translate="no">{notice.areaName}</span> · {time.dateTime(notice.sentAt)}
      </p>
    </Card>
  );
}
