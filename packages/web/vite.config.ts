import { readFileSync } from "node:fs";
import path from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { fieldServiceWorker } from "./build/field-service-worker.ts";
import { precompress } from "./build/precompress.ts";

/**
 * One build, four apps: console (/), big screen (/screen), field app (/field), resident app (/h5).
 * The server serves dist/ (each file also as .gz and .br, build/precompress.ts) and falls back to each
 * app's index.html for its own paths. The field app is a PWA: build/field-service-worker.ts.
 */
const { version } = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../../package.json"), "utf8")) as {
  version: string;
};

export default defineConfig({
  plugins: [react(), fieldServiceWorker(), precompress()],
  define: { "import.meta.env.VITE_APP_VERSION": JSON.stringify(version) },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 2500,
    rollupOptions: {
      input: {
        console: path.resolve(import.meta.dirname, "index.html"),
        screen: path.resolve(import.meta.dirname, "screen/index.html"),
        field: path.resolve(import.meta.dirname, "field/index.html"),
        resident: path.resolve(import.meta.dirname, "h5/index.html"),
      },
    },
  },
  server: {
    proxy: { "/api": "http://localhost:3000" },
  },
});
