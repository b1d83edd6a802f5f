// A throwaway PostgreSQL 15 cluster for tests: initdb into a temp dir, listen on 127.0.0.1 at a free
// port, trust auth for the local test user; stop() shuts it down and deletes it. initdb refuses to run
// as root, so as root the cluster runs as the `postgres` system user (created if missing).
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

const BIN_DIRS = [process.env.WANGGE_PG_BIN, "/usr/lib/postgresql/15/bin"].filter(Boolean);

function pgBin(name) {
  for (const dir of BIN_DIRS) {
    const full = path.join(dir, name);
    if (existsSync(full)) return full;
  }
  throw new Error(
    `PostgreSQL binary ${name} not found in ${BIN_DIRS.join(", ")}; install postgresql-15 or set WANGGE_PG_BIN`,
  );
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function runAsUser() {
  if (process.getuid?.() !== 0) return undefined;
  const hasPostgres = spawnSync("id", ["-u", "postgres"]).status === 0;
  if (!hasPostgres)
    execFileSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"]);
  const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
  return { name: "postgres", uid, gid };
}

function exec(user, file, args) {
  const [cmd, cmdArgs] = user ? ["runuser", ["-u", user.name, "--", file, ...args]] : [file, args];
  const result = spawnSync(cmd, cmdArgs, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${path.basename(file)} failed: ${result.stderr || result.stdout}`);
  return result.stdout;
}

export async function startPostgresCluster() {
  const user = runAsUser();
  const dir = mkdtempSync(path.join(tmpdir(), "wangge-pg-"));
  if (user) chownSync(dir, user.uid, user.gid);
  const dataDir = path.join(dir, "data");
  const port = await freePort();
  exec(user, pgBin("initdb"), ["-D", dataDir, "-U", "wangge", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
  const settings = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${dir}`,
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
    "-c max_connections=200",
    "-c shared_buffers=256MB",
    "-c wal_init_zero=off",
  ].join(" ");
  exec(user, pgBin("pg_ctl"), [
    "-D",
    dataDir,
    "-o",
    settings,
    "-l",
    path.join(dir, "server.log"),
    "-w",
    "-t",
    "60",
    "start",
  ]);
  const url = `postgres://wangge@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    stop() {
      try {
        exec(user, pgBin("pg_ctl"), ["-D", dataDir, "-m", "fast", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
