import { redactPersonalNumbers } from "@wangge/core";
import pino, { type Logger } from "pino";

/** ID and mobile numbers masked in every string of a log record (a search URL carries what was typed). */
function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactPersonalNumbers(value);
  if (depth > 3 || value === null || typeof value !== "object" || value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrub(v, depth + 1);
  return out;
}

/**
 * JSON logs on stdout. Credentials and personal fields are redacted by path wherever they appear,
 * as a second fence behind the rule that services never log them.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "wangge" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { log: (object) => scrub(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === "string" ? redactPersonalNumbers(a) : a)) as Parameters<typeof method>,
          );
        },
      },
      redact: {
        paths: ["req.headers.authorization", "req.headers.cookie", "*.password", "*.idNumber", "*.phone", "*.token"],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
