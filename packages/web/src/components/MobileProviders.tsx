import type { WebApp } from "@wangge/core";
import { ConfigProvider } from "antd-mobile";
import enUS from "antd-mobile/es/locales/en-US";
import zhCN from "antd-mobile/es/locales/zh-CN";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ErrorBoundary } from "./ErrorBoundary.tsx";

/** antd-mobile with the locale that follows the language switch, for the field and resident apps. */
export function MobileProviders({ app, children }: { app: WebApp; children: ReactNode }) {
  const { i18n } = useTranslation();
  return (
    <ErrorBoundary app={app}>
      <ConfigProvider locale={i18n.language === "en" ? enUS : zhCN}>{children}</ConfigProvider>
    </ErrorBoundary>
  );
}
