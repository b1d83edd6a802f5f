import type { WebApp } from "@wangge/core";
import { Component, type ReactNode } from "react";
import { Translation } from "react-i18next";
import { reportError } from "../lib/error-reporting.ts";

/** Catches a render failure, reports it to the server and offers a reload instead of a blank page. */
export class ErrorBoundary extends Component<{ app: WebApp; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  override componentDidCatch(error: unknown) {
    reportError(this.props.app, error);
  }

  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <Translation>
        {(t) => (
          <div role="alert" style={{ padding: 32, fontFamily: "system-ui, sans-serif" }}>
            <h1>{t("common.somethingWrong")}</h1>
            <p>{t("common.errorReported")}</p>
            <button type="button" onClick={() => window.location.reload()}>
              {t("common.reload")}
            </button>
          </div>
        )}
      </Translation>
    );
  }
}
