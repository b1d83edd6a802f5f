import { chmodSync, lstatSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { isMainThread } from "node:worker_threads";

/**
 * The data directory holds the embedded database, the key files, uploads and attachments: readable by
 * the server's own user only (0700 directories, 0600 files). Two fences: the process creates files
 * with umask 077 from the start (privateFileCreation), and what exists already — an older data
 * directory, or files PGlite writes with mode 0666 whatever the umask (its file system layer chmods
 * what it unpacks) — is put right by makePrivate when the database opens and closes.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** From now on, files and directories this process creates are its user's only. */
export function privateFileCreation(): void {
  // process.umask cannot be set from a worker thread (and the main thread's applies to the process).
  if (isMainThread) process.umask(0o077);
}

/** Creates `dir` if needed and makes it and everything under it private (symbolic links left alone). */
export function makePrivate(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop() as string;
    const stat = lstatSync(current, { throwIfNoEntry: false });
    if (!stat || stat.isSymbolicLink()) continue;
    const wanted = stat.isDirectory() ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE;
    if ((stat.mode & 0o777) !== wanted) chmodIfOwned(current, wanted);
    if (stat.isDirectory()) {
      for (const name of readdirSync(current)) stack.push(path.join(current, name));
    }
  }
}

function chmodIfOwned(file: string, mode: number): void {
  try {
    chmodSync(file, mode);
  } catch (error) {
    // Not ours (a directory an operator shares on purpose): leave it as they set it.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") throw error;
  }
}
