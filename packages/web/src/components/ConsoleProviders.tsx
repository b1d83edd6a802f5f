import type { WebApp } from "@wangge/core";
import { App as AntApp, theme as antTheme, ConfigProvider } from "antd";
import enUS from "antd/locale/en_US";
import zhCN from "antd/locale/zh_CN";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ErrorBoundary } from "./ErrorBoundary.tsx";

/** Ant Design with the locale that follows the language switch, for the console and the big screen. */
export function ConsoleProviders({
  app,
  dark = false,
  children,
}: {
  app: WebApp;
  dark?: boolean;
  children: ReactNode;
}) {
  const { i18n } = useTranslation();
  return (
    <ErrorBoundary app={app}>
      <ConfigProvider
        locale={i18n.language === "en" ? enUS : zhCN}
        theme={{
          token: { colorPrimary: dark ? "#29b6f6" : "#b71c1c", borderRadius: 6 },
          ...(dark ? { algorithm: antTheme.darkAlgorithm } : {}),
        }}
      >
        <AntApp>{children}</AntApp>
      </ConfigProvider>
    </ErrorBoundary>
  );
}
