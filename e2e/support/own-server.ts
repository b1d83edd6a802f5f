import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

/**
 * A server process: the CLI's `serve --demo` over `dataDir`, on `port` (0: a free one) — the one the
 * journeys share (global-setup.ts), or a journey's own, which it may stop and start again on the same
 * port and data: a server restart, as a command centre sees one.
 */
const root = path.resolve(import.meta.dirname, "../..");

export interface OwnServer {
  baseUrl: string;
  port: number;
  /** Everything it printed (the demo password, on its first start). */
  output: string;
  /** SIGTERM, as a service manager stops it; resolves once the process is gone. */
  stop(): Promise<void>;
}

export async function startOwnServer(
  dataDir: string,
  port = 0,
  options: {
    /** Besides the data directory, a passphrase for the admin and a generous sign-in limit. */
    env?: Record<string, string>;
    /** Each chunk it prints, as it prints it (a log file the journeys read). */
    onOutput?: (chunk: Buffer) => void;
  } = {},
): Promise<OwnServer> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      path.join(root, "packages/server/bin/wangge.mjs"),
      "serve",
      "--demo",
      "--port",
      String(port),
      "--host",
      "127.0.0.1",
    ],
    {
      env: {
        ...process.env,
        WANGGE_DATA_DIR: dataDir,
        WANGGE_ADMIN_PASSWORD: "e2e own server passphrase 2026",
        // Every journey signs in from 127.0.0.1; the per-address limit on sign-ins (tested by the server
        // tests) would otherwise cut the suite off once it passes 20 journeys a minute.
        WANGGE_LOGIN_RATE_LIMIT_PER_MINUTE: "600",
        LOG_LEVEL: "warn",
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  const baseUrl = await new Promise<string>((resolve, reject) => {
    // The demo seed takes a minute or more on a busy two-core machine.
    const timer = setTimeout(() => reject(new Error(`server did not start in 240 s:\n${output}`)), 240_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      options.onOutput?.(chunk);
      const match = output.match(/is running: (http:\/\/localhost:\d+)/);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1].replace("localhost", "127.0.0.1"));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    baseUrl,
    port: Number(new URL(baseUrl).port),
    get output() {
      return output;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
