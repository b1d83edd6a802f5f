import { Tabs } from "antd";
import { useTranslation } from "react-i18next";
import { AlertsTab } from "./AlertsTab.tsx";
import { RulesTab } from "./RulesTab.tsx";
import { PlaybooksTab, SensitiveDatesTab } from "./SettingsTabs.tsx";

/**
 * Risk early warning (风险预警) in the console: the alerts inbox for who reads risk; the rules with
 * their backtest; playbooks; the calendar of sensitive dates. Each tab only for who may use it.
 */
export function RiskPage({
  canRead,
  canHandle,
  canConfigure,
  canConfigureEverywhere,
  areaCode,
}: {
  canRead: boolean;
  canHandle: boolean;
  canConfigure: boolean;
  canConfigureEverywhere: boolean;
  areaCode: string | null;
}) {
  const { t } = useTranslation();
  return (
    <Tabs
      items={[
        ...(canRead
          ? [{ key: "alerts", label: t("risk.tabs.alerts"), children: <AlertsTab canHandle={canHandle} /> }]
          : []),
        {
          key: "rules",
          label: t("risk.tabs.rules"),
          children: <RulesTab canConfigure={canConfigure} canBacktest={canRead} areaCode={areaCode} />,
        },
        {
          key: "playbooks",
          label: t("risk.tabs.playbooks"),
          children: <PlaybooksTab canEdit={canConfigureEverywhere} />,
        },
        {
          key: "dates",
          label: t("risk.tabs.dates"),
          children: <SensitiveDatesTab canEdit={canConfigure} areaCode={areaCode} />,
        },
      ]}
    />
  );
}
