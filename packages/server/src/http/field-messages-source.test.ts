import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * A field's problem is said in the reader's language only if it is a catalogue message (core's
 * `fieldIssue(path, CODE, params)`, or an issue carrying `said`): one written as English text reaches a
 * Chinese reader in English (#17 item 6). This reads the server's and core's sources for field issues
 * written as text, so a new one fails here before it reaches anyone.
 */
const ROOTS = [path.resolve(import.meta.dirname, ".."), path.resolve(import.meta.dirname, "../../../core/src")];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "test" ? [] : sources(file);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [file] : [];
  });
}

/** An object with a path whose message is written as a string or template literal (`{ path, message: "…" }`). */
const TEXT_ISSUE = /\{\s*path\b(?:[^{}]|\$\{[^{}]*\})*?message:\s*["`]/gs;

describe("field messages in the sources", () => {
  it("are catalogue messages, never English text written into a field issue", () => {
    const found: string[] = [];
    for (const file of ROOTS.flatMap(sources)) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(TEXT_ISSUE)) {
        // An issue that says its message as data too is said in the reader's language.
        const rest = text.slice(m.index, text.indexOf("}", m.index + m[0].length) + 1);
        if (rest.includes("said:")) continue;
        const line = text.slice(0, m.index).split("\n").length;
        found.push(`${path.relative(ROOTS[0] as string, file)}:${line}`);
      }
    }
    expect(found).toEqual([]);
  });
});
