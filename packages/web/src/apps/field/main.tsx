import { mountApp } from "../../lib/bootstrap.tsx";
import { FieldApp } from "./FieldApp.tsx";

mountApp("field", <FieldApp />);

// The installable, offline app: the service worker the build writes (build/field-service-worker.ts)
// keeps the app's files, so it opens from its icon or URL without a network.
if (import.meta.env.PROD && "serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    void navigator.serviceWorker.register("/field/sw.js", { scope: "/field" }).catch(() => undefined);
  });
}
