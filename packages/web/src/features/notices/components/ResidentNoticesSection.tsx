import { Card, List, Tag } from "antd-mobile";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { useOptionalApi } from "../../../lib/optional-api.ts";
import type { InboxNotice } from "../api/notices.ts";

/** The home page's notices: the latest that reached the resident, urgent unread ones first (nothing signed out). */
export function ResidentHomeSection() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const inbox = useOptionalApi<{ unread: number; items: InboxNotice[] }>("/api/v1/notices/inbox?limit=3");
  if (!inbox?.items.length) return null;
  return (
    <Card
      title={t("notices.resident.notices")}
      extra={inbox.unread > 0 ? t("notices.resident.unread", { n: inbox.unread }) : undefined}
      onHeaderClick={() => navigate("/inbox")}
    >
      <List data-testid="home-notices">
        {inbox.items.map((n) => (
          <List.Item
            key={n.id}
            onClick={() => navigate(`/inbox/${n.id}`)}
            extra={n.urgent ? <Tag color="danger">{t("notices.urgent")}</Tag> : undefined}
          >
            <span translate="no" style={{ fontWeight: n.readAt ? undefined : 600 }}>
              {n.title}
            </span>
          </List.Item>
        ))}
      </List>
    </Card>
  );
}
