import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { DomainError } from "@wangge/core";

/**
 * PGlite runs PostgreSQL inside this process, with no server to arbitrate: two processes that open
 * the same data directory corrupt it. A lock file taken with O_EXCL says who has it; a second
 * process stops with a clear message, and a lock left by a process that died is taken over.
 */
export interface DataDirLock {
  path: string;
  release(): void;
}

interface LockOwner {
  pid: number;
  hostname: string;
  command: string;
  startedAt: string;
}

export const LOCK_FILE_NAME = "wangge.lock";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readOwner(lockPath: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(lockPath, "utf8")) as LockOwner;
  } catch {
    return undefined;
  }
}

export function acquireDataDirLock(dataDir: string, command = process.argv.slice(2).join(" ") || "node"): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, LOCK_FILE_NAME);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, "wx", 0o600);
      const owner: LockOwner = { pid: process.pid, hostname: hostname(), command, startedAt: new Date().toISOString() };
      writeSync(fd, JSON.stringify(owner));
      closeSync(fd);
      const release = () => {
        const current = readOwner(lockPath);
        if (current?.pid === process.pid) {
          try {
            unlinkSync(lockPath);
          } catch {
            // already gone
          }
        }
        process.off("exit", release);
      };
      process.on("exit", release);
      return { path: lockPath, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = readOwner(lockPath);
      const sameHost = !owner || owner.hostname === hostname();
      if (owner && sameHost && owner.pid !== process.pid && !isAlive(owner.pid)) {
        unlinkSync(lockPath);
        continue;
      }
      const who = owner
        ? `pid ${owner.pid} on ${owner.hostname}, "wangge ${owner.command}", since ${owner.startedAt}`
        : "an unknown process";
      throw new DomainError(
        "DATA_DIR_LOCKED",
        `the embedded database in ${dataDir} is in use by another Wangge process (${who}); stop it first, or point DATABASE_URL at a PostgreSQL server to share one database`,
        { details: { dataDir, owner } },
      );
    }
  }
  throw new DomainError("DATA_DIR_LOCKED", `could not take the lock ${lockPath}`);
}
