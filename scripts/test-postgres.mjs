// npm run test:postgres — the server's integration tests against a real PostgreSQL 15 server.
// Uses WANGGE_TEST_DATABASE_URL when it is set (any server you run); otherwise starts a throwaway
// cluster and removes it afterwards. Extra arguments go to Vitest.
import { spawnSync } from "node:child_process";
import { startPostgresCluster } from "./postgres-cluster.mjs";

let cluster;
let url = process.env.WANGGE_TEST_DATABASE_URL;
if (!url) {
  cluster = await startPostgresCluster();
  url = cluster.url;
  console.log(`PostgreSQL test cluster on port ${cluster.port}`);
}
let status = 1;
try {
  const result = spawnSync("npx", ["vitest", "run", "--project", "server", ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, WANGGE_TEST_DATABASE_URL: url },
  });
  status = result.status ?? 1;
} finally {
  cluster?.stop();
}
process.exit(status);
