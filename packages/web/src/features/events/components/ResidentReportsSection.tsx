import { SETTLED_STATES } from "@wangge/core";
import { Card, List, Tag } from "antd-mobile";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { useOptionalApi } from "../../../lib/optional-api.ts";
import type { EventItem } from "../api/events.ts";

/** The resident's home: their three latest reports and where each stands (nothing when there are none). */
export function ResidentHomeSection() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const events = useOptionalApi<EventItem[]>("/api/v1/events?box=reported&limit=3");
  if (!events?.length) return null;
  return (
    <Card title={t("residentEvents.mine")} onHeaderClick={() => navigate("/reports")}>
      <List>
        {events.map((e) => (
          <List.Item
            key={e.id}
            onClick={() => navigate(`/reports/${e.id}`)}
            extra={
              <Tag color={(SETTLED_STATES as readonly string[]).includes(e.state) ? "success" : "primary"}>
                {t(`events.state.${e.state}`)}
              </Tag>
            }
          >
            <span translate="no">{e.description.slice(0, 30)}</span>
          </List.Item>
        ))}
      </List>
    </Card>
  );
}
