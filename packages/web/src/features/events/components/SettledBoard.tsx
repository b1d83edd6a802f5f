import { HANDLING_LEVELS } from "@wangge/core";
import { Card, Col, DatePicker, Progress, Row, Space, Statistic, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { AreaSelect } from "../../../components/AreaSelect.tsx";
import { type SettledShare, settledShare } from "../api/events.ts";
import { useFail } from "./shared.tsx";

/**
 * Where events were settled — "small matters stay in the grid, big matters stay in the community":
 * the share settled in the grid, in the village or community, and above, for an area and a period.
 * Refreshes every 30 seconds.
 */
export function SettledBoard() {
  const { t } = useTranslation();
  const fail = useFail();
  const [areaCode, setAreaCode] = useState<string>();
  const [range, setRange] = useState<{ from?: string; to?: string }>({});
  const [share, setShare] = useState<SettledShare>();

  useEffect(() => {
    const query = {
      ...(areaCode ? { areaCode } : {}),
      ...(range.from ? { from: range.from } : {}),
      ...(range.to ? { to: range.to } : {}),
    };
    const load = () => settledShare(query).then(setShare, fail);
    load();
    const timer = setInterval(load, 30_000);
    return () => clearInterval(timer);
  }, [areaCode, range, fail]);

  return (
    <Card>
      <Space wrap style={{ marginBottom: 16 }}>
        <AreaSelect
          label={t("events.area")}
          placeholder={t("events.allAreas")}
          style={{ width: 260 }}
          value={areaCode}
          onChange={setAreaCode}
        />
        <DatePicker.RangePicker
          aria-label={t("events.period")}
          onChange={(v) =>
            setRange({ from: v?.[0]?.format("YYYY-MM-DD") ?? undefined, to: v?.[1]?.format("YYYY-MM-DD") ?? undefined })
          }
        />
      </Space>
      {share && (
        <>
          <Row gutter={16}>
            <Col span={6}>
              <Statistic title={t("events.settledCount")} value={share.settled} />
            </Col>
            <Col span={6}>
              <Statistic title={t("events.shareGrid")} value={share.sharePercent.grid} suffix="%" />
            </Col>
            <Col span={6}>
              <Statistic title={t("events.shareVillage")} value={share.sharePercent.village} suffix="%" />
            </Col>
            <Col span={6}>
              <Statistic title={t("events.shareAbove")} value={share.sharePercent.above} suffix="%" />
            </Col>
          </Row>
          <Typography.Title level={5} style={{ marginTop: 24 }}>
            {t("events.byLevel")}
          </Typography.Title>
          {HANDLING_LEVELS.map((level) => (
            <Space key={level} style={{ width: "100%" }}>
              <span style={{ display: "inline-block", width: 120 }}>{t(`events.level.${level}`)}</span>
              <Progress
                style={{ width: 420 }}
                percent={share.settled === 0 ? 0 : Math.round((share.byLevel[level] / share.settled) * 1000) / 10}
                format={() => `${share.byLevel[level]}`}
              />
            </Space>
          ))}
          <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>
            {t("events.stillOpen", { n: share.open })}
          </Typography.Paragraph>
        </>
      )}
    </Card>
  );
}
