import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { acquireDataDirLock, LOCK_FILE_NAME } from "./data-dir-lock.ts";

const freshDir = () => mkdtempSync(path.join(tmpdir(), "wangge-lock-"));

describe("acquireDataDirLock", () => {
  it("writes who holds the lock and removes the file on release", () => {
    const dir = freshDir();
    const lock = acquireDataDirLock(dir, "serve");
    const owner = JSON.parse(readFileSync(path.join(dir, LOCK_FILE_NAME), "utf8"));
    expect(owner).toMatchObject({ pid: process.pid, command: "serve", hostname: hostname() });
    lock.release();
    expect(existsSync(path.join(dir, LOCK_FILE_NAME))).toBe(false);
  });

  it("refuses a second holder with DATA_DIR_LOCKED naming the first", () => {
    const dir = freshDir();
    const lock = acquireDataDirLock(dir, "serve");
    try {
      expect(() => acquireDataDirLock(dir, "migrate")).toThrowError(
        expect.objectContaining({ code: "DATA_DIR_LOCKED", message: expect.stringContaining(`pid ${process.pid}`) }),
      );
    } finally {
      lock.release();
    }
  });

  it("takes over a lock left by a process that no longer runs", () => {
    const dir = freshDir();
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
    writeFileSync(
      path.join(dir, LOCK_FILE_NAME),
      JSON.stringify({ pid: Number(dead), hostname: hostname(), command: "serve", startedAt: "2026-01-01T00:00:00Z" }),
    );
    const lock = acquireDataDirLock(dir, "migrate");
    expect(JSON.parse(readFileSync(lock.path, "utf8")).pid).toBe(process.pid);
    lock.release();
  });
});
