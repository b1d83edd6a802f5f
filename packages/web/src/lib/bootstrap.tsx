import type { WebApp } from "@wangge/core";
import { type ReactNode, StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { initI18n } from "../i18n/index.ts";
import { installErrorReporting } from "./error-reporting.ts";

/** Starts one of the four apps: translations, crash reporting, then React. */
export function mountApp(app: WebApp, tree: ReactNode): void {
  installErrorReporting(app);
  const root = document.getElementById("root");
  if (!root) throw new Error("#root is missing from the page");
  // The texts of the chosen language first (English is fetched when chosen), then the first frame.
  void initI18n().then(() => createRoot(root).render(<StrictMode>{tree}</StrictMode>));
}
