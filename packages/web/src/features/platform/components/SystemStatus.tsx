import type { ClientConfig } from "@wangge/core";
import { Badge, Button, Card, Descriptions } from "antd";
import { useTranslation } from "react-i18next";
import { errorMessageKey } from "../../../lib/error-message.ts";
import { useHealth } from "../hooks/use-health.ts";

/** What this deployment runs on: version, database engine, time zone and base map. */
export function SystemStatus({ config }: { config: ClientConfig }) {
  const { t } = useTranslation();
  const { health, error, refresh } = useHealth();
  return (
    <Card title={t("system.title")} extra={<Button onClick={refresh}>{t("system.refresh")}</Button>}>
      <Descriptions column={1} bordered size="small">
        <Descriptions.Item label={t("system.status")}>
          {error ? (
            <Badge status="error" text={`${t("system.unavailable")} — ${t(errorMessageKey(error.code))}`} />
          ) : (
            <Badge status={health ? "success" : "processing"} text={health ? t("system.ok") : t("common.loading")} />
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t("system.version")}>{health?.version ?? config.version}</Descriptions.Item>
        <Descriptions.Item label={t("system.database")}>
          {health ? t(`system.${health.database}`) : "—"}
        </Descriptions.Item>
        <Descriptions.Item label={t("system.timezone")}>{config.timezone}</Descriptions.Item>
        <Descriptions.Item label={t("system.tileSource")}>
          {config.map.tileUrl ?? t("system.offlineBackground")}
        </Descriptions.Item>
        <Descriptions.Item label={t("system.coordinateSystem")}>
          {t(`system.${config.map.tileCoordinateSystem}`)}
        </Descriptions.Item>
      </Descriptions>
    </Card>
  );
}
