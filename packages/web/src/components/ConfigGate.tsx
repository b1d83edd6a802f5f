import type { ClientConfig } from "@wangge/core";
import { Button, Result, Spin } from "antd";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { errorMessageKey } from "../lib/error-message.ts";
import { useClientConfig } from "../lib/use-client-config.ts";

/** Renders its children once the server's client configuration has arrived (antd apps). */
export function ConfigGate({ children }: { children: (config: ClientConfig) => ReactNode }) {
  const { t } = useTranslation();
  const { config, error, retry } = useClientConfig();
  if (error) {
    return (
      <Result
        status="warning"
        title={t(errorMessageKey(error.code))}
        extra={<Button onClick={retry}>{t("common.retry")}</Button>}
      />
    );
  }
  if (!config) return <Spin aria-label={t("common.loading")} />;
  return <>{children(config)}</>;
}
